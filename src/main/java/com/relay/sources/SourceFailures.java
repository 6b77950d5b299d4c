package com.relay.sources;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Turns what a transport threw into the run error of a vendor source (docs/RUNBOOK.md "Vendor
 * sources"): our own source exceptions pass unchanged; a TLS certificate that is not trusted is
 * {@code SOURCE_AUTH_FAILED} (like an unknown host key: retrying cannot help); anything else that
 * came off the wire (refused, timed out, unknown host, dropped) is {@code SOURCE_UNAVAILABLE}.
 * The message names the failure's type and the host, never a component message (those can repeat a
 * user name or the server's words); the original stays attached as the cause for the stack trace
 * (no transport here puts a credential in an exception: they are never part of a URI).
 */
public final class SourceFailures {

    private SourceFailures() {}

    /**
     * What to throw instead of {@code failure}; {@code where} names the server (host or URL without
     * query). A failure with no I/O or mail error in its causes is no transport failure but a defect:
     * it is returned as it is (the split's catch-all reports it), never disguised as SOURCE_UNAVAILABLE.
     */
    public static RuntimeException classify(Throwable failure, String vendorId, String where) {
        if (failure instanceof SourceRefusedException || failure instanceof SourceUnavailableException) {
            return (RuntimeException) failure;
        }
        if (!isTransport(failure)) {
            return failure instanceof RuntimeException r ? r : new IllegalStateException(failure);
        }
        // the whole chain first: a wrapper (an IOException around a handshake failure) must not hide what is inside
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SourceRefusedException || t instanceof SourceUnavailableException) {
                return (RuntimeException) t;
            }
            if (t instanceof SSLHandshakeException || isCertificateFailure(t)) {
                return new SourceRefusedException(SourceErrors.AUTH_FAILED, vendorId, where
                        + ": the TLS handshake failed: certificate not trusted by the JVM trust store, or no common protocol ("
                        + t.getClass().getSimpleName() + ")", failure);
            }
        }
        // the most specific network failure names it (a ConnectException inside a client's IOException)
        Throwable cause = failure;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (isNetwork(t)) {
                cause = t;
                if (!t.getClass().equals(IOException.class)) break;
            }
        }
        return new SourceUnavailableException(vendorId, where + ": " + describe(cause), failure);
    }

    /** "connection refused", "timed out", … : what happened, in words that hold no component text. */
    static String describe(Throwable t) {
        if (t instanceof ConnectException) return "connection refused or not possible (" + t.getClass().getSimpleName() + ")";
        if (t instanceof SocketTimeoutException) return "timed out (SOURCE_CONNECT_TIMEOUT_SECONDS / SOURCE_READ_TIMEOUT_SECONDS)";
        if (t instanceof UnknownHostException) return "unknown host";
        if (t instanceof NoRouteToHostException) return "no route to host";
        if (t instanceof SSLException) return "TLS failure (" + t.getClass().getSimpleName() + ")";
        if (t instanceof IOException) return "the connection failed (" + t.getClass().getSimpleName() + ")";
        return "failed (" + t.getClass().getSimpleName() + ")";
    }

    private static boolean isNetwork(Throwable t) {
        return t instanceof IOException;
    }

    /** An I/O error or a mail protocol error somewhere in the causes. */
    static boolean isTransport(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof jakarta.mail.MessagingException
                    || t instanceof SourceRefusedException || t instanceof SourceUnavailableException) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }

    private static boolean isCertificateFailure(Throwable t) {
        return t instanceof java.security.cert.CertificateException
                || t instanceof java.security.cert.CertPathValidatorException
                || (t instanceof SSLException && t.getCause() instanceof java.security.cert.CertificateException);
    }
}
