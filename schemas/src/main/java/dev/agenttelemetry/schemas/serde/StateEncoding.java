package dev.agenttelemetry.schemas.serde;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How the Streams applications store state values (schemas under {@code avro/state}): Avro's single-object encoding
 * (the marker {@code C3 01}, the writer schema's 8-byte fingerprint, then the record), so a stored value says which
 * schema wrote it and later schemas read it. Values stored before the stores used Avro never start with the marker;
 * each store's reader still reads them, and rewrites them in Avro on the next update.
 */
public final class StateEncoding {
    private static final int HEADER_BYTES = 10;

    private StateEncoding() {
    }

    /** Whether the value is in Avro's single-object encoding. */
    public static boolean isAvro(byte[] value) {
        return value.length >= HEADER_BYTES && value[0] == (byte) 0xC3 && value[1] == 0x01;
    }

    /** The bytes of an encoded record ({@code X.toByteBuffer()} of a generated class). */
    public static byte[] bytes(ByteBuffer encoded) {
        if (encoded.hasArray() && encoded.arrayOffset() == 0 && encoded.position() == 0 && encoded.remaining() == encoded.array().length) {
            return encoded.array();
        }
        byte[] copy = new byte[encoded.remaining()];
        encoded.duplicate().get(copy);
        return copy;
    }

    /** The record's first field, a long, read without decoding the rest (a sweep reads only this of most values). */
    public static long firstLong(byte[] avroValue) {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(avroValue, HEADER_BYTES, avroValue.length - HEADER_BYTES, null);
        try {
            return decoder.readLong();
        } catch (IOException e) {
            throw new UncheckedIOException("a stored state value is cut short: " + Arrays.toString(Arrays.copyOf(avroValue, HEADER_BYTES)), e);
        }
    }
}
