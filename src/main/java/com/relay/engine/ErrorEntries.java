package com.relay.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The run-level entries of a run's {@code reports/errors.json}, ahead of the engine's row errors
 * ({@link RowError}): the failure that ended the run, and a vendor whose input was missing. Keys
 * in this order, so every writer (engine, worker, API) produces the same bytes.
 */
public final class ErrorEntries {

    private ErrorEntries() {}

    /** Key of a run's errors.json in the artifact bucket. */
    public static String key(String runId, String tenantId) {
        return runId + "/tenants/" + tenantId + "/reports/errors.json";
    }

    /** {@code error_code}, {@code error_message} and, when not null, {@code vendor_id}. */
    public static Map<String, Object> failure(String code, String message, String vendorId) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("error_code", code);
        e.put("error_message", message);
        if (vendorId != null) e.put("vendor_id", vendorId);
        return e;
    }

    /** The failure entry of a run that ended on {@code f}. */
    public static Map<String, Object> failure(EngineFailure f) {
        return failure(f.errorCode(), f.getMessage(), f.vendorId());
    }

    /** A vendor with no input under {@code expectedPrefix}: {@code vendor_id} and {@code expected_prefix} always present. */
    public static Map<String, Object> missingVendor(String code, String message, String vendorId, String expectedPrefix) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("error_code", code);
        e.put("error_message", message);
        e.put("vendor_id", vendorId);
        e.put("expected_prefix", expectedPrefix);
        return e;
    }
}
