package io.mediagateway.sync.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.model.BroadcastChannel.Kind;
import io.mediagateway.sync.model.BroadcastChannel.Role;
import org.junit.jupiter.api.Test;

class BroadcastChannelTest {
    @Test
    void namesTheFourKindsAndNothingElse() {
        assertThat(BroadcastChannel.parse("global.announcements").map(BroadcastChannel::kind)).contains(Kind.ANNOUNCEMENTS);
        assertThat(BroadcastChannel.parse("global.trending").map(BroadcastChannel::kind)).contains(Kind.TRENDING);
        assertThat(BroadcastChannel.parse("region.eu-west_1.updates").map(BroadcastChannel::kind)).contains(Kind.REGION);
        assertThat(BroadcastChannel.parse("platform.tizen.catalog").map(BroadcastChannel::kind)).contains(Kind.PLATFORM);
        // PubNub's forbidden characters, empty or long segments, other shapes
        for (String bad : new String[] {"region..updates", "region.a,b.updates", "region.a:b.updates", "region.a*.updates",
                "region.a/b.updates", "platform.a b.catalog", "region." + "x".repeat(33) + ".updates", "region.eu.catalog",
                "global.news", "user.alice.sync", "region.updates", ""}) {
            assertThat(BroadcastChannel.parse(bad)).as(bad).isEmpty();
        }
        assertThat(BroadcastChannel.parse(null)).isEmpty();
        assertThat(BroadcastChannel.region("eu")).map(BroadcastChannel::name).contains("region.eu.updates");
    }

    @Test
    void adminsPostAnnouncementsServicesOnlyRegionsAndPlatformsAndNobodyPostsTrending() {
        BroadcastChannel announcements = BroadcastChannel.parse("global.announcements").orElseThrow();
        BroadcastChannel region = BroadcastChannel.parse("region.eu.updates").orElseThrow();
        BroadcastChannel platform = BroadcastChannel.parse("platform.roku.catalog").orElseThrow();
        BroadcastChannel trending = BroadcastChannel.parse("global.trending").orElseThrow();
        assertThat(announcements.postableBy(Role.ADMIN)).isTrue();
        assertThat(announcements.postableBy(Role.SERVICE)).isFalse();
        assertThat(region.postableBy(Role.SERVICE)).isTrue();
        assertThat(platform.postableBy(Role.SERVICE)).isTrue();
        assertThat(platform.postableBy(Role.ADMIN)).isTrue();
        assertThat(trending.postableBy(Role.ADMIN)).isFalse();
    }

    @Test
    void eachKindKeepsWhatTheContractSays() {
        assertThat(Kind.ANNOUNCEMENTS.keepMessages()).isEqualTo(100);
        assertThat(Kind.ANNOUNCEMENTS.keepMs()).isEqualTo(30 * 86_400_000L);
        assertThat(Kind.REGION.keepMessages()).isEqualTo(500);
        assertThat(Kind.REGION.keepMs()).isEqualTo(7 * 86_400_000L);
        assertThat(Kind.PLATFORM.keepMessages()).isEqualTo(1_000);
        assertThat(Kind.PLATFORM.keepMs()).isEqualTo(14 * 86_400_000L);
        assertThat(Kind.TRENDING.keepMessages()).isEqualTo(24);
        assertThat(Kind.TRENDING.keepMs()).isEqualTo(86_400_000L);
    }
}
