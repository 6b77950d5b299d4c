package com.relay.sources;

import com.jcraft.jsch.JSchException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.Locale;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.camel.component.file.GenericFileOperationFailedException;

/**
 * What a camel-ftp failure means for the run (docs/RUNBOOK.md "Vendor sources"): the server refused
 * who we are or is not who it should be (wrong password or key, a host key other than the pinned one,
 * a TLS certificate the trust store does not accept, FTP reply 530) is {@code SOURCE_AUTH_FAILED}
 * and fails the run; anything else (refused or timed-out connection, unknown host, a dropped
 * transfer, a 4xx/5xx reply to a listing) is {@code SOURCE_UNAVAILABLE} and retried. The messages
 * are built from the target ({@code sftp://user@host:port/dir}, no secret) and the failure's class
 * and message, which camel-ftp, JSch and commons-net never fill with a password.
 */
public final class RemoteFileFailures {

    private RemoteFileFailures() {}

    public static RuntimeException classify(String vendor, String target, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SourceRefusedException r) return r;
            if (t instanceof SourceUnavailableException u) return u;
        }
        String refusal = refusal(failure);
        if (refusal != null) {
            return new SourceRefusedException(SourceErrors.AUTH_FAILED, vendor, target + ": " + refusal, failure);
        }
        return new SourceUnavailableException(vendor, target + ": " + unavailable(failure), failure);
    }

    /** Why the server refused us for good, or null when retrying may help. */
    static String refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage());
            String lower = m.toLowerCase(Locale.ROOT);
            if (t instanceof JSchException) {
                if (lower.startsWith("reject hostkey") || lower.startsWith("hostkey has been changed")) {
                    return "the server's host key does not match host_key (" + m + ")";
                }
                if (lower.startsWith("auth fail") || lower.startsWith("auth cancel")) {
                    return "the server refused the username and password or private key (" + m + ")";
                }
                if (lower.contains("invalid privatekey")) {
                    return "private_key is not a usable private key (OpenSSH or PEM format; an encrypted key needs private_key_passphrase)";
                }
                if (lower.contains("passphrase")) {
                    // JSch: "Incorrect passphrase provided." (wrong or missing): never the passphrase itself
                    return "private_key_passphrase does not decrypt private_key (set it for an encrypted key, and check its secret)";
                }
            }
            if (t instanceof GenericFileOperationFailedException g && (g.getCode() == 530 || g.getCode() == 331)) {
                return "the server refused the login (FTP reply " + g.getCode() + ")";
            }
            if (t instanceof SSLPeerUnverifiedException || t instanceof CertificateException
                    || (t instanceof SSLHandshakeException && hasCause(t, CertificateException.class))) {
                return "the server's TLS certificate is not trusted or does not name the host (" + t.getClass().getSimpleName() + ")";
            }
        }
        return null;
    }

    private static String unavailable(Throwable failure) {
        Throwable root = failure;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            root = t;
            if (t instanceof ConnectException) return "connection refused";
            if (t instanceof UnknownHostException) return "unknown host";
            if (t instanceof NoRouteToHostException) return "no route to host";
            if (t instanceof SocketTimeoutException) return "timed out (SOURCE_CONNECT_TIMEOUT_SECONDS / SOURCE_READ_TIMEOUT_SECONDS)";
        }
        if (failure instanceof GenericFileOperationFailedException g && g.getCode() > 0) {
            return "the server answered " + g.getCode() + " (" + oneLine(g.getReason()) + ")";
        }
        return root.getClass().getSimpleName() + ": " + oneLine(root.getMessage());
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) return true;
        }
        return false;
    }

    private static String oneLine(String s) {
        if (s == null) return "";
        String line = s.strip().replaceAll("\\s+", " ");
        return line.length() > 3000 ? line.substring(0, 3000) + "…" : line;
    }
}
