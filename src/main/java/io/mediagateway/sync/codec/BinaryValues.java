package io.mediagateway.sync.codec;

import io.mediagateway.sync.codec.Json.CodecException;
import io.mediagateway.sync.crdt.Stamp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The compact binary form of stored state values: a format byte, a kind byte, then the value's fields in a
 * fixed order — numbers as 8 big-endian bytes or unsigned varints, strings as a varint length and UTF-8,
 * optional fields behind a presence mark. No names, no tree, no text: a value is written and read in one
 * pass over a byte array (B1's profile had a tenth of the stream thread in JSON trees of state values).
 *
 * <p>A stored value that begins with {@code '{'} is the JSON form earlier versions wrote; {@link StateCodec}
 * reads both, so stores and changelogs written before keep working and are rewritten in this form item by
 * item as events touch them. This form never begins with {@code '{'}.
 */
final class BinaryValues {
    /** The first byte of every binary value; a later layout gets another. */
    static final byte FORMAT_1 = 1;
    /** The first byte of a value stored as JSON by an earlier version. */
    static final byte JSON = '{';

    private BinaryValues() {
    }

    /** Whether {@code stored} is in the JSON form of earlier versions. */
    static boolean isJson(byte[] stored) {
        return stored.length > 0 && stored[0] == JSON;
    }

    /** Writes one value; grows as needed. Not thread-safe; one per encode. */
    static final class Writer {
        private byte[] buf;
        private int len;

        Writer(byte kind, int sizeHint) {
            buf = new byte[Math.max(16, sizeHint)];
            buf[len++] = FORMAT_1;
            buf[len++] = kind;
        }

        byte[] toBytes() {
            return Arrays.copyOf(buf, len);
        }

        private void ensure(int more) {
            if (len + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
            }
        }

        Writer u8(int v) {
            ensure(1);
            buf[len++] = (byte) v;
            return this;
        }

        Writer bool(boolean v) {
            return u8(v ? 1 : 0);
        }

        Writer i64(long v) {
            return bigEndian(v, 8);
        }

        Writer int32(int v) {
            return bigEndian(v, 4);
        }

        private Writer bigEndian(long v, int bytes) {
            ensure(bytes);
            for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
                buf[len++] = (byte) (v >>> shift);
            }
            return this;
        }

        Writer f64(double v) {
            return i64(Double.doubleToRawLongBits(v));
        }

        /** An unsigned varint (7 bits a byte, low first); for counts and lengths. */
        Writer varint(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("negative length " + v);
            }
            ensure(5);
            while ((v & ~0x7F) != 0) {
                buf[len++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[len++] = (byte) v;
            return this;
        }

        Writer string(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            varint(bytes.length);
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, len, bytes.length);
            len += bytes.length;
            return this;
        }

        /** A string that may be null: a presence mark, then the string. */
        Writer optionalString(String s) {
            bool(s != null);
            return s == null ? this : string(s);
        }

        Writer optionalDouble(Double d) {
            bool(d != null);
            return d == null ? this : f64(d);
        }

        Writer strings(List<String> values) {
            varint(values.size());
            values.forEach(this::string);
            return this;
        }

        Writer stamp(Stamp stamp) {
            return i64(stamp.hlc()).string(stamp.deviceId());
        }

        Writer optionalStamp(Stamp stamp) {
            bool(stamp != null);
            return stamp == null ? this : stamp(stamp);
        }
    }

    /** Reads one value; every read past the end or of a malformed field is a {@link CodecException}. */
    static final class Reader {
        private final byte[] buf;
        private int pos;

        /** Checks the format and kind bytes. */
        Reader(byte[] stored, byte kind, String what) {
            this.buf = stored;
            if (stored.length < 2 || stored[0] != FORMAT_1) {
                throw new CodecException("the stored " + what + " is in no known format (first byte "
                        + (stored.length == 0 ? "none" : Integer.toString(stored[0] & 0xFF)) + ")");
            }
            if (stored[1] != kind) {
                throw new CodecException("the stored value is not a " + what + " (kind " + (stored[1] & 0xFF) + ")");
            }
            pos = 2;
        }

        private void need(int n) {
            if (n < 0 || n > buf.length - pos) {
                throw new CodecException("the stored value is truncated at byte " + pos);
            }
        }

        /** Whether bytes are left: a field added at the end of a kind is absent from the values written before it. */
        boolean more() {
            return pos < buf.length;
        }

        /** Throws unless every byte was read: a value with bytes left over is not one this reader wrote. */
        void end() {
            if (pos != buf.length) {
                throw new CodecException("the stored value has " + (buf.length - pos) + " bytes after its end");
            }
        }

        int u8() {
            need(1);
            return buf[pos++] & 0xFF;
        }

        boolean bool() {
            int v = u8();
            if (v > 1) {
                throw new CodecException("the stored value has a malformed flag at byte " + (pos - 1));
            }
            return v == 1;
        }

        long i64() {
            return bigEndian(8);
        }

        int int32() {
            return (int) bigEndian(4);
        }

        private long bigEndian(int bytes) {
            need(bytes);
            long v = 0;
            for (int i = 0; i < bytes; i++) {
                v = (v << 8) | (buf[pos++] & 0xFF);
            }
            return v;
        }

        double f64() {
            return Double.longBitsToDouble(i64());
        }

        int varint() {
            int v = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int b = u8();
                v |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    if (v < 0) {
                        break;
                    }
                    return v;
                }
            }
            throw new CodecException("the stored value has a malformed length at byte " + pos);
        }

        String string() {
            int n = varint();
            need(n);
            String s = new String(buf, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        String optionalString() {
            return bool() ? string() : null;
        }

        Double optionalDouble() {
            return bool() ? f64() : null;
        }

        List<String> strings() {
            int n = count();
            List<String> values = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                values.add(string());
            }
            return values;
        }

        /** A count of entries, each at least one byte: larger than the bytes left means a corrupt value. */
        int count() {
            int n = varint();
            need(n);
            return n;
        }

        Stamp stamp() {
            long hlc = i64();
            String device = string();
            try {
                return new Stamp(hlc, device);
            } catch (IllegalArgumentException e) {
                throw new CodecException("the stored value has an invalid stamp: " + e.getMessage(), e);
            }
        }

        Stamp optionalStamp() {
            return bool() ? stamp() : null;
        }
    }
}
