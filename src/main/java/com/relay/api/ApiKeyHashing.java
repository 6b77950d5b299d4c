package com.relay.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** Key hashing and constant-time comparison (docs/CONTRACT.md#authentication-and-authorization). */
public final class ApiKeyHashing {

    private ApiKeyHashing() {}

    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hex(byte[] hash) { return HexFormat.of().formatHex(hash); }

    /**
     * Index of the matching hash, or -1. Every candidate is compared with
     * {@link MessageDigest#isEqual} (constant time) and the loop never exits early, so timing
     * does not reveal which or how many hashes were close.
     */
    public static int matchIndex(byte[] presented, List<byte[]> candidates) {
        int found = -1;
        for (int i = 0; i < candidates.size(); i++) {
            boolean equal = MessageDigest.isEqual(presented, candidates.get(i));
            found = equal && found < 0 ? i : found;
        }
        return found;
    }

    /** A new tenant key: 256 random bits, base64url without padding, prefixed {@code rk_} (docs/CONTRACT.md#endpoints). */
    public static String newKey(SecureRandom random) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return "rk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }
}
