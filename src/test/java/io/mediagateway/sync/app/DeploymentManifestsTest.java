package io.mediagateway.sync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.app.cli.EnvironmentHelp;
import io.mediagateway.sync.topics.Regions;
import io.mediagateway.sync.topics.TopicDefinition;
import io.mediagateway.sync.topics.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What CI cannot run, it checks: docker-compose.yml and k8s/ parse (with Debian's docker-compose and
 * kubectl's kustomize when installed, always with a YAML parser), agree with each other and with the
 * service (every variable they set is one the service reads; probes, ports, names and selectors line
 * up; the memory limit covers heap + RocksDB budget), and the Strimzi topics equal {@code topics/}.
 */
class DeploymentManifestsTest {
    private static final Path COMPOSE = Path.of("docker-compose.yml");
    private static final Path K8S = Path.of("k8s");
    private static final Path K8S_BASE = K8S.resolve("base");
    private static final Path COMPOSE_REGIONS = Path.of("docker-compose.regions.yml");
    /** Set by the deployment, not read by the service: the JVM's options and the pod's own coordinates. */
    private static final List<String> NOT_SERVICE_VARIABLES = List.of("JAVA_OPTS", "POD_NAME", "POD_NAMESPACE");
    private static final long JVM_OVERHEAD_MIB = 256;

    // ---- docker-compose.yml -----------------------------------------------------------------------

    @Test
    void composeShouldRunKafkaPostgresTheTopicsAndTwoInstancesEachWithItsOwnAdvertisedUrl() throws IOException {
        Map<String, Object> services = map(load(COMPOSE).get(0), "services");

        assertThat(services).containsKeys("kafka", "postgres", "topics", "sync-1", "sync-2");
        assertThat(string(map(services, "kafka"), "image")).as("the Kafka version the service is built with")
                .isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
        assertThat(list(map(services, "topics"), "command")).startsWith("topics");
        Map<String, Object> one = map(map(services, "sync-1"), "environment");
        Map<String, Object> two = map(map(services, "sync-2"), "environment");
        assertThat(one.get("SYNC_ADVERTISED_URL")).isEqualTo("http://sync-1:8083");
        assertThat(two.get("SYNC_ADVERTISED_URL")).isEqualTo("http://sync-2:8083");
        assertThat(one.get("KAFKA_BOOTSTRAP_SERVERS")).isEqualTo("kafka:9092").isEqualTo(two.get("KAFKA_BOOTSTRAP_SERVERS"));
        assertThat(one.get("SYNC_APPLICATION_ID")).as("one application, two instances").isEqualTo(two.get("SYNC_APPLICATION_ID"));
        assertThat(one.get("SYNC_INSTANCE_ID")).isNotEqualTo(two.get("SYNC_INSTANCE_ID"));
        for (Map<String, Object> env : List.of(one, two)) {
            assertKnownVariables("docker-compose.yml", env.keySet());
        }
        assertThat(map(map(services, "sync-1"), "depends_on")).containsKeys("topics", "postgres");
    }

    @Test
    void composeShouldBeValidForDockerCompose() throws Exception {
        Optional<Path> tool = executable("docker-compose");
        Assumptions.assumeTrue(tool.isPresent(), "docker-compose is not installed (bash .ci/run installs Debian's)");

        Result result = run(tool.get().toString(), "-f", COMPOSE.toString(), "config", "-q");

        assertThat(result.exit()).as(result.output()).isZero();
    }

    // ---- k8s/ ---------------------------------------------------------------------------------------

    @Test
    void kustomizeShouldBuildTheManifests() throws Exception {
        Optional<Path> kubectl = executable("kubectl");
        Assumptions.assumeTrue(kubectl.isPresent(), "kubectl is not installed; the other tests parse k8s/ themselves");

        Result result = run(kubectl.get().toString(), "kustomize", K8S.toString());

        assertThat(result.exit()).as(result.output()).isZero();
        List<String> kinds = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(result.output())) {
            kinds.add(string(cast(doc), "kind"));
        }
        assertThat(kinds).containsExactlyInAnyOrderElementsOf(resources().stream().map(r -> string(r, "kind")).toList());
    }

    @Test
    void theStatefulSetShouldLineUpWithItsServicesConfigurationAndProbes() throws IOException {
        List<Map<String, Object>> resources = resources();
        Map<String, Object> sts = only(resources, "StatefulSet");
        Map<String, Object> spec = map(sts, "spec");
        Map<String, Object> podLabels = map(map(map(spec, "template"), "metadata"), "labels");
        Map<String, Object> container = cast(list(map(map(spec, "template"), "spec"), "containers").get(0));

        // the headless Service gives the pods their names, and both Services and the PDB select the pods
        Map<String, Object> headless = named(resources, "Service", string(spec, "serviceName"));
        assertThat(map(headless, "spec").get("clusterIP")).isEqualTo("None");
        assertThat(map(headless, "spec").get("publishNotReadyAddresses")).isEqualTo(true);
        assertThat(map(spec, "selector").get("matchLabels")).isEqualTo(podLabels);
        for (Map<String, Object> service : all(resources, "Service")) {
            assertThat(podLabels).containsAllEntriesOf(map(map(service, "spec"), "selector"));
        }
        assertThat(podLabels).containsAllEntriesOf(map(map(map(only(resources, "PodDisruptionBudget"), "spec"),
                "selector"), "matchLabels"));

        // each pod advertises its own stable name on the headless Service, on the port it listens on
        Map<String, String> env = new HashMap<>();
        for (Object e : list(container, "env")) {
            Map<String, Object> var = cast(e);
            env.put(string(var, "name"), var.containsKey("value") ? string(var, "value") : "(from field)");
        }
        int port = ((Number) cast(list(container, "ports").get(0)).get("containerPort")).intValue();
        assertThat(env.get("SYNC_ADVERTISED_URL"))
                .isEqualTo("http://$(POD_NAME)." + string(headless, "metadata.name") + ".$(POD_NAMESPACE).svc.cluster.local:" + port);
        assertThat(env.get("SYNC_INSTANCE_ID")).isEqualTo("$(POD_NAME)");
        assertKnownVariables("statefulset.yaml", env.keySet());

        // probes: ready on /ready, alive on /health, on the named container port
        assertThat(map(map(container, "readinessProbe"), "httpGet")).containsEntry("path", "/ready").containsEntry("port", "http");
        assertThat(map(map(container, "livenessProbe"), "httpGet")).containsEntry("path", "/health").containsEntry("port", "http");

        // the state volume is the data dir
        Object mounts = container.get("volumeMounts");
        String dataVolume = string(cast(list(spec, "volumeClaimTemplates").get(0)), "metadata.name");
        assertThat(mounts.toString()).contains("name=" + dataVolume + ", mountPath=" + env.get("SYNC_DATA_DIR"));

        // configuration comes from the ConfigMap and Secret of the kustomization, with variables the service reads
        Map<String, Object> config = only(resources, "ConfigMap");
        Map<String, Object> secret = only(resources, "Secret");
        assertThat(container.get("envFrom").toString()).contains("name=" + string(config, "metadata.name"))
                .contains("name=" + string(secret, "metadata.name"));
        assertKnownVariables("configmap.yaml", map(config, "data").keySet());
        assertKnownVariables("secret.yaml", map(secret, "stringData").keySet());

        // the memory limit covers the fixed heap, the RocksDB budget and the JVM's own
        long heapMib = mib(find("-Xmx(\\d+[mMgG])", string(map(config, "data"), "JAVA_OPTS")));
        long rocksMib = Long.parseLong(string(map(config, "data"), "SYNC_ROCKSDB_MEMORY_MB"));
        long limitMib = mib(string(map(map(container, "resources"), "limits"), "memory"));
        assertThat(limitMib).as("memory limit vs heap %d + RocksDB %d + JVM %d MiB", heapMib, rocksMib, JVM_OVERHEAD_MIB)
                .isGreaterThanOrEqualTo(heapMib + rocksMib + JVM_OVERHEAD_MIB);
    }

    @Test
    void theStrimziTopicsShouldEqualTopicsDir() throws IOException {
        Map<String, TopicDefinition> manifests = new TreeMap<>();
        for (Map<String, Object> topic : all(resources(), "KafkaTopic")) {
            Map<String, Object> spec = map(topic, "spec");
            Map<String, String> configs = new TreeMap<>();
            map(spec, "config").forEach((k, v) -> configs.put(k, String.valueOf(v)));
            String name = spec.containsKey("topicName") ? string(spec, "topicName") : string(topic, "metadata.name");
            manifests.put(name, new TopicDefinition(name, ((Number) spec.get("partitions")).intValue(),
                    ((Number) spec.get("replicas")).shortValue(), configs));
        }
        Map<String, TopicDefinition> declared = new TreeMap<>();
        Topics.definitions().forEach(d -> declared.put(d.name(), d));

        assertThat(manifests).as("k8s/kafka-topics.yaml must match topics/*.properties: edit both together")
                .isEqualTo(declared);
    }

    // ---- regions (contract §16) --------------------------------------------------------------------

    @Test
    void composeOfTwoRegionsShouldPointEachRegionsMirrorAtTheOthersKafka() throws Exception {
        Map<String, Object> services = map(load(COMPOSE_REGIONS).get(0), "services");
        Map<String, Object> us = map(map(services, "sync-us"), "environment");
        Map<String, Object> eu = map(map(services, "sync-eu"), "environment");

        assertThat(us).containsEntry("SYNC_REGION", "us").containsEntry("SYNC_PEER_REGIONS", "eu=kafka-eu:9092")
                .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka-us:9092");
        assertThat(eu).containsEntry("SYNC_REGION", "eu").containsEntry("SYNC_PEER_REGIONS", "us=kafka-us:9092")
                .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka-eu:9092");
        assertThat(map(map(services, "topics-us"), "environment")).containsEntry("SYNC_PEER_REGIONS", "eu=kafka-eu:9092");
        for (Map<String, Object> env : List.of(us, eu)) {
            assertKnownVariables("docker-compose.regions.yml", env.keySet());
        }
        Optional<Path> tool = executable("docker-compose");
        if (tool.isPresent()) {
            Result result = run(tool.get().toString(), "-f", COMPOSE_REGIONS.toString(), "config", "-q");
            assertThat(result.exit()).as(result.output()).isZero();
        }
    }

    @Test
    void eachRegionOverlayShouldNameItsRegionAndItsPeerAndDeclareThePeersRemoteTopics() throws Exception {
        for (String[] pair : new String[][] {{"us", "eu"}, {"eu", "us"}}) {
            Path overlay = K8S.resolve("regions").resolve(pair[0]);
            Map<String, TopicDefinition> manifests = new TreeMap<>();
            for (Map<String, Object> topic : load(overlay.resolve("remote-topics.yaml"))) {
                Map<String, Object> spec = map(topic, "spec");
                Map<String, String> configs = new TreeMap<>();
                map(spec, "config").forEach((k, v) -> configs.put(k, String.valueOf(v)));
                manifests.put(string(spec, "topicName"), new TopicDefinition(string(spec, "topicName"),
                        ((Number) spec.get("partitions")).intValue(), ((Number) spec.get("replicas")).shortValue(), configs));
            }
            Map<String, TopicDefinition> declared = new TreeMap<>();
            Regions regions = new Regions(Optional.of(pair[0]), Map.of(pair[1], "peer:9092"));
            regions.topicDefinitions().stream().filter(d -> !Topics.definitions().contains(d))
                    .forEach(d -> declared.put(d.name(), d));
            assertThat(manifests).as("%s/remote-topics.yaml: what the service creates beside topics/", overlay)
                    .isEqualTo(declared);

            Optional<Path> kubectl = executable("kubectl");
            if (kubectl.isPresent()) {
                Result result = run(kubectl.get().toString(), "kustomize", overlay.toString());
                assertThat(result.exit()).as(result.output()).isZero();
                Map<String, Object> config = null;
                for (Object doc : new Yaml().loadAll(result.output())) {
                    if ("ConfigMap".equals(string(cast(doc), "kind"))) {
                        config = map(cast(doc), "data");
                    }
                }
                assertThat(config).as("the overlay's ConfigMap").containsEntry("SYNC_REGION", pair[0])
                        .as("the instances leave MM2 to one mirror pod").containsEntry("SYNC_MIRROR", "off");
                Map<String, Object> mirror = null;
                for (Object doc : new Yaml().loadAll(result.output())) {
                    if ("Deployment".equals(string(cast(doc), "kind"))) {
                        mirror = cast(doc);
                    }
                }
                assertThat(mirror).as("the mirror Deployment").isNotNull();
                assertThat(map(mirror, "spec").get("replicas")).as("one MirrorMaker 2 node per flow").isEqualTo(1);
                String containers = String.valueOf(map(map(map(mirror, "spec"), "template"), "spec").get("containers"));
                assertThat(containers).contains("args=[mirror]");
                assertThat(String.valueOf(config.get("SYNC_PEER_REGIONS"))).startsWith(pair[1] + "=");
                assertKnownVariables(overlay.toString(), config.keySet());
                Regions.parse(Optional.of(pair[0]), Optional.of(String.valueOf(config.get("SYNC_PEER_REGIONS"))));
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static void assertKnownVariables(String where, Iterable<String> names) {
        for (String name : names) {
            if (!NOT_SERVICE_VARIABLES.contains(name)) {
                assertThat(EnvironmentHelp.TEXT).as("%s sets %s, which the service does not read", where, name)
                        .containsPattern("\\b" + name + "\\b");
            }
        }
    }

    /** Every resource the kustomization lists, in order. */
    private static List<Map<String, Object>> resources() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object file : list(load(K8S_BASE.resolve("kustomization.yaml")).get(0), "resources")) {
            out.addAll(load(K8S_BASE.resolve(file.toString())));
        }
        return out;
    }

    private static List<Map<String, Object>> load(Path file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(Files.readString(file, StandardCharsets.UTF_8))) {
            if (doc != null) {
                docs.add(cast(doc));
            }
        }
        return docs;
    }

    private static List<Map<String, Object>> all(List<Map<String, Object>> resources, String kind) {
        return resources.stream().filter(r -> kind.equals(r.get("kind"))).toList();
    }

    private static Map<String, Object> only(List<Map<String, Object>> resources, String kind) {
        List<Map<String, Object>> found = all(resources, kind);
        assertThat(found).as("one %s", kind).hasSize(1);
        return found.get(0);
    }

    private static Map<String, Object> named(List<Map<String, Object>> resources, String kind, String name) {
        return all(resources, kind).stream().filter(r -> name.equals(string(r, "metadata.name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }

    private static Map<String, Object> map(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertThat(v).as(key).isInstanceOf(Map.class);
        return cast(v);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertThat(v).as(key).isInstanceOf(List.class);
        return (List<Object>) v;
    }

    /** A value at a dotted path of maps. */
    private static String string(Map<String, Object> m, String path) {
        Object v = m;
        for (String part : path.split("\\.")) {
            v = cast(v).get(part);
        }
        assertThat(v).as(path).isNotNull();
        return v.toString();
    }

    private static String find(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s in %s", regex, text).isTrue();
        return m.group(1);
    }

    private static long mib(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Mi|Gi|m|M|g|G)").matcher(quantity);
        assertThat(m.matches()).as("a memory quantity: " + quantity).isTrue();
        long n = Long.parseLong(m.group(1));
        return m.group(2).toLowerCase().startsWith("g") ? n * 1024 : n;
    }

    private static Optional<Path> executable(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private record Result(int exit, String output) {
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
