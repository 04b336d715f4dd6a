package io.mediagateway.sync.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A real headless Chromium driven through ChromeDriver's W3C WebDriver protocol (plain HTTP + JSON, so
 * no client library and nothing downloaded: Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code .ci/run} installs). {@link #find()} says why when they are missing, so a test can skip clearly.
 */
public final class Browser implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CHROMIUM = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");
    private static final List<String> DRIVER = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    private final Process driver;
    private final String base;
    private final Path userDataDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The Chromium and ChromeDriver binaries, or why they are not usable. */
    public record Binaries(Optional<Path> chromium, Optional<Path> driver) {
        public boolean usable() {
            return chromium.isPresent() && driver.isPresent();
        }

        public String why() {
            return "no headless browser: " + (chromium.isEmpty() ? "Chromium (" + CHROMIUM + ") " : "")
                    + (driver.isEmpty() ? "ChromeDriver (" + DRIVER + ") " : "")
                    + "not found; install Debian's chromium and chromium-driver (bash .ci/run does)";
        }
    }

    public static Binaries find() {
        return new Binaries(firstExecutable(CHROMIUM), firstExecutable(DRIVER));
    }

    private static Optional<Path> firstExecutable(List<String> candidates) {
        return candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    private Browser(Process driver, String base, Path userDataDir) {
        this.driver = driver;
        this.base = base;
        this.userDataDir = userDataDir;
    }

    /** Starts ChromeDriver and one headless Chromium session with a window of {@code width × height}. */
    public static Browser launch(Binaries binaries, int width, int height) throws IOException, InterruptedException {
        int port = Ports.free();
        Path log = TestDirs.create("chromedriver").resolve("chromedriver.log");
        Process process = new ProcessBuilder(binaries.driver().orElseThrow().toString(), "--port=" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path profile = TestDirs.create("chromium-profile");
        Browser browser = new Browser(process, "http://127.0.0.1:" + port, profile);
        try {
            browser.awaitDriver();
            browser.newSession(binaries.chromium().orElseThrow(), width, height);
            return browser;
        } catch (IOException | RuntimeException e) {
            browser.close();
            throw e;
        }
    }

    private String sessionId;

    private void awaitDriver() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (call("GET", "/status", null).path("ready").asBoolean()) {
                    return;
                }
            } catch (IOException | RuntimeException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("ChromeDriver did not become ready in 20 s");
    }

    private void newSession(Path chromium, int width, int height) throws IOException, InterruptedException {
        ObjectNode options = JSON.createObjectNode();
        options.put("binary", chromium.toString());
        ArrayNode args = options.putArray("args");
        // As root in a container, with a closed network: no sandbox, no GPU, no background connections.
        for (String arg : List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=" + width + "," + height, "--user-data-dir=" + userDataDir)) {
            args.add(arg);
        }
        ObjectNode body = JSON.createObjectNode();
        ObjectNode always = body.putObject("capabilities").putObject("alwaysMatch");
        always.put("browserName", "chrome");
        always.set("goog:chromeOptions", options);
        sessionId = call("POST", "/session", body).path("sessionId").asText();
    }

    public void open(String url) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("url", url);
        call("POST", session("/url"), body);
    }

    /** Runs {@code script} (a function body; {@code arguments[i]} are {@code args}) in the page and returns its value. */
    public JsonNode script(String script, Object... args) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("script", script);
        body.set("args", JSON.valueToTree(args));
        return call("POST", session("/execute/sync"), body);
    }

    public void screenshot(Path file) throws IOException, InterruptedException {
        String png = call("GET", session("/screenshot"), null).asText();
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(png));
    }

    private String session(String path) {
        return "/session/" + sessionId + path;
    }

    private JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JSON.readTree(response.body());
        JsonNode value = answer.path("value");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("WebDriver " + method + " " + path + " answered " + response.statusCode()
                    + ": " + value.path("error").asText() + " — " + value.path("message").asText());
        }
        return value;
    }

    @Override
    public void close() throws InterruptedException {
        if (sessionId != null) {
            try {
                call("DELETE", session(""), null);
            } catch (IOException | RuntimeException e) {
                // the driver is stopped below anyway
            }
        }
        driver.destroy();
        if (!driver.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
            driver.destroyForcibly();
        }
        try (var files = Files.walk(userDataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
