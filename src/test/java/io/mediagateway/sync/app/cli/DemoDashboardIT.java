package io.mediagateway.sync.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mediagateway.sync.testing.Browser;
import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.Ports;
import io.mediagateway.sync.testing.PubNubStandIn;
import io.mediagateway.sync.testing.ServiceProcess;
import io.mediagateway.sync.testing.TestDirs;
import io.mediagateway.sync.testing.TopicReader;
import io.mediagateway.sync.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The README's first command as a newcomer runs it — the packaged jar's {@code demo} with nothing
 * configured (embedded Kafka and PostgreSQL) — looked at in a real headless Chromium: the dashboard
 * signs in by itself with a demo user, shows the simulated devices online, and a watchlist add made
 * through the REST API appears on the page without a reload. The screenshot is saved as
 * {@code target/dashboard.png}.
 */
class DemoDashboardIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(120);
    private static final String SECRET = "demo-dashboard-it-secret-long-enough-for-hs256";

    @Test
    void shouldShowLiveDevicesAndAWatchlistAddMadeThroughTheApiWithoutAReload() throws Exception {
        Browser.Binaries binaries = Browser.find();
        Assumptions.assumeTrue(binaries.usable(), binaries::why);

        // given the demo, started as the README says, on free ports
        Path dataDir = TestDirs.create("demo-it");
        int http = Ports.free();
        int kafkaPort = Ports.freePair();
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "SYNC_DATA_DIR", dataDir.toString(),
                "SYNC_PORT", Integer.toString(http),
                "SYNC_EMBEDDED_KAFKA_PORT", Integer.toString(kafkaPort),
                "SYNC_EMBEDDED_PG_PORT", Integer.toString(Ports.free()),
                "SYNC_STREAM_THREADS", "1",
                "SYNC_JWT_SECRET", SECRET));
        // PubNub configured (the stand-in): the dashboard shows the token a device gets, and deltas go out.
        PubNubStandIn pubnub = PubNubStandIn.start();
        env.putAll(Map.of("PUBNUB_PUBLISH_KEY", "pub-key", "PUBNUB_SUBSCRIBE_KEY", "sub-key", "PUBNUB_SECRET_KEY", "sec-key",
                "PUBNUB_ORIGIN", pubnub.origin(), "PUBNUB_SECURE", "false", "SYNC_PUBNUB_USER_KEYS_SECRET", "demo-it-keys"));
        String base = "http://localhost:" + http;
        try (pubnub; ServiceProcess demo = ServiceProcess.start(env, dataDir.resolve("demo.log"), "demo");
             Browser browser = Browser.launch(binaries, 1440, 1000)) {
            demo.awaitReady(http, START);
            await().atMost(Duration.ofSeconds(30)).until(() -> demo.output().contains("#token="));
            assertThat(demo.output()).contains("Dashboard: " + base + "/", "alice", "bob", "carol");
            JsonNode sessions = JSON.readTree(Http.get(base + "/demo/sessions").body()).path("users");
            String aliceToken = sessions.get(0).path("token").asText();
            assertThat(sessions.get(0).path("user_id").asText()).isEqualTo("alice");

            // when a browser opens the dashboard with no token of its own
            browser.open(base + "/");

            // then it signs in as the first demo user and shows the simulated TV, phone and web client online
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> onlineDevices(browser)
                        .containsAll(Set.of("tv-alice-living-room", "phone-alice", "web-alice")));
                assertThat(browser.script("return document.getElementById('connection').dataset.state").asText())
                        .isEqualTo("live");
                await().atMost(Duration.ofSeconds(30)).until(() -> browser.script(
                        "return document.querySelectorAll('#watchlist .watchlist-item').length").asInt() >= 3
                        && browser.script("return document.querySelectorAll('#progress .progress-item').length").asInt() >= 1
                        && browser.script("return document.querySelectorAll('#feed .feed-item').length").asInt() >= 1);

                // and when a watchlist add is made through the REST API (not the page)
                browser.script("window.__notReloaded = true; return true");
                String content = "test:browser-" + UUID.randomUUID().toString().substring(0, 8);
                var answer = Http.call(base + "/api/v1/sync/watchlist", aliceToken, "{\"operation\":\"add\",\"content_id\":\""
                        + content + "\",\"content_metadata\":{\"title\":\"Added Through The API\",\"year\":2026}}");
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);

                // then it appears on the page, in the watchlist and the live feed, without a reload
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> browser.script(
                        "const item = document.querySelector(`#watchlist .watchlist-item[data-content-id=\"${arguments[0]}\"]`);"
                                + "return item ? item.textContent : ''", content).asText().contains("Added Through The API"));
                assertThat(browser.script("return window.__notReloaded === true").asBoolean()).as("no reload").isTrue();
                assertThat(browser.script("return [...document.querySelectorAll('#feed .feed-item')]"
                        + ".some(i => i.dataset.type === 'watchlist_update' && i.textContent.includes('Added Through The API'))")
                        .asBoolean()).as("the add is in the live feed").isTrue();

                // and progress shows its completion as the ratio the service sends (1580 of 4000 s: 0.395, 40 %)
                var progress = Http.call(base + "/api/v1/sync/progress", aliceToken, "{\"content_id\":\"" + content
                        + "\",\"position_seconds\":1580,\"duration_seconds\":4000,\"state\":\"paused\"}");
                assertThat(progress.statusCode()).as(progress.body()).isEqualTo(202);
                String after = new com.fasterxml.jackson.databind.ObjectMapper().readTree(progress.body()).path("token").asText();
                var item = Http.call(base + "/api/v1/sync/progress/" + content + "?after=" + after, aliceToken, null);
                assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(item.body()).path("completion_percent")
                        .asDouble()).isEqualTo(0.395);
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> browser.script(
                        "const bar = document.querySelector(`#progress .progress-item[data-content-id=\"${arguments[0]}\"] [role=progressbar]`);"
                                + "return bar ? bar.getAttribute('aria-valuenow') : ''", content).asText().equals("40"));

                // and the notification tray shows what the demo's backend sent, with the unread count, and read and
                // dismiss work from the page (contract §14)
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> browser.script(
                        "return document.querySelectorAll('#notifications .notification').length").asInt() >= 3);
                int unread = browser.script("return Number(document.getElementById('unread-count').textContent)").asInt();
                assertThat(unread).isGreaterThanOrEqualTo(3);
                assertThat(browser.script("return [...document.querySelectorAll('#notifications .notification')]"
                        + ".some(n => n.dataset.priority === 'urgent')").asBoolean()).as("the urgent one").isTrue();
                browser.script("document.querySelector('#notifications .notification[data-read=\"false\"] button.read').click();"
                        + "return true");
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> browser.script(
                        "return Number(document.getElementById('unread-count').textContent)").asInt() == unread - 1);
                String dismissed = browser.script("const n = document.querySelector('#notifications .notification');"
                        + "n.querySelector('button.dismiss').click(); return n.dataset.id").asText();
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> !browser.script(
                        "return !!document.querySelector(`#notifications .notification[data-id=\"${arguments[0]}\"]`)",
                        dismissed).asBoolean());
                assertThat(JSON.readTree(Http.call(base + "/api/v1/notifications", aliceToken, null).body())
                        .path("notifications").toString()).as("dismissed for every device").doesNotContain(dismissed);

                // and the PubNub panel shows the token this device gets: alice's channels only, encrypted for her
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> browser.script(
                        "return document.querySelectorAll('#pubnub-channels .pubnub-channel').length").asInt() >= 5);
                assertThat(browser.script("return [...document.querySelectorAll('#pubnub-channels .pubnub-channel')]"
                        + ".map(c => c.dataset.channel).join(' ')").asText())
                        .contains("user.alice.sync", "user.alice.devices", "user.alice.notifications", "global.announcements")
                        .doesNotContain("bob");
                assertThat(browser.script("return document.getElementById('pubnub-summary').textContent").asText())
                        .contains("encrypted with this user's key");
                assertThat(pubnub.grants()).anySatisfy(g -> assertThat(g.authorizedUuid()).isEqualTo("alice"));
                await().atMost(Duration.ofSeconds(15)).until(() -> pubnub.published().stream()
                        .anyMatch(p -> p.channel().equals("user.alice.sync")));

                // and a notification and an announcement sent by backend services appear live
                var tokens = new io.mediagateway.sync.web.JwtTokens(SECRET);
                String service = tokens.forService("catalog", Duration.ofHours(1), java.time.Instant.now());
                String admin = tokens.forAdmin("ops", Duration.ofHours(1), java.time.Instant.now());
                assertThat(Http.call(base + "/api/v1/notifications", service, "{\"user_id\":\"alice\",\"notification_type\":"
                        + "\"social_update\",\"title\":\"Bob finished Arrival\",\"body\":\"b\",\"priority\":\"low\"}")
                        .statusCode()).isEqualTo(202);
                assertThat(Http.call(base + "/api/v1/broadcasts", admin, "{\"channel\":\"global.announcements\","
                        + "\"msg_type\":\"announcement\",\"text\":\"Posted by the browser test\"}").statusCode()).isEqualTo(202);
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> browser.script(
                        "return document.getElementById('notifications').textContent.includes('Bob finished Arrival')"
                                + " && document.getElementById('announcements').textContent.includes('Posted by the browser test')")
                        .asBoolean());

                // and the page runs on the JavaScript client the jar serves (clients/js, contract §17): a title added in
                // the page's form shows at once and stays once the service confirmed it
                assertThat(browser.script("return window.__syncClient.constructor.name").asText()).isEqualTo("SyncClient");
                String typed = "test:typed-" + UUID.randomUUID().toString().substring(0, 8);
                browser.script("document.getElementById('watchlist-add-content').value = arguments[0];"
                        + "document.getElementById('watchlist-add-title').value = 'Typed In The Page';"
                        + "document.getElementById('watchlist-add-form').requestSubmit(); return true", typed);
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> browser.script(
                        "return window.__syncClient.state.watchlist.some(w => w.content_id === arguments[0] && !w.pending)"
                                + " && !!document.querySelector(`#watchlist .watchlist-item[data-content-id=\"${arguments[0]}\"]`)",
                        typed).asBoolean());
                assertThat(JSON.readTree(Http.call(base + "/api/v1/sync/watchlist", aliceToken, null).body()).path("items")
                        .toString()).as("the page's add reached the service").contains(typed);

                // and when its connection drops, it reconnects with the cursor of the last change it saw (contract
                // §13) and applies what it missed meanwhile, still without a reload
                browser.script("window.__wsUrls = []; const W = window.WebSocket;"
                        + "window.WebSocket = function (u, p) { window.__wsUrls.push(u); return p === undefined ? new W(u) : new W(u, p); };"
                        + "window.WebSocket.prototype = W.prototype; window.__syncClient.reconnect(); return true");
                String missed = "test:missed-" + UUID.randomUUID().toString().substring(0, 8);
                assertThat(Http.call(base + "/api/v1/sync/watchlist", aliceToken, "{\"operation\":\"add\",\"content_id\":\""
                        + missed + "\",\"content_metadata\":{\"title\":\"Added While Away\"}}").statusCode()).isEqualTo(202);
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> browser.script(
                        "return !!document.querySelector(`#watchlist .watchlist-item[data-content-id=\"${arguments[0]}\"]`)",
                        missed).asBoolean());
                JsonNode urls = browser.script("return window.__wsUrls");
                assertThat(urls).as("the page reconnected").isNotEmpty();
                assertThat(urls.get(0).asText()).contains("&since=");
                assertThat(browser.script("return document.getElementById('connection').dataset.state").asText())
                        .isEqualTo("live");
                assertThat(browser.script("return window.__notReloaded === true").asBoolean()).as("no reload").isTrue();
            } finally {
                browser.screenshot(Path.of("target", "dashboard.png"));
            }

            // and the simulator's malformed records are in the dead-letter topic, each with its reason
            await().atMost(Duration.ofSeconds(30)).until(() -> deadLetterReasons("127.0.0.1:" + kafkaPort)
                    .containsAll(Set.of("invalid_json", "unknown_msg_type", "invalid_field", "invalid_user_id")));

            // and a newcomer's console shows no warning but those the simulator provoked (the dead letters) and,
            // when the build runs under /tmp (CI clones there), Kafka's right advice not to keep state in it
            List<String> warnings = demo.output().lines()
                    .filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                    .filter(line -> !line.contains("IngestProcessor - Dead letter #"))
                    .filter(line -> !(line.contains("StateDirectory - Using an OS temp directory")
                            && dataDir.toAbsolutePath().startsWith(System.getProperty("java.io.tmpdir"))))
                    .toList();
            assertThat(warnings).isEmpty();
        }
    }

    private static Set<String> onlineDevices(Browser browser) throws Exception {
        JsonNode ids = browser.script("return [...document.querySelectorAll('#devices .device')]"
                + ".filter(d => d.dataset.online === 'true' && d.textContent.includes('Online')).map(d => d.dataset.deviceId)");
        Set<String> out = new java.util.HashSet<>();
        ids.forEach(id -> out.add(id.asText()));
        return out;
    }

    private static Set<String> deadLetterReasons(String bootstrap) {
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readCommitted(bootstrap, Topics.DEAD_LETTERS.name());
        return records.stream().map(r -> r.headers().lastHeader("error.reason"))
                .filter(h -> h != null).map(h -> new String(h.value(), StandardCharsets.UTF_8)).collect(Collectors.toSet());
    }
}
