package io.mediagateway.sync.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediagateway.sync.model.HourlyCounts;
import io.mediagateway.sync.model.HourlyFigures;
import io.mediagateway.sync.model.TrendingList;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnalyticsCodecTest {
    private static final Instant HOUR = Instant.parse("2026-12-06T04:00:00Z");

    @Test
    void shouldReadBackAnHourExactlyWithWatchTimeInSecondsOfThreeDecimals() {
        HourlyFigures hour = new HourlyFigures("media-gateway-sync-analytics", "tmdb:550", HOUR,
                new HourlyCounts(3, 1, 1, 1_234_567));
        byte[] bytes = AnalyticsCodec.encodeHourly(hour);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"watch_time_seconds\":1234.567");
        assertThat(AnalyticsCodec.decodeHourly(bytes)).isEqualTo(hour);
        assertThatThrownBy(() -> AnalyticsCodec.decodeHourly(("{\"application_id\":\"a\",\"content_id\":\"c\","
                + "\"hour_start\":\"2026-12-06T04:00:00Z\",\"starts\":1,\"completions\":0,\"abandons\":0,"
                + "\"watch_time_seconds\":1.2345}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(Json.CodecException.class).hasMessageContaining("three decimals");
        assertThatThrownBy(() -> AnalyticsCodec.decodeHourly("{\"content_id\":\"c\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(Json.CodecException.class);
    }

    @Test
    void shouldTotalAContentsHoursAndRankTheTrendingList() {
        List<HourlyFigures> hours = List.of(new HourlyFigures(null, "c", HOUR, new HourlyCounts(2, 1, 0, 500)),
                new HourlyFigures(null, "c", HOUR.plusSeconds(3600), new HourlyCounts(1, 0, 1, 1_500)));
        var answer = AnalyticsCodec.contentHours("c", HOUR, HOUR.plusSeconds(7200), hours);
        assertThat(answer.path("hours")).hasSize(2);
        assertThat(answer.path("hours").get(0).has("application_id")).isFalse();
        assertThat(answer.path("totals").path("starts").asLong()).isEqualTo(3);
        assertThat(answer.path("totals").path("watch_time_seconds").decimalValue()).isEqualByComparingTo("2.000");

        byte[] list = AnalyticsCodec.encodeTrending(new TrendingList("app", HOUR, HOUR.plusSeconds(3600), 7,
                List.of(new TrendingList.Entry("a", 9), new TrendingList.Entry("b", 4))));
        var node = Json.parse(list);
        assertThat(node.path("items").get(1).path("rank").asInt()).isEqualTo(2);
        assertThat(node.path("items").get(1).path("content_id").asText()).isEqualTo("b");
        assertThat(node.path("contents_ranked").asInt()).isEqualTo(7);
    }
}
