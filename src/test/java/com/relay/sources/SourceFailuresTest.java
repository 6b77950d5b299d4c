package com.relay.sources;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.MessagingException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** What each transport failure becomes (docs/RUNBOOK.md "Vendor sources"). */
class SourceFailuresTest {

    @Test
    void networkFailuresAnywhereInTheCausesAreUnavailableAndSayWhatHappened() {
        assertThat(SourceFailures.classify(new RuntimeException("camel", new ConnectException("refused")), "beta", "http://h/f"))
                .isInstanceOf(SourceUnavailableException.class)
                .hasMessage("SOURCE_UNAVAILABLE: vendor beta: http://h/f: connection refused or not possible (ConnectException)");
        assertThat(SourceFailures.classify(new SocketTimeoutException("Read timed out"), "beta", "h"))
                .isInstanceOf(SourceUnavailableException.class).hasMessageContaining("timed out (SOURCE_CONNECT_TIMEOUT_SECONDS");
        assertThat(SourceFailures.classify(new MessagingException("connect", new UnknownHostException("nope")), "gamma", "imaps://h:993"))
                .isInstanceOf(SourceUnavailableException.class).hasMessageEndingWith("imaps://h:993: unknown host");
        assertThat(SourceFailures.classify(new MessagingException("A3 BAD"), "gamma", "imaps://h:993"))
                .isInstanceOf(SourceUnavailableException.class);
    }

    @Test
    void anUntrustedCertificateIsAuthFailed() {
        RuntimeException e = SourceFailures.classify(new IOException("wrapped",
                new SSLHandshakeException("PKIX path building failed")), "beta", "https://h/f");
        assertThat(e).isInstanceOfSatisfying(SourceRefusedException.class, r -> assertThat(r.code()).isEqualTo(SourceErrors.AUTH_FAILED));
        assertThat(SourceFailures.classify(new IOException(new CertificateException("bad")), "beta", "h"))
                .isInstanceOf(SourceRefusedException.class);
    }

    @Test
    void ourOwnSourceErrorsPassUnchangedEvenWhenWrapped() {
        SourceRefusedException refused = new SourceRefusedException(SourceErrors.NOT_ALLOWED, "beta", "private", null);
        assertThat(SourceFailures.classify(refused, "beta", "h")).isSameAs(refused);
        assertThat(SourceFailures.classify(new IOException("in the client", refused), "beta", "h")).isSameAs(refused);
    }

    @Test
    void aDefectIsNotDisguisedAsUnavailable() {
        IllegalStateException bug = new IllegalStateException("a bug");
        assertThat(SourceFailures.classify(bug, "beta", "h")).isSameAs(bug);
        assertThat(SourceFailures.classify(new ClassCastException("x"), "beta", "h")).isInstanceOf(ClassCastException.class);
    }
}
