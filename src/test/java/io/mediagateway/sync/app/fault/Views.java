package io.mediagateway.sync.app.fault;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.codec.Json;
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
}
