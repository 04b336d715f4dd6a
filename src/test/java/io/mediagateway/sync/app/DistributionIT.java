package io.mediagateway.sync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.rocksdb.util.Environment;

/**
 * The packaged jar carries the natives and the embedded PostgreSQL of the platform it was built for and of
 * no platform the README does not support (issue 22: it was 266 MB with every platform's). That the jar runs
 * — RocksDB and the embedded PostgreSQL loaded from it — is what {@code ServeCommandIT} and
 * {@code DemoDashboardIT} show.
 */
class DistributionIT {
    private static final Path JAR = Path.of(System.getProperty("sync.jar", "target/media-gateway-sync.jar"));

    private static List<String> entries() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            return jar.stream().map(ZipEntry::getName).toList();
        }
    }

    @Test
    void theJarIsUnder100Megabytes() throws IOException {
        assertThat(Files.size(JAR)).as("bytes of %s", JAR).isLessThan(100L * 1024 * 1024);
    }

    @Test
    void itCarriesThisPlatformsRocksDbNativeAndOneEmbeddedPostgres() throws IOException {
        List<String> entries = entries();
        assertThat(entries).contains(Environment.getJniLibraryFileName("rocksdb"));
        assertThat(entries.stream().filter(e -> e.startsWith("postgres-") && e.endsWith(".txz")))
                .as("the embedded PostgreSQL of the build's platform only").hasSize(1);
    }

    @Test
    void itCarriesNoNativeOfAnUnsupportedPlatform() throws IOException {
        List<String> natives = entries().stream().filter(DistributionIT::isNative).toList();
        assertThat(natives).as("natives and database binaries in the jar").isNotEmpty()
                .noneMatch(e -> e.endsWith(".dll") || e.contains("windows") || e.contains("Windows")
                        || e.contains("s390x") || e.contains("ppc64") || e.contains("riscv64") || e.contains("musl")
                        || e.contains("alpine") || e.contains("linux32") || e.startsWith("aix/")
                        || e.startsWith("freebsd/"));
    }

    private static boolean isNative(String entry) {
        return entry.endsWith(".so") || entry.endsWith(".dll") || entry.endsWith(".dylib") || entry.endsWith(".jnilib")
                || entry.endsWith(".a") || entry.endsWith(".txz");
    }
}
