package io.mediagateway.sync.model;

import java.util.regex.Pattern;

/**
 * The identifier rules of the contract (§1). User ids become part of PubNub channel names, which
 * forbid {@code , : * / \} and spaces and reserve {@code .} for wildcards.
 */
public final class Identifiers {
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private Identifiers() {
    }

    public static boolean isUserId(String s) {
        return s != null && USER_ID.matcher(s).matches();
    }

    public static boolean isDeviceId(String s) {
        return s != null && DEVICE_ID.matcher(s).matches();
    }

    /** 1–255 characters, none of them a control character. */
    public static boolean isContentId(String s) {
        if (s == null || s.isEmpty() || s.length() > 255) {
            return false;
        }
        return s.codePoints().noneMatch(Character::isISOControl);
    }

    public static final String USER_ID_RULE = "1-64 chars of [A-Za-z0-9_-]";
    public static final String DEVICE_ID_RULE = "1-128 chars of [A-Za-z0-9_.:-]";
    public static final String CONTENT_ID_RULE = "1-255 printable chars";
}
