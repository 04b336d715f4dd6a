package io.mediagateway.sync.model;

/**
 * Valid Unicode in Java strings: UTF-16 without a lone surrogate. JSON lets a text escape one
 * ({@code "a\ud800b"}); UTF-8 cannot encode it, so it would be written as {@code ?} and become another
 * string. The service refuses such strings wherever they enter (contract §18), never rewrites them.
 */
public final class Unicode {
    private Unicode() {
    }

    /** The index of the first surrogate that is not half of a pair, or -1 when {@code s} is valid. */
    public static int loneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    public static boolean isValid(String s) {
        return loneSurrogate(s) < 0;
    }

    /** {@code s}, or its start and "..." when longer than {@code max} chars (never cutting a surrogate pair). */
    public static String shorten(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max - 3;
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "...";
    }
}
