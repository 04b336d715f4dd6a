package io.mediagateway.sync.app;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** A PostgreSQL location given as a JDBC URL or a {@code postgresql://user:pass@host:port/db?params} URI. */
record PostgresUrl(String jdbcUrl, Optional<String> user, Optional<String> password) {

    private static final String JDBC_PREFIX = "jdbc:postgresql://";

    static PostgresUrl parse(String raw) {
        if (raw.startsWith(JDBC_PREFIX)) {
            return new PostgresUrl(raw, Optional.empty(), Optional.empty());
        }
        if (!raw.startsWith("postgresql://") && !raw.startsWith("postgres://")) {
            throw new IllegalArgumentException("unknown scheme");
        }
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e.getReason(), e);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host");
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = Optional.of(decode(parts[0]));
            if (parts.length == 2) {
                password = Optional.of(decode(parts[1]));
            }
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/postgres" : uri.getRawPath();
        String jdbc = JDBC_PREFIX + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + path
                + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        return new PostgresUrl(jdbc, user, password);
    }

    /** The URL without any password, fit for logs and error messages. */
    static String redact(String raw) {
        return raw.replaceAll("(://[^:/@]+):[^@/]*@", "$1:****@").replaceAll("(?i)(password=)[^&]*", "$1****");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
