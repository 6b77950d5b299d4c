package com.relay.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.KeyPair;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PrivateKeyTextTest {

    @Test
    void pemKeysAreEncryptedWhenTheirHeadersSaySo() throws Exception {
        KeyPair rsa = KeyPair.genKeyPair(new JSch(), KeyPair.RSA, 2048);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        rsa.writePrivateKey(plain);
        ByteArrayOutputStream encrypted = new ByteArrayOutputStream();
        rsa.writePrivateKey(encrypted, "pass".getBytes(StandardCharsets.UTF_8));

        assertThat(PrivateKeyText.isEncrypted(plain.toString(StandardCharsets.US_ASCII))).isFalse();
        assertThat(PrivateKeyText.isEncrypted(encrypted.toString(StandardCharsets.US_ASCII))).isTrue();
        assertThat(PrivateKeyText.isEncrypted("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n")).isTrue();
        assertThat(PrivateKeyText.isEncrypted("-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n")).isFalse();
    }

    @Test
    void anOpenSshKeyIsEncryptedUnlessItsCipherIsNone() {
        assertThat(PrivateKeyText.isEncrypted(openSsh("aes256-ctr"))).isTrue();
        assertThat(PrivateKeyText.isEncrypted(openSsh("none"))).isFalse();
    }

    @Test
    void anythingElseIsNotReportedAsEncrypted() {
        assertThat(PrivateKeyText.isEncrypted(null)).isFalse();
        assertThat(PrivateKeyText.isEncrypted("not a key")).isFalse();
        assertThat(PrivateKeyText.isEncrypted("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----")).isFalse();
        // a length past the end: not a readable key, so not "encrypted" (the login reports it)
        ByteBuffer b = ByteBuffer.allocate(32);
        b.put("openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII)).putInt(1_000_000);
        assertThat(PrivateKeyText.isEncrypted(wrap(b.array()))).isFalse();
    }

    /** The start of an openssh-key-v1 blob as ssh-keygen writes it: magic, cipher name, KDF name. */
    private static String openSsh(String cipher) {
        byte[] name = cipher.getBytes(StandardCharsets.US_ASCII);
        byte[] kdf = ("none".equals(cipher) ? "none" : "bcrypt").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(15 + 4 + name.length + 4 + kdf.length);
        b.put("openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII)).putInt(name.length).put(name).putInt(kdf.length).put(kdf);
        return wrap(b.array());
    }

    private static String wrap(byte[] blob) {
        return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + Base64.getMimeEncoder(70, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(blob)
                + "\n-----END OPENSSH PRIVATE KEY-----\n";
    }
}
