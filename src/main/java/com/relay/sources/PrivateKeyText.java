package com.relay.sources;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an sftp {@code private_key} says about itself before it is used (docs/CONFIG_SPEC.md "Vendor
 * sources"): whether it is encrypted. An encrypted key without {@code private_key_passphrase} is
 * skipped by the SSH client, which then reports only that the server refused the login; this names
 * the missing setting instead.
 */
final class PrivateKeyText {

    private static final Pattern OPENSSH = Pattern.compile(
            "-----BEGIN OPENSSH PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END OPENSSH PRIVATE KEY-----");
    private static final byte[] OPENSSH_MAGIC = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);

    private PrivateKeyText() {}

    /**
     * True for a PEM key with {@code Proc-Type: 4,ENCRYPTED}, an encrypted PKCS#8 key, or an OpenSSH key
     * whose cipher is not {@code none}; false for anything else (an unreadable key fails at the login).
     */
    static boolean isEncrypted(String key) {
        if (key == null) return false;
        if (key.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || key.contains("Proc-Type: 4,ENCRYPTED")) return true;
        Matcher m = OPENSSH.matcher(key);
        if (!m.find()) return false;
        try {
            ByteBuffer b = ByteBuffer.wrap(Base64.getMimeDecoder().decode(m.group(1)));
            for (byte magic : OPENSSH_MAGIC) {
                if (b.get() != magic) return false;
            }
            int length = b.getInt();
            if (length < 0 || length > b.remaining()) return false;
            byte[] cipher = new byte[length];
            b.get(cipher);
            return !"none".equals(new String(cipher, StandardCharsets.US_ASCII));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
