package io.mediagateway.sync.web;

import io.javalin.config.JavalinConfig;
import io.javalin.http.HttpStatus;
import io.mediagateway.sync.codec.BroadcastViews;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.model.BroadcastChannel;
import io.mediagateway.sync.model.BroadcastHistory;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * {@code GET /api/v1/broadcasts/{channel}?since=<cursor>} (contract §14): what a broadcast channel keeps, after the
 * message at {@code since} (every kept message without it), for any valid token — broadcasts are for everyone.
 * Every instance holds every channel's history, so any instance answers from its own.
 */
public final class BroadcastRoutes {
    private final ApiRoutes api;
    private final Function<BroadcastChannel, BroadcastHistory> histories;
    private final LongSupplier wallClockMs;

    public BroadcastRoutes(ApiRoutes api, Function<BroadcastChannel, BroadcastHistory> histories, LongSupplier wallClockMs) {
        this.api = api;
        this.histories = histories;
        this.wallClockMs = wallClockMs;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/api/v1/broadcasts/{channel}", ctx -> {
            api.authenticate(ctx.header("Authorization"), null);
            String name = ctx.pathParam("channel");
            BroadcastChannel channel = BroadcastChannel.parse(name).orElseThrow(() -> new ApiRoutes.ApiException(
                    HttpStatus.NOT_FOUND, "not_found", "no broadcast channel '" + name + "': channels are "
                    + BroadcastChannel.rule() + ", and '" + BroadcastChannel.TRENDING + "'"));
            String since = ctx.queryParam("since");
            BroadcastHistory.Since answer = histories.apply(channel).since(since, wallClockMs.getAsLong());
            ctx.contentType("application/json").result(Json.bytes(BroadcastViews.history(channel.name(), answer, since)));
        });
    }
}
