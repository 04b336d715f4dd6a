package io.mediagateway.sync.app.fault;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.web.JwtTokens;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** A user's state as the REST API answers it ({@code GET} watchlist, progress, preferences, devices), as the model's view. */
public final class Views {
    private Views() {
    }

    public static ReferenceModel.UserView of(JsonNode watchlistAnswer, JsonNode progressAnswer, JsonNode preferencesAnswer,
                                      JsonNode devicesAnswer) {
        Map<String, Set<String>> watchlist = new TreeMap<>();
        for (JsonNode item : watchlistAnswer.path("items")) {
            Set<String> tags = new TreeSet<>();
            item.path("unique_tags").forEach(t -> tags.add(t.asText()));
            watchlist.put(item.path("content_id").asText(), tags);
        }
        Map<String, String> progress = new TreeMap<>();
        for (JsonNode item : progressAnswer.path("items")) {
            progress.put(item.path("content_id").asText(), ReferenceModel.canonicalProgress(
                    item.path("position_seconds").asDouble(), item.path("state").asText(), item.path("device_id").asText(),
                    Long.parseLong(item.path("hlc").asText())));
        }
        Map<String, String> preferences = new TreeMap<>();
        preferencesAnswer.path("items").fields().forEachRemaining(e -> preferences.put(e.getKey(), Json.string(e.getValue())));
        Map<String, Boolean> devices = new TreeMap<>();
        for (JsonNode d : devicesAnswer.path("devices")) {
            devices.put(d.path("device_id").asText(), d.path("online").asBoolean());
        }
        return new ReferenceModel.UserView(watchlist, progress, preferences, devices);
    }

    /** A user's state as an instance's REST API answers it, read with a token of the user's. */
    public static ReferenceModel.UserView read(String baseUrl, String user, JwtTokens tokens) throws Exception {
        String token = tokens.forUser(user, "verdict", Duration.ofHours(1), Instant.now());
        return of(get(baseUrl, "/api/v1/sync/watchlist", token), get(baseUrl, "/api/v1/sync/progress", token),
                get(baseUrl, "/api/v1/sync/preferences", token), get(baseUrl, "/api/v1/devices", token));
    }

    private static JsonNode get(String baseUrl, String path, String token) throws Exception {
        HttpResponse<String> r = Http.call(baseUrl + path, token, null);
        if (r.statusCode() != 200) {
            throw new IllegalStateException(baseUrl + path + ": " + r.statusCode() + " " + r.body());
        }
        return Json.parse(r.body());
    }

    /** Each user's state as the PostgreSQL sink's tables (contract §9) hold it. */
    public static Map<String, ReferenceModel.UserView> fromTables(Connection c, Set<String> users) throws SQLException {
        Map<String, Map<String, Set<String>>> watchlists = new HashMap<>();
        Map<String, Map<String, String>> progress = new HashMap<>();
        Map<String, Map<String, String>> preferences = new HashMap<>();
        Map<String, Map<String, Boolean>> devices = new HashMap<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT user_id, content_id, unique_tag FROM user_watchlists WHERE NOT is_removed")) {
                while (r.next()) {
                    watchlists.computeIfAbsent(r.getString(1), k -> new TreeMap<>())
                            .computeIfAbsent(r.getString(2), k -> new TreeSet<>()).add(r.getString(3));
                }
            }
            try (ResultSet r = s.executeQuery("SELECT user_id, content_id, position_seconds, state, device_id, hlc "
                    + "FROM user_progress WHERE NOT is_removed")) {
                while (r.next()) {
                    progress.computeIfAbsent(r.getString(1), k -> new TreeMap<>()).put(r.getString(2),
                            ReferenceModel.canonicalProgress(r.getDouble(3), r.getString(4), r.getString(5), r.getLong(6)));
                }
            }
            try (ResultSet r = s.executeQuery("SELECT user_id, key, value::text FROM user_preferences")) {
                while (r.next()) {
                    preferences.computeIfAbsent(r.getString(1), k -> new TreeMap<>()).put(r.getString(2),
                            Json.string(Json.parse(r.getString(3))));
                }
            }
            try (ResultSet r = s.executeQuery("SELECT user_id, device_id, is_online FROM user_devices WHERE NOT is_removed")) {
                while (r.next()) {
                    devices.computeIfAbsent(r.getString(1), k -> new TreeMap<>()).put(r.getString(2), r.getBoolean(3));
                }
            }
        }
        Map<String, ReferenceModel.UserView> out = new LinkedHashMap<>();
        for (String user : users) {
            out.put(user, new ReferenceModel.UserView(watchlists.getOrDefault(user, new TreeMap<>()),
                    progress.getOrDefault(user, new TreeMap<>()), preferences.getOrDefault(user, new TreeMap<>()),
                    devices.getOrDefault(user, new TreeMap<>())));
        }
        return out;
    }
}
