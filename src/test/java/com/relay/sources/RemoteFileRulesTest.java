package com.relay.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.jcraft.jsch.JSchException;
import com.relay.sources.testing.SftpTestServer;
import java.net.ConnectException;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileOperationFailedException;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.junit.jupiter.api.Test;

/** The pure rules of the camel-ftp sources: which file, the host key fingerprint, what a failure means. */
class RemoteFileRulesTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void fileNameGlobHasStarAndQuestionMarkEverythingElseLiteral() {
        NewestFileFilter<Object> f = new NewestFileFilter<>("inventory_*.csv", 0, clock);
        assertThat(f.accepts("inventory_2026.csv", 1)).isTrue();
        assertThat(f.accepts("inventory_.csv", 1)).isTrue();
        assertThat(f.accepts("inventory_2026.csv.tmp", 1)).isFalse();
        assertThat(f.accepts("xinventory_1.csv", 1)).isFalse();
        assertThat(f.accepts("inventory_1Xcsv", 1)).as("the dot is literal").isFalse();
        assertThat(new NewestFileFilter<>("a?c(1)+.csv", 0, clock).accepts("abc(1)+.csv", 1)).isTrue();
        assertThat(new NewestFileFilter<>("a?c(1)+.csv", 0, clock).accepts("ac(1)+.csv", 1)).isFalse();
        assertThat(new NewestFileFilter<>("*", 0, clock).accepts("anything at all.xlsx", 1)).isTrue();
    }

    @Test
    void aFileYoungerThanTheMinimumAgeOrWithoutATimeIsNotACandidate() {
        NewestFileFilter<Object> f = new NewestFileFilter<>("*", 120_000, clock);
        assertThat(f.accepts("a.csv", NOW.minusSeconds(120).toEpochMilli())).isTrue();
        assertThat(f.accepts("a.csv", NOW.minusSeconds(119).toEpochMilli())).isFalse();
        assertThat(f.accepts("a.csv", 0)).isFalse();
    }

    @Test
    void newestFirstAndTheGreaterNameFirstOnATie() {
        List<GenericFile<Object>> files = new ArrayList<>(List.of(file("b.csv", 10), file("c.csv", 10), file("z.csv", 5),
                file("a.csv", 20)));
        files.sort(NewestFileFilter.NEWEST_FIRST::compare);
        assertThat(files).extracting(GenericFile::getFileNameOnly).containsExactly("a.csv", "c.csv", "b.csv", "z.csv");
    }

    @Test
    void theFingerprintIsOpenSshsSha256Form() {
        var key = SftpTestServer.generateEcKey().getPublic();
        ByteArrayBuffer blob = new ByteArrayBuffer();
        blob.putRawPublicKey(key);
        assertThat(HostKeyPin.fingerprint(blob.getCompactData())).isEqualTo(SftpTestServer.fingerprint(key))
                .matches("SHA256:[A-Za-z0-9+/]{43}");
    }

    @Test
    void aPinnedKeyAcceptsOnlyItsOwnFingerprintAndAnUnpinnedOneReportsWhatItSaw() {
        byte[] key = {1, 2, 3};
        String fp = HostKeyPin.fingerprint(key);
        assertThat(new HostKeyPin(fp, s -> { }).check("h", key)).isEqualTo(HostKeyPin.OK);
        assertThat(new HostKeyPin(fp, s -> { }).check("h", new byte[] {1, 2, 4})).isEqualTo(HostKeyPin.NOT_INCLUDED);
        List<String> told = new ArrayList<>();
        assertThat(new HostKeyPin(null, told::add).check("h", key)).isEqualTo(HostKeyPin.OK);
        assertThat(told).containsExactly(fp);
    }

    @Test
    void refusalsAreAuthFailuresEverythingElseIsUnavailable() {
        assertAuth(new GenericFileOperationFailedException("Cannot connect", new JSchException("Auth fail for methods 'password'")),
                "refused the username and password");
        assertAuth(new GenericFileOperationFailedException("Cannot connect", new JSchException("reject HostKey: 127.0.0.1")),
                "host key does not match host_key");
        assertAuth(new GenericFileOperationFailedException(530, "530 Authentication failed."), "FTP reply 530");
        assertAuth(new GenericFileOperationFailedException(0, "", "x",
                new SSLHandshakeException("PKIX path building failed") {{ initCause(new CertificateException("no path")); }}),
                "TLS certificate is not trusted");

        RuntimeException refused = RemoteFileFailures.classify("v1", "ftp://relay@h:21/in",
                new GenericFileOperationFailedException("Cannot connect", new ConnectException("Connection refused")));
        assertThat(refused).isInstanceOf(SourceUnavailableException.class)
                .hasMessage("SOURCE_UNAVAILABLE: vendor v1: ftp://relay@h:21/in: connection refused");
        assertThat(RemoteFileFailures.classify("v1", "t", new GenericFileOperationFailedException(550, "550 No such directory")))
                .isInstanceOf(SourceUnavailableException.class).hasMessageContaining("answered 550");
        SourceRefusedException own = new SourceRefusedException(SourceErrors.AUTH_FAILED, "v1", "no host_key", null);
        assertThat(RemoteFileFailures.classify("v1", "t", new RuntimeException(own))).isSameAs(own);
    }

    private static void assertAuth(Exception failure, String says) {
        RuntimeException e = RemoteFileFailures.classify("v1", "sftp://relay@h:22/in", failure);
        assertThat(e).isInstanceOf(SourceRefusedException.class).hasMessageContaining("vendor v1").hasMessageContaining(says);
        assertThat(((SourceRefusedException) e).code()).isEqualTo(SourceErrors.AUTH_FAILED);
    }

    private static GenericFile<Object> file(String name, long modified) {
        GenericFile<Object> f = new GenericFile<>();
        f.setFileNameOnly(name);
        f.setLastModified(modified);
        return f;
    }
}
