package io.mediagateway.sync.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.TreeMap;

/**
 * The one JSON configuration of the service: object properties written in sorted order, no
 * insignificant whitespace, so equal values always encode to identical bytes.
 *
 * <p>Every object node of the service is made by {@link #object()} or by parsing with this mapper,
 * and keeps its properties sorted as they are put ({@link SortedNodeFactory}). Jackson's own
 * {@code WRITE_PROPERTIES_SORTED} would copy every object into a sorted map each time it is written,
 * which the topology does for every event (BENCHMARKS.md, B1).
 */
public final class Json {
    private static final JsonNodeFactory NODES = new SortedNodeFactory();
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .nodeFactory(NODES)
            .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, false)
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
            .build();

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String string(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode parse(byte[] bytes) {
        try {
            return MAPPER.readTree(bytes);
        } catch (StreamConstraintsException e) {
            throw constraint(e);
        } catch (JsonProcessingException e) {
            throw new CodecException("not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (StreamConstraintsException e) {
            throw constraint(e);
        } catch (JsonProcessingException e) {
            throw new CodecException("not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The parser stops at 1,000 levels: a document that deep breaks the nesting limit of
     * {@link JsonLimits} as surely as one of 33 levels, and is refused for the same reason.
     */
    private static CodecException constraint(StreamConstraintsException e) {
        if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Document nesting depth")) {
            return new NestingException("the document nests more than " + MAPPER.getFactory().streamReadConstraints()
                    .getMaxNestingDepth() + " levels of arrays and objects; a value may nest at most "
                    + JsonLimits.MAX_DEPTH, e);
        }
        return new CodecException("not valid JSON: " + e.getOriginalMessage(), e);
    }

    /** Any JSON text in canonical form: sorted keys, compact. */
    public static String canonical(String json) {
        return string(parse(json));
    }

    /** Object nodes whose properties are kept in sorted order (nested ones too: they come from the same factory). */
    private static final class SortedNodeFactory extends JsonNodeFactory {
        private static final long serialVersionUID = 1L;

        SortedNodeFactory() {
            super(false);
        }

        @Override
        public ObjectNode objectNode() {
            return new ObjectNode(this, new TreeMap<>());
        }
    }

    /** JSON nested too deep to be read at all: a field rule broken (nesting), not malformed JSON. */
    public static final class NestingException extends CodecException {
        private static final long serialVersionUID = 1L;

        NestingException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Bytes that cannot be decoded into the expected value. */
    public static class CodecException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public CodecException(String message) {
            super(message);
        }

        public CodecException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
