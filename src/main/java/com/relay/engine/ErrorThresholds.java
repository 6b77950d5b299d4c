package com.relay.engine;

import com.relay.tenants.config.TenantConfig;

import java.math.BigDecimal;
import java.util.Objects;

/** The error thresholds evaluated in MERGE_PRICE after merging (docs/CONTRACT.md#error-thresholds). */
public final class ErrorThresholds {

    public static final String STAGE = "MERGE_PRICE";
    public static final String WARNING_WITHIN_THRESHOLD = "invalid_rows_within_threshold";

    public enum Outcome {
        /** No invalid rows. */
        PASS(false, null),
        /** Invalid rows within both limits: warning {@code invalid_rows_within_threshold}. */
        PASS_WITH_WARNING(false, WARNING_WITHIN_THRESHOLD),
        /** No rows, but missing vendors that did not fail the run (e.g. all optional): header-only success. */
        EMPTY_WITH_MISSING_VENDORS(false, null),
        /** Nothing parsed: fail {@code no_rows_parsed}. */
        NO_ROWS_PARSED(true, null),
        /** Too many invalid rows: fail {@code validation_errors}. */
        VALIDATION_ERRORS(true, null);

        private final boolean failed;
        private final String warning;

        Outcome(boolean failed, String warning) {
            this.failed = failed;
            this.warning = warning;
        }

        public boolean failed() { return failed; }

        /** The run warning this outcome adds, or null. */
        public String warning() { return warning; }

        /** The run failure for a failed outcome (docs/CONTRACT.md#run-error-codes), or null. */
        public EngineFailure toFailure() {
            return switch (this) {
                case NO_ROWS_PARSED -> new EngineFailure("no_rows_parsed", STAGE, "no rows parsed", null);
                case VALIDATION_ERRORS -> new EngineFailure("validation_errors", STAGE, "validation errors", null);
                default -> null;
            };
        }
    }

    private ErrorThresholds() {}

    /**
     * @param invalidRows          engine error entries (row errors and vendor-level entries)
     * @param totalRows            Σ over found vendors of (valid records + error entries)
     * @param missingVendorEntries entries for missing vendors that did not fail the run (docs/CONTRACT.md#missing-vendors)
     */
    public static Outcome evaluate(long invalidRows, long totalRows, long missingVendorEntries,
                                   TenantConfig.ErrorPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        if (invalidRows < 0 || totalRows < 0 || missingVendorEntries < 0 || invalidRows > totalRows) {
            throw new IllegalArgumentException("inconsistent row counts: invalid " + invalidRows + ", total "
                    + totalRows + ", missing vendor entries " + missingVendorEntries);
        }
        if (totalRows == 0) {
            // fixed: the earlier implementation divided by zero here
            return missingVendorEntries > 0 ? Outcome.EMPTY_WITH_MISSING_VENDORS : Outcome.NO_ROWS_PARSED;
        }
        if (invalidRows == 0) return Outcome.PASS;
        // exact decimal: invalid / total > pct  ⇔  invalid > pct × total (total > 0); note the OR
        boolean overCount = invalidRows > policy.maxInvalidRows();
        boolean overRatio = BigDecimal.valueOf(invalidRows)
                .compareTo(policy.maxInvalidRowPct().multiply(BigDecimal.valueOf(totalRows))) > 0;
        return overCount || overRatio ? Outcome.VALIDATION_ERRORS : Outcome.PASS_WITH_WARNING;
    }

    /**
     * Whether {@code invalidSoFar} entries already decide {@code validation_errors}, whatever the
     * rows still to come: only the count limit can (more entries never undo it). The ratio limit
     * never can before the end, since later valid rows lower the ratio and {@code total_rows} is
     * known only when every vendor is read.
     */
    public static boolean certainToFail(long invalidSoFar, TenantConfig.ErrorPolicy policy) {
        return invalidSoFar > policy.maxInvalidRows();
    }

    /**
     * How many entries of one vendor are worth storing as samples: up to and including the one
     * that makes the failure {@linkplain #certainToFail certain}; the rest are only counted.
     */
    public static long samplesWorthStoring(TenantConfig.ErrorPolicy policy) {
        long max = policy.maxInvalidRows();
        return max >= Long.MAX_VALUE - 1 ? Long.MAX_VALUE : Math.max(0, max) + 1;
    }

    /** {@link #evaluate}, throwing the run failure for a failed outcome. */
    public static Outcome enforce(long invalidRows, long totalRows, long missingVendorEntries,
                                  TenantConfig.ErrorPolicy policy) throws EngineFailure {
        Outcome outcome = evaluate(invalidRows, totalRows, missingVendorEntries, policy);
        if (outcome.failed()) throw outcome.toFailure();
        return outcome;
    }
}
