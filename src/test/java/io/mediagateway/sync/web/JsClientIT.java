package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mediagateway.sync.testing.KafkaBroker;
import io.mediagateway.sync.testing.RealServices;
import io.mediagateway.sync.testing.TestDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The JavaScript client {@code clients/js} (contract §17, issue 26) inside {@code mvn verify}: its types checked by
 * {@code tsc}, its package as {@code npm pack} makes it, and its tests — Node's own runner — against the real
 * service: the packaged jar, started, killed and started again by the tests on this test's broker.
 */
@ExtendWith(RealServices.class)
class JsClientIT {
    private static final Path CLIENT = Path.of("clients/js").toAbsolutePath();
    private static Path work;

    @BeforeAll
    static void install() throws Exception {
        work = TestDirs.create("js-client");
        // The lock file pins the one development dependency (typescript); the package has no runtime dependency.
        run("npm-ci", Map.of(), 300, "npm", "ci", "--no-audit", "--no-fund", "--prefer-offline");
    }

    @Test
    void itsTypesCheck() throws Exception {
        run("typecheck", Map.of(), 120, "npm", "run", "typecheck");
    }

    @Test
    void npmPackMakesThePackageWithTheModuleAndItsTypesOnly() throws Exception {
        String json = run("pack", Map.of(), 120, "npm", "pack", "--dry-run", "--json");
        JsonNode pack = new ObjectMapper().readTree(json.substring(json.indexOf('['))).get(0);
        assertThat(pack.path("name").asText()).isEqualTo("@media-gateway/sync-client");
        List<String> files = new ArrayList<>();
        pack.path("files").forEach(f -> files.add(f.path("path").asText()));
        assertThat(files).contains("package.json", "README.md", "src/index.js", "src/index.d.ts", "src/state.js",
                        "src/queue.js", "src/hlc.js")
                .noneMatch(f -> f.startsWith("test/") || f.startsWith("node_modules/"));
    }

    @Test
    void itsTestsPassAgainstTheRealService(KafkaBroker kafka) throws Exception {
        String jar = Path.of(System.getProperty("sync.jar", "target/media-gateway-sync.jar")).toAbsolutePath().toString();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String output = run("test", Map.of("MGS_JAR", jar, "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "MGS_WORK_DIR", work.toString(), "MGS_JAVA", java), 600, "npm", "test");
        assertThat(output).contains("# fail 0", "# cancelled 0").doesNotContain("# pass 0");
    }

    /** Runs a command in {@code clients/js}; answers its output, or fails with the output's end. */
    private static String run(String name, Map<String, String> env, int timeoutSeconds, String... command) throws Exception {
        Path log = work.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(CLIENT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError("'" + command[0] + "' cannot be run (Node.js 20+ and npm must be on the PATH): " + e);
        }
        boolean ended = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (!ended || process.exitValue() != 0) {
            String how = ended ? " exited " + process.exitValue() : " did not end within " + timeoutSeconds + " s";
            throw new AssertionError(String.join(" ", command) + how + "; its output (" + log + ") ends:\n"
                    + tail(output, 12_000));
        }
        return output;
    }

    private static String tail(String text, int chars) {
        return text.length() <= chars ? text : "…" + text.substring(text.length() - chars);
    }
}
