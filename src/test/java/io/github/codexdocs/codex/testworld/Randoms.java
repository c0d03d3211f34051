package io.github.codexdocs.codex.testworld;

import java.security.SecureRandom;

/** Random secrets and identifiers for the emulators. */
final class Randoms {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHANUMERIC =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String HEX = "0123456789abcdef";

    private Randoms() {
    }

    /** {@code length} characters out of [A-Za-z0-9]. */
    static String alphanumeric(int length) {
        return pick(ALPHANUMERIC, length);
    }

    /** {@code length} lowercase hex characters. */
    static String hex(int length) {
        return pick(HEX, length);
    }

    private static String pick(String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
