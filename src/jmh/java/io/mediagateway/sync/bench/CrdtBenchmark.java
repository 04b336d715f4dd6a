package io.mediagateway.sync.bench;

import io.mediagateway.sync.codec.DeltaCodec;
import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.crdt.LwwRegister;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.crdt.Stamp;
import io.mediagateway.sync.model.Capabilities;
import io.mediagateway.sync.model.ContentMetadata;
import io.mediagateway.sync.model.DeviceInfo;
import io.mediagateway.sync.model.DeviceRecord;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.model.PlaybackPosition;
import io.mediagateway.sync.model.PlaybackState;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Costs of the operations every event pays: merge and encode. Run: mvn -Pjmh -DskipTests test-compile exec:exec */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CrdtBenchmark {
    private static final long T = Hlc.pack(1_763_700_000_000L, 0);
    private static final OrElement.Policy POLICY = OrElement.Policy.DEFAULT;
    private static final ContentMetadata META = new ContentMetadata("Fight Club", 1999, "https://img/fc.jpg", "movie");

    private final StateCodec codec = new StateCodec(POLICY);
    private OrElement<ContentMetadata> element;
    private OrElement<ContentMetadata> other;
    private byte[] elementBytes;
    private LwwRegister<PlaybackPosition> older;
    private LwwRegister<PlaybackPosition> newer;
    private Delta.Progress progressDelta;
    private byte[] progressBytes;
    private DeviceRecord device;
    private byte[] deviceBytes;
    private long tick;

    @Setup
    public void setup() {
        // A typical watchlist item: two live adds, three devices in the removal clock.
        element = OrElement.<ContentMetadata>empty()
                .add("a", new Stamp(T + 1, "phone"), META, POLICY)
                .remove(List.of("a"), new Stamp(T + 2, "tv"), POLICY)
                .add("b", new Stamp(T + 3, "tv"), META, POLICY)
                .add("c", new Stamp(T + 4, "web"), META, POLICY)
                .remove(List.of("c"), new Stamp(T + 5, "phone"), POLICY)
                .add("d", new Stamp(T + 6, "web"), META, POLICY);
        other = element.add("e", new Stamp(T + 7, "phone"), META, POLICY).remove(List.of("b"), new Stamp(T + 8, "web"), POLICY);
        elementBytes = codec.encodeElement(element);
        PlaybackPosition p = new PlaybackPosition(1234.5, 7200, PlaybackState.PLAYING, "TV", null);
        older = LwwRegister.of(p, new Stamp(T, "tv"));
        newer = LwwRegister.of(p, new Stamp(T + 1, "phone"));
        progressBytes = codec.encodeProgress(newer);
        device = DeviceRecord.seen(new DeviceInfo("TV", "Tizen", new Capabilities("UHD_4K", List.of("AAC", "EAC3"),
                List.of("HDR10"), true, true, 65.0), "5.2.0", "Living room TV", null, "4"), new Stamp(T, "tv-samsung"),
                1_763_700_000_000L);
        deviceBytes = codec.encodeDevice(device);
        progressDelta = new Delta.Progress("user-12345", T, "tv-samsung-living-room", "7-123456789-0", "tmdb:550", p);
    }

    @Benchmark
    public OrElement<ContentMetadata> orElementMerge() {
        return element.merge(other, POLICY);
    }

    @Benchmark
    public OrElement<ContentMetadata> orElementAddThenRemove() {
        long hlc = T + 100 + (tick++ & 0xFFFF);
        return element.add("x", new Stamp(hlc, "phone"), META, POLICY).remove(List.of("x"), new Stamp(hlc + 1, "tv"), POLICY);
    }

    @Benchmark
    public LwwRegister<PlaybackPosition> lwwMerge() {
        return older.merge(newer);
    }

    @Benchmark
    public byte[] orElementEncode() {
        return codec.encodeElement(element);
    }

    @Benchmark
    public OrElement<ContentMetadata> orElementDecode() {
        return codec.decodeElement(elementBytes);
    }

    @Benchmark
    public byte[] progressRegisterEncode() {
        return codec.encodeProgress(newer);
    }

    @Benchmark
    public byte[] progressDeltaEncode() {
        return DeltaCodec.encode(progressDelta);
    }

    @Benchmark
    public LwwRegister<PlaybackPosition> progressRegisterDecode() {
        return codec.decodeProgress(progressBytes);
    }

    @Benchmark
    public byte[] deviceRecordEncode() {
        return codec.encodeDevice(device);
    }

    @Benchmark
    public DeviceRecord deviceRecordDecode() {
        return codec.decodeDevice(deviceBytes);
    }
}
