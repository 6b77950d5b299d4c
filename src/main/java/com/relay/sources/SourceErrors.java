package com.relay.sources;

/**
 * The run error codes of vendor sources (docs/RUNBOOK.md "Vendor sources"): {@code SOURCE_AUTH_FAILED}
 * {@code SOURCE_NOT_ALLOWED} and {@code SOURCE_FILE_TOO_LARGE} fail the run (retrying cannot help); {@code SOURCE_UNAVAILABLE}
 * ({@link SourceUnavailableException}) is retried; nothing matching is a missing vendor
 * ({@code REQUIRED_VENDOR_MISSING} when it is required).
 */
public final class SourceErrors {

    /** Wrong password or key, an unknown host key, 401/403, a secret reference that does not resolve. */
    public static final String AUTH_FAILED = "SOURCE_AUTH_FAILED";
    /** The network policy refused the host (docs/INFRA.md "Vendor sources"). */
    public static final String NOT_ALLOWED = "SOURCE_NOT_ALLOWED";
    /** The file is larger than an upload may be (INBOUND_MAX_BYTES): retrying would fetch it again. */
    public static final String FILE_TOO_LARGE = "SOURCE_FILE_TOO_LARGE";
    /** The missing-vendor reason of a source with no file that matches (input_manifest.json). */
    public static final String NO_MATCHING_FILE = "no_matching_file";

    private SourceErrors() {}
}
