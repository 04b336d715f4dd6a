package io.mediagateway.sync.model;

/**
 * The identifier rules of the contract (§1). User ids become part of PubNub channel names, which
 * forbid {@code , : * / \} and spaces and reserve {@code .} for wildcards.
 */
public final class Identifiers {
    public static final int MAX_USER_ID = 64;
    public static final int MAX_DEVICE_ID = 128;

    private Identifiers() {
    }

    /** {@code [A-Za-z0-9_-]{1,64}} (checked on every event: a loop, not a regex). */
    public static boolean isUserId(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_USER_ID) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isUserIdChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The same rule over the bytes of a record key: a valid user id is ASCII, so its bytes are its characters. */
    public static boolean isUserIdKey(byte[] key) {
        if (key == null || key.length == 0 || key.length > MAX_USER_ID) {
            return false;
        }
        for (byte b : key) {
            if (!isUserIdChar((char) b)) {
                return false;
            }
        }
        return true;
    }

    /** {@code [A-Za-z0-9_.:-]{1,128}}. */
    public static boolean isDeviceId(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_DEVICE_ID) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isUserIdChar(c) && c != '.' && c != ':') {
                return false;
            }
        }
        return true;
    }

    private static boolean isUserIdChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }

    /** 1–255 characters of valid Unicode, none of them a control character. */
    public static boolean isContentId(String s) {
        if (s == null || s.isEmpty() || s.length() > 255) {
            return false;
        }
        return Unicode.isValid(s) && s.codePoints().noneMatch(Character::isISOControl);
    }

    public static final String USER_ID_RULE = "1-64 chars of [A-Za-z0-9_-]";
    public static final String DEVICE_ID_RULE = "1-128 chars of [A-Za-z0-9_.:-]";
    public static final String CONTENT_ID_RULE = "1-255 printable chars of valid Unicode";
}
