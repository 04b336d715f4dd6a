package io.mediagateway.sync.crdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HlcTest {
    private static final long T = 1_763_700_000_000L; // 2025-11-21, a realistic wall clock
    private final AtomicLong wall = new AtomicLong(T);
    private final Hlc clock = new Hlc(wall::get, 60_000);

    @Test
    void shouldPackMillisecondsHighAndTheLogicalCounterLow() {
        long hlc = Hlc.pack(T, 7);

        assertThat(Hlc.physicalMs(hlc)).isEqualTo(T);
        assertThat(Hlc.logical(hlc)).isEqualTo(7);
        assertThat(hlc).isEqualTo((T << 16) | 7).isGreaterThan(1L << 53);
    }

    @Test
    void shouldReadDeviceTimestampsInMicroseconds() {
        assertThat(Hlc.fromMicros(1_733_500_800_000_000L)).isEqualTo(Hlc.pack(1_733_500_800_000L, 0));
        assertThat(Hlc.fromMicros(1_733_500_800_000_999L)).isEqualTo(Hlc.pack(1_733_500_800_000L, 0));
    }

    @Test
    void shouldFollowTheWallClockWhenItMovesForward() {
        assertThat(clock.now()).isEqualTo(Hlc.pack(T, 0));
        wall.set(T + 5);
        assertThat(clock.now()).isEqualTo(Hlc.pack(T + 5, 0));
    }

    @Test
    void shouldNeverGoBackwardsWhenTheWallClockDoes() {
        long first = clock.now();
        wall.set(T - 10_000);

        long second = clock.now();

        assertThat(second).isGreaterThan(first);
        assertThat(Hlc.physicalMs(second)).isEqualTo(T);
        assertThat(Hlc.logical(second)).isEqualTo(1);
    }

    @Test
    void shouldCarryALogicalOverflowIntoThePhysicalPart() {
        clock.update(Hlc.pack(T, 0xFFFE)); // seen → last = pack(T, 0xFFFF)

        long next = clock.now();

        assertThat(next).isEqualTo(Hlc.pack(T + 1, 0));
    }

    @Test
    void shouldApplyTheReceiveRuleSoThatTheResultExceedsEverythingSeen() {
        long remote = Hlc.pack(T + 30_000, 4); // a device 30 s ahead, within the skew limit

        long merged = clock.update(remote);

        assertThat(merged).isEqualTo(remote + 1);
        assertThat(clock.now()).isGreaterThan(merged);
        assertThat(clock.update(Hlc.pack(T - 1000, 0))).isGreaterThan(merged); // an old value does not pull it back
    }

    @Test
    void shouldRejectAnEventTooFarAheadOfTheWallClock() {
        assertThat(clock.isTooFarAhead(Hlc.pack(T + 60_000, 0xFFFF))).isFalse();
        assertThat(clock.isTooFarAhead(Hlc.pack(T + 60_001, 0))).isTrue();
        assertThatThrownBy(() -> clock.update(Hlc.pack(T + 60_001, 0)))
                .isInstanceOf(Hlc.ClockSkewException.class)
                .hasMessageContaining("60001 ms ahead");
        assertThat(clock.last()).isZero(); // a rejected value is not merged
    }

    @Test
    void shouldRefuseValuesThatDoNotFit() {
        assertThatThrownBy(() -> Hlc.pack(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hlc.pack(T, 0x10000)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Hlc.isValid(-5)).isFalse();
    }
}
