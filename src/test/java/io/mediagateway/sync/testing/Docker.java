package io.mediagateway.sync.testing;

import org.testcontainers.DockerClientFactory;

/** Whether a Docker engine answers, asked once per JVM. */
final class Docker {
    private static Boolean available;

    private Docker() {
    }

    static synchronized boolean available() {
        if (available == null) {
            boolean answer;
            try {
                answer = DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException | LinkageError e) {
                answer = false;
            }
            available = answer;
        }
        return available;
    }
}
