package com.relay.sources;

/**
 * {@code SOURCE_UNAVAILABLE} (docs/RUNBOOK.md): a vendor's server could not be reached, timed out,
 * answered 5xx or dropped the connection mid-file. Retryable like an S3 error: the attempt is handed
 * back and the run retried with backoff. The message names the vendor and never holds a secret.
 */
public final class SourceUnavailableException extends RuntimeException {

    public static final String CODE = "SOURCE_UNAVAILABLE";

    public SourceUnavailableException(String vendorId, String what, Throwable cause) {
        super(CODE + ": vendor " + vendorId + ": " + what, cause);
    }
}
