package io.mediagateway.sync.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads typed values from environment variables, collecting every problem instead of stopping at the first. */
final class EnvReader {
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    EnvReader(Map<String, String> env) {
        this.env = env;
    }

    Optional<String> optional(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    String string(String name, String defaultValue) {
        return optional(name).orElse(defaultValue);
    }

    int integer(String name, int defaultValue, int min, int max) {
        return (int) longValue(name, defaultValue, min, max, "an integer");
    }

    long longValue(String name, long defaultValue, long min, long max) {
        return longValue(name, defaultValue, min, max, "an integer");
    }

    private long longValue(String name, long defaultValue, long min, long max, String kind) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(raw.get());
            if (value < min || value > max) {
                problem(name, "must be " + kind + " in " + min + ".." + max, raw.get());
                return defaultValue;
            }
            return value;
        } catch (NumberFormatException e) {
            problem(name, "must be " + kind + " in " + min + ".." + max, raw.get());
            return defaultValue;
        }
    }

    boolean bool(String name, boolean defaultValue) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        String value = raw.get().toLowerCase(Locale.ROOT);
        if (Set.of("true", "on", "yes", "1").contains(value)) {
            return true;
        }
        if (Set.of("false", "off", "no", "0").contains(value)) {
            return false;
        }
        problem(name, "must be one of true, false, on, off, yes, no, 1, 0", raw.get());
        return defaultValue;
    }

    void problem(String name, String rule, String actual) {
        problems.add(name + " " + rule + " (got '" + actual + "')");
    }

    void problem(String message) {
        problems.add(message);
    }

    void throwIfInvalid() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
