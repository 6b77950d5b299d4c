package com.relay.sources.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * An in-process SFTP server (Apache MINA SSHD) on 127.0.0.1, an ephemeral port, one user, a virtual
 * file system rooted at {@code root}. Password and/or public-key authentication; a host key generated
 * once per JVM, so a restarted server keeps its identity. {@link #dropConnectionAfter(long)} closes
 * the session when a download reaches that offset (a half-downloaded connection drop).
 */
public final class SftpTestServer implements AutoCloseable {

    private static final KeyPair HOST_KEY = generateEcKey();

    private final SshServer sshd;
    private final Path root;
    private final AtomicLong dropAfterBytes = new AtomicLong(-1);
    private final java.util.concurrent.atomic.AtomicInteger directoryOpens = new java.util.concurrent.atomic.AtomicInteger();

    private SftpTestServer(Path root, String user, String password, PublicKey authorizedKey) {
        this.root = root.toAbsolutePath().normalize();
        this.sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(HOST_KEY));
        sshd.setPasswordAuthenticator(password == null ? null
                : (u, p, session) -> user.equals(u) && password.equals(p));
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setPublickeyAuthenticator(authorizedKey == null ? null
                : (u, key, session) -> user.equals(u) && KeyUtils.compareKeys(authorizedKey, key));
        SftpSubsystemFactory sftp = new SftpSubsystemFactory.Builder().build();
        sftp.addSftpEventListener(new DropListener());
        sshd.setSubsystemFactories(List.of(sftp));
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(this.root));
    }

    /** Starts a server for {@code user}: {@code password} and/or {@code authorizedKey} may be null (that method is off). */
    public static SftpTestServer start(Path root, String user, String password, PublicKey authorizedKey) {
        SftpTestServer server = new SftpTestServer(root, user, password, authorizedKey);
        try {
            server.sshd.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return server;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return sshd.getPort();
    }

    public Path root() {
        return root;
    }

    public PublicKey hostPublicKey() {
        return HOST_KEY.getPublic();
    }

    /** The host key's OpenSSH fingerprint, as {@code ssh-keygen -lf} prints it: {@code SHA256:<base64, no padding>}. */
    public String hostKeyFingerprint() {
        return fingerprint(HOST_KEY.getPublic());
    }

    /** The known_hosts line of this server: {@code [127.0.0.1]:<port> ecdsa-sha2-nistp256 AAAA...}. */
    public String knownHostsLine() {
        return knownHostsLine(host(), port(), HOST_KEY.getPublic());
    }

    public static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
    }

    /** A known_hosts line for any key (e.g. a different one, to test an unknown host key). */
    public static String knownHostsLine(String host, int port, PublicKey key) {
        String hostPart = port == 22 ? host : "[" + host + "]:" + port;
        return hostPart + " " + PublicKeyEntry.toString(key);
    }

    /** A fresh EC P-256 key pair (a client key for public-key auth, or a foreign host key). */
    public static KeyPair generateEcKey() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"));
            return gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path writeFile(String relativePath, byte[] content, Instant modified) {
        return TestFiles.write(root, relativePath, content, modified);
    }

    public Path writeFileOfSize(String relativePath, long size, Instant modified) {
        return TestFiles.writeOfSize(root, relativePath, size, modified);
    }

    /** From now on, a read at or past {@code offset} of any file closes the client's session; -1 turns it off. */
    public void dropConnectionAfter(long offset) {
        dropAfterBytes.set(offset);
    }

    /** How many times a client opened a directory (one listing = one open): counts a consumer's polls. */
    public int directoryOpens() {
        return directoryOpens.get();
    }

    @Override
    public void close() {
        try {
            sshd.stop(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final class DropListener implements SftpEventListener {
        @Override
        public void open(ServerSession session, String remoteHandle, org.apache.sshd.sftp.server.Handle localHandle) {
            if (localHandle instanceof org.apache.sshd.sftp.server.DirectoryHandle) {
                directoryOpens.incrementAndGet();
            }
        }

        @Override
        public void reading(ServerSession session, String remoteHandle, FileHandle localHandle, long offset,
                byte[] data, int dataOffset, int dataLen) throws IOException {
            long limit = dropAfterBytes.get();
            if (limit >= 0 && offset >= limit) {
                // immediately, without a clean SSH disconnect: what a crashed server or a cut link does
                session.close(true);
                throw new IOException("test server dropped the connection at offset " + offset);
            }
        }
    }
}
