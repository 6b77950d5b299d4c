package com.relay.sources;

/**
 * A vendor source failed in a way retrying cannot fix (docs/RUNBOOK.md "Vendor sources"):
 * {@link SourceErrors#AUTH_FAILED} or {@link SourceErrors#NOT_ALLOWED}. Thrown by a source route's
 * steps; the fetch split's {@code fetch-vendor-refused} step ends the run FAILED with the code. The
 * message names the vendor and never holds a secret.
 */
public final class SourceRefusedException extends RuntimeException {

    private final String code;

    public SourceRefusedException(String code, String vendorId, String what, Throwable cause) {
        super(code + ": vendor " + vendorId + ": " + what, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
