package io.mediagateway.sync.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The change history's first stored format (contract §13), now only read: raw DEFLATE (level 1) with a preset
 * dictionary of the words every delta repeats. The history wrote it until compressing was measured to cost the
 * topology more than the bytes it saved (BENCHMARKS.md, "Catch-up"); entries written then are still read, so a
 * store of that time keeps its history. The dictionary is part of that format and must not change.
 */
public final class CompactDeltas {
    /** The format of entries written with {@link #DICTIONARY}. */
    public static final byte FORMAT = 1;

    private static final byte[] DICTIONARY = ("\"msg_type\":\"watch_progress_update\",\"watchlist_update\",\"preference_update\","
            + "\"device_online\",\"device_offline\",\"device_updated\",\"remote_command\",\"command_rejected\","
            + "\"progress_removed\",\"device_removed\",\"operation\":\"add\",\"remove\",\"present\":true,false,"
            + "\"unique_tags\":[\"added_tags\":[\"removed_tags\":[\"content_metadata\":{\"title\":\"year\":"
            + "\"poster_url\":\"content_type\":\"movie\",\"content_id\":\"tmdb:\"completed\":\"completion_percent\":"
            + "\"duration_seconds\":\"position_seconds\":\"resume_position_seconds\":\"state\":\"Playing\",\"Paused\","
            + "\"Stopped\",\"device_type\":\"TV\",\"Phone\",\"platform\":\"Android\",\"app_version\":"
            + "\"capabilities\":{\"audio_codecs\":[],\"can_cast\":\"hdr_support\":[],\"remote_controllable\":"
            + "\"max_resolution\":\"last_seen\":\"online\":\"reason\":\"timeout\",\"leave\",\"target_device_id\":"
            + "\"command\":{\"params\":{},\"type\":\"expires_at\":\"key\":\"value\":\"cursor\":\"delta_id\":"
            + "\"device_id\":\"hlc\":\"117\",\"user_id\":\"").getBytes(StandardCharsets.UTF_8);

    private static final ThreadLocal<Inflater> INFLATERS = ThreadLocal.withInitial(() -> new Inflater(true));

    private CompactDeltas() {
    }

    /** The delta's bytes back from {@code length} bytes of {@code compressed} at {@code offset}. */
    public static byte[] decompress(byte[] compressed, int offset, int length) {
        Inflater inflater = INFLATERS.get();
        inflater.reset();
        try {
            inflater.setDictionary(DICTIONARY);
            inflater.setInput(compressed, offset, length);
            ByteArrayOutputStream out = new ByteArrayOutputStream(length * 4);
            byte[] buffer = new byte[Math.max(256, length * 4)];
            boolean padded = false;
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && inflater.needsInput()) {
                    if (padded) {
                        throw new Json.CodecException("a stored delta is truncated");
                    }
                    // raw DEFLATE ("nowrap") may need one byte past the end to see it (Inflater's own advice)
                    inflater.setInput(new byte[1]);
                    padded = true;
                } else if (n == 0 && inflater.needsDictionary()) {
                    throw new Json.CodecException("a stored delta is not readable");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new Json.CodecException("a stored delta is not readable: " + e.getMessage(), e);
        }
    }
}
