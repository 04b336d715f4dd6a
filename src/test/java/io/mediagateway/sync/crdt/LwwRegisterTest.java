package io.mediagateway.sync.crdt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LwwRegisterTest {

    @Test
    void shouldKeepTheHigherHlcWhateverTheArrivalOrder() {
        LwwRegister<String> older = LwwRegister.of("old", new Stamp(100, "phone"));
        LwwRegister<String> newer = LwwRegister.of("new", new Stamp(200, "a-tv"));

        assertThat(older.merge(newer)).isEqualTo(newer);
        assertThat(newer.merge(older)).isEqualTo(newer);
        assertThat(older.isSupersededBy(newer)).isTrue();
        assertThat(newer.isSupersededBy(older)).isFalse();
    }

    @Test
    void shouldBreakAnHlcTieByTheGreaterDeviceId() {
        LwwRegister<String> phone = LwwRegister.of("from phone", new Stamp(100, "phone"));
        LwwRegister<String> tv = LwwRegister.of("from tv", new Stamp(100, "tv"));

        assertThat(phone.merge(tv).value()).isEqualTo("from tv");
        assertThat(tv.merge(phone).value()).isEqualTo("from tv");
    }

    @Test
    void shouldStayCommutativeWhenOneStampCarriesTwoValues() {
        LwwRegister<String> a = LwwRegister.of("a", new Stamp(100, "tv"));
        LwwRegister<String> b = LwwRegister.of("b", new Stamp(100, "tv"));

        assertThat(a.merge(b)).isEqualTo(b.merge(a));
        assertThat(a.merge(a)).isEqualTo(a);
        assertThat(a.isSupersededBy(a)).isFalse(); // a duplicate changes nothing
    }
}
