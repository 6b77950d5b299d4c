package com.relay.engine;

/**
 * A data error that fails the whole run with a documented code (docs/CONTRACT.md#run-error-codes): DECODE_ERROR,
 * CSV_PARSE_ERROR, missing_required_columns, no_rows_parsed, validation_errors, ... The message is
 * the exact operator-facing text; it never contains a stack trace or a runtime's codec text.
 */
public class EngineFailure extends Exception {
    private final String errorCode;
    private final String stage;
    private final String vendorId;

    public EngineFailure(String errorCode, String stage, String message, String vendorId) {
        super(message, null, false, false);
        this.errorCode = errorCode;
        this.stage = stage;
        this.vendorId = vendorId;
    }

    public String errorCode() { return errorCode; }

    /** Run stage in which it happened: FETCH_INPUTS, NORMALIZE or MERGE_PRICE. */
    public String stage() { return stage; }

    /** The vendor concerned, or null (carried into the errors.json failure entry, docs/CONTRACT.md#attempt-outcomes-retry-and-poison). */
    public String vendorId() { return vendorId; }
}
