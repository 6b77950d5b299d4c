package com.relay.sources.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPSClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FtpTestServerTest {

    @TempDir
    Path temp;

    @Test
    void eachModeServesAFileToItsUserOnly() throws Exception {
        for (FtpTestServer.Mode mode : FtpTestServer.Mode.values()) {
            Path root = java.nio.file.Files.createDirectories(temp.resolve(mode.name()));
            try (FtpTestServer server = FtpTestServer.start(mode, root, "relay", "secret", temp)) {
                server.writeFile("outgoing/a.csv", "sku,qty\n".getBytes(StandardCharsets.UTF_8), Instant.now());
                FTPClient client = client(mode);
                client.connect(server.host(), server.port());
                if (client instanceof FTPSClient ftps) {
                    ftps.execPBSZ(0);
                    ftps.execPROT("P");
                }
                assertThat(client.login("relay", "wrong")).as(mode + " wrong password").isFalse();
                assertThat(client.login("relay", "secret")).as(mode + " login").isTrue();
                client.enterLocalPassiveMode();
                client.setFileType(FTP.BINARY_FILE_TYPE);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                assertThat(client.retrieveFile("/outgoing/a.csv", out)).as(mode + " retrieve").isTrue();
                assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("sku,qty\n");
                client.logout();
                client.disconnect();
            }
        }
    }

    private static FTPClient client(FtpTestServer.Mode mode) {
        return switch (mode) {
            case PLAIN -> new FTPClient();
            case EXPLICIT_TLS -> trusting(new FTPSClient("TLS", false));
            case IMPLICIT_TLS -> trusting(new FTPSClient("TLS", true));
        };
    }

    private static FTPSClient trusting(FTPSClient client) {
        client.setTrustManager(TestCertificate.trustManager());
        return client;
    }
}
