package com.relay.sources;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.UserInfo;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * The sftp server key check (docs/CONFIG_SPEC.md "Vendor sources"): the key the server presents is
 * accepted only when its OpenSSH fingerprint ({@code SHA256:} + unpadded base64 of the SHA-256 of the
 * key blob, as {@code ssh-keygen -lf} prints it) equals the vendor's {@code host_key}. Anything else
 * makes JSch refuse the connection ("reject HostKey"), which {@link RemoteFileFailures} reports as
 * {@code SOURCE_AUTH_FAILED}. Without a pinned key (embedded mode only: the config validator requires
 * host_key elsewhere) any key is accepted and {@code unpinned} is told the fingerprint, so the caller
 * can warn.
 */
final class HostKeyPin implements HostKeyRepository {

    private final String pinned;
    private final Consumer<String> unpinned;
    private volatile String presented;

    HostKeyPin(String pinned, Consumer<String> unpinned) {
        this.pinned = pinned;
        this.unpinned = unpinned;
    }

    /** The fingerprint of an SSH public key blob, in OpenSSH's SHA256 form. */
    static String fingerprint(byte[] keyBlob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(keyBlob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fingerprint of the key the server presented (null before the key exchange). */
    String presented() {
        return presented;
    }

    @Override
    public int check(String host, byte[] key) {
        String fp = fingerprint(key);
        presented = fp;
        if (pinned == null) {
            unpinned.accept(fp);
            return OK;
        }
        // a constant-time compare is not needed: fingerprints are public
        return pinned.equals(fp) ? OK : NOT_INCLUDED;
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
        // never learn a key: the pin is the vendor's configuration
    }

    @Override
    public void remove(String host, String type) {
    }

    @Override
    public void remove(String host, String type, byte[] key) {
    }

    @Override
    public String getKnownHostsRepositoryID() {
        return "relay-host-key-pin";
    }

    @Override
    public HostKey[] getHostKey() {
        return new HostKey[0];
    }

    @Override
    public HostKey[] getHostKey(String host, String type) {
        return new HostKey[0];
    }
}
