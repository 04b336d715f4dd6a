package io.mediagateway.sync.topics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * One topic as declared in {@code topics/<name>.properties}: name, partition count, replication
 * factor and topic configs ({@code config.*} keys). The files are the single source of truth; they
 * are packaged into the jar under {@code topics/} and read from the classpath.
 */
public record TopicDefinition(String name, int partitions, short replicationFactor, Map<String, String> configs) {

    static final String CLASSPATH_DIR = "topics/";
    private static final String CONFIG_PREFIX = "config.";

    public TopicDefinition {
        configs = Collections.unmodifiableMap(new TreeMap<>(configs));
    }

    /** Loads {@code topics/<name>.properties} from the classpath. */
    public static TopicDefinition load(String name) {
        String resource = CLASSPATH_DIR + name + ".properties";
        try (InputStream in = TopicDefinition.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("topic definition " + resource + " is missing from the classpath");
            }
            Properties props = new Properties();
            props.load(in);
            return parse(resource, props);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read topic definition " + resource, e);
        }
    }

    /** Parses and validates one definition; {@code source} names the file in error messages. */
    public static TopicDefinition parse(String source, Properties props) {
        String name = required(source, props, "name");
        int partitions = positiveInt(source, props, "partitions");
        int replication = positiveInt(source, props, "replication.factor");
        if (replication > Short.MAX_VALUE) {
            throw new IllegalArgumentException(source + ": replication.factor " + replication + " is too large");
        }
        Map<String, String> configs = new TreeMap<>();
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith(CONFIG_PREFIX)) {
                configs.put(key.substring(CONFIG_PREFIX.length()), props.getProperty(key).trim());
            } else if (!key.equals("name") && !key.equals("partitions") && !key.equals("replication.factor")) {
                throw new IllegalArgumentException(source + ": unknown key '" + key
                        + "' (allowed: name, partitions, replication.factor, config.<topic config>)");
            }
        }
        return new TopicDefinition(name, partitions, (short) replication, configs);
    }

    private static String required(String source, Properties props, String key) {
        String value = props.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(source + ": '" + key + "' is required");
        }
        return value.trim();
    }

    private static int positiveInt(String source, Properties props, String key) {
        String value = required(source, props, key);
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < 1) {
                throw new IllegalArgumentException(source + ": '" + key + "' must be ≥ 1, got " + parsed);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": '" + key + "' must be an integer, got '" + value + "'", e);
        }
    }
}
