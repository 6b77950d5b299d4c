package com.relay.sources.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SftpTestServerTest {

    @TempDir
    Path root;

    private SshClient client;
    private final AtomicReference<java.security.PublicKey> offeredHostKey = new AtomicReference<>();

    @BeforeEach
    void startClient() {
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier((session, address, key) -> {
            offeredHostKey.set(key);
            return true;
        });
        client.start();
    }

    @AfterEach
    void stopClient() {
        client.stop();
    }

    @Test
    void passwordUserReadsAFileWithItsMtimeAndTheHostKeyMatchesTheFingerprint() throws Exception {
        Instant mtime = Instant.parse("2026-01-02T03:04:05Z");
        try (SftpTestServer server = SftpTestServer.start(root, "relay", "secret", null)) {
            server.writeFile("outgoing/a.csv", "sku,qty\n".getBytes(StandardCharsets.UTF_8), mtime);
            try (ClientSession session = connect(server)) {
                session.addPasswordIdentity("secret");
                session.auth().verify(Duration.ofSeconds(10));
                try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session);
                        InputStream in = sftp.read("/outgoing/a.csv")) {
                    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("sku,qty\n");
                    assertThat(sftp.stat("/outgoing/a.csv").getModifyTime().toInstant()).isEqualTo(mtime);
                }
            }
            assertThat(SftpTestServer.fingerprint(offeredHostKey.get())).isEqualTo(server.hostKeyFingerprint());
            assertThat(server.hostKeyFingerprint()).startsWith("SHA256:").doesNotEndWith("=");
            assertThat(server.knownHostsLine()).startsWith("[127.0.0.1]:" + server.port() + " ecdsa-sha2-nistp256 AAAA");
        }
    }

    @Test
    void wrongPasswordIsRejectedAndPublicKeyAuthAcceptsOnlyTheAuthorizedKey() throws Exception {
        KeyPair authorized = SftpTestServer.generateEcKey();
        try (SftpTestServer server = SftpTestServer.start(root, "relay", "secret", authorized.getPublic())) {
            try (ClientSession session = connect(server)) {
                session.addPasswordIdentity("wrong");
                assertThatThrownBy(() -> session.auth().verify(Duration.ofSeconds(10))).isInstanceOf(Exception.class);
            }
            try (ClientSession session = connect(server)) {
                session.addPublicKeyIdentity(SftpTestServer.generateEcKey());
                assertThatThrownBy(() -> session.auth().verify(Duration.ofSeconds(10))).isInstanceOf(Exception.class);
            }
            try (ClientSession session = connect(server)) {
                session.addPublicKeyIdentity(authorized);
                session.auth().verify(Duration.ofSeconds(10));
                assertThat(session.isAuthenticated()).isTrue();
            }
        }
    }

    @Test
    void dropModeCutsTheConnectionHalfWayThroughADownload() throws Exception {
        try (SftpTestServer server = SftpTestServer.start(root, "relay", "secret", null)) {
            server.writeFileOfSize("big.bin", 4 * 1024 * 1024, Instant.now());
            server.dropConnectionAfter(1024 * 1024);
            try (ClientSession session = connect(server)) {
                session.addPasswordIdentity("secret");
                session.auth().verify(Duration.ofSeconds(10));
                SftpClient sftp = SftpClientFactory.instance().createSftpClient(session);
                assertThatThrownBy(() -> {
                    try (InputStream in = sftp.read("/big.bin")) {
                        in.transferTo(java.io.OutputStream.nullOutputStream());
                    }
                }).isInstanceOf(java.io.IOException.class);
            }
        }
        assertThat(Files.size(root.resolve("big.bin"))).isEqualTo(4 * 1024 * 1024);
    }

    private ClientSession connect(SftpTestServer server) throws Exception {
        return client.connect("relay", server.host(), server.port()).verify(Duration.ofSeconds(10)).getSession();
    }
}
