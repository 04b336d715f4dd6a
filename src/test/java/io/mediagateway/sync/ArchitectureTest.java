package io.mediagateway.sync;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout of the README's architecture section, enforced: each package imports only the rooms
 * below it, and each library appears only in its rooms. A wrong import fails the build here, naming
 * the class and the dependency.
 *
 * <pre>
 * crdt → model → codec → topics → deadletter → ingest → topology → {query, analytics, egress} → web → app
 *                                                                         demo (beside; only app starts it)
 * </pre>
 */
class ArchitectureTest {
    private static final String BASE = "io.mediagateway.sync";
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(BASE);
    }

    private static String room(String name) {
        return BASE + "." + name + "..";
    }

    @Test
    void eachRoomImportsOnlyTheRoomsBelowIt() {
        ArchRule rule = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("crdt").definedBy(room("crdt"))
                .layer("model").definedBy(room("model"))
                .layer("codec").definedBy(room("codec"))
                .layer("topics").definedBy(room("topics"))
                .layer("deadletter").definedBy(room("deadletter"))
                .layer("ingest").definedBy(room("ingest"))
                .layer("topology").definedBy(room("topology"))
                .layer("query").definedBy(room("query"))
                .layer("analytics").definedBy(room("analytics"))
                .layer("egress").definedBy(room("egress"))
                .layer("web").definedBy(room("web"))
                .layer("app").definedBy(room("app"))
                .layer("demo").definedBy(room("demo"))
                .whereLayer("crdt").mayNotAccessAnyLayer()
                .whereLayer("model").mayOnlyAccessLayers("crdt")
                .whereLayer("codec").mayOnlyAccessLayers("crdt", "model")
                .whereLayer("topics").mayNotAccessAnyLayer()
                .whereLayer("deadletter").mayOnlyAccessLayers("crdt", "model", "codec", "topics")
                .whereLayer("ingest").mayOnlyAccessLayers("crdt", "model", "codec", "topics", "deadletter")
                .whereLayer("topology").mayOnlyAccessLayers("crdt", "model", "codec", "topics", "deadletter", "ingest")
                .whereLayer("query").mayOnlyAccessLayers("crdt", "model", "codec", "topics", "deadletter", "ingest", "topology")
                .whereLayer("analytics").mayOnlyAccessLayers("crdt", "model", "codec", "topics", "deadletter", "ingest",
                        "topology")
                .whereLayer("egress").mayOnlyAccessLayers("crdt", "model", "codec", "topics", "deadletter", "ingest",
                        "topology")
                .whereLayer("web").mayOnlyAccessLayers("crdt", "model", "codec", "topics", "deadletter", "ingest",
                        "query", "analytics")
                .whereLayer("demo").mayOnlyAccessLayers("crdt", "model", "codec", "topics")
                .whereLayer("demo").mayOnlyBeAccessedByLayers("app");
        rule.check(main);
    }

    @Test
    void kafkaStreamsRunsOnlyInTheTopologyTheQueriesTheAnalyticsAndTheApp() {
        noClasses().that().resideOutsideOfPackages(room("topology"), room("query"), room("analytics"), room("app"))
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka.streams..")
                .because("the domain, the codec and the web front end must not know the stream processor")
                .check(main);
    }

    @Test
    void javalinAndJettyOnlyInTheWebFrontEndAndTheApp() {
        noClasses().that().resideOutsideOfPackages(room("web"), room("app"))
                .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "org.eclipse.jetty..")
                .check(main);
    }

    @Test
    void jdbcOnlyInThePostgresEgress() {
        noClasses().that().resideOutsideOfPackage(room("egress.postgres"))
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "com.zaxxer.hikari..",
                        "org.postgresql..", "org.flywaydb..")
                .because("the PostgreSQL sink owns the database (SinkDatabase builds the pool); the embedded database "
                        + "only hands its URL over")
                .check(main);
    }

    @Test
    void thePubNubSdkOnlyInThePubNubEgress() {
        noClasses().that().resideOutsideOfPackage(room("egress.pubnub"))
                .should().dependOnClassesThat().resideInAPackage("com.pubnub..")
                .check(main);
    }

    @Test
    void deltasAreReadByTheCodecNotByGson() {
        noClasses().that().resideOutsideOfPackage(room("egress.pubnub"))
                .should().dependOnClassesThat().resideInAPackage("com.google.gson..")
                .because("one codec reads every delta (DeltaCodec); the PubNub room only turns the SDK's JSON into text")
                .check(main);
    }
}
