package com.relay.engine;

import com.relay.engine.ErrorThresholds.Outcome;
import com.relay.tenants.config.TenantConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** docs/CONTRACT.md#threshold-vectors and docs/CONTRACT.md#error-thresholds threshold vectors. */
class ErrorThresholdsTest {

    private static TenantConfig.ErrorPolicy policy(long maxRows, String maxPct) {
        return new TenantConfig.ErrorPolicy(maxRows, new BigDecimal(maxPct), true, "fail");
    }

    @ParameterizedTest(name = "invalid {0}/{1}, missing {2}, limits ({3}, {4}) → {5}")
    @CsvSource({
            // docs/CONTRACT.md#threshold-vectors: two rows, one invalid (ratio 0.5)
            "1, 2, 0, 1, 0.6, PASS_WITH_WARNING",
            "1, 2, 0, 0, 0.1, VALIDATION_ERRORS",
            "1, 2, 0, 1, 0.5, PASS_WITH_WARNING",
            "1, 2, 0, 0, 0.6, VALIDATION_ERRORS",
            // all vendors missing (optional) → success; header-only found vendor → no_rows_parsed
            "0, 0, 2, 0, 0.0, EMPTY_WITH_MISSING_VENDORS",
            "0, 0, 0, 0, 0.0, NO_ROWS_PARSED",
            // no invalid rows: pass without warning whatever the limits
            "0, 5, 0, 0, 0.0, PASS",
            "0, 5, 1, 0, 0.0, PASS",
            // the OR: both limits must allow the invalid rows
            "2, 3, 0, 5, 0.5, VALIDATION_ERRORS",
            "2, 4, 0, 1, 0.9, VALIDATION_ERRORS",
            "2, 4, 0, 2, 0.5, PASS_WITH_WARNING",
            // a negative max_invalid_rows behaves like 0
            "1, 10, 0, -3, 1, VALIDATION_ERRORS",
            // exact decimal: 1/3 is not > 0.3333333333333333333333333334
            "1, 3, 0, 1, 0.3333333333333333333333333334, PASS_WITH_WARNING",
            "1, 3, 0, 1, 0.3333333333333333333333333333, VALIDATION_ERRORS",
            // a vendor-level entry only (non-fatal missing columns): 1 invalid of 1 total
            "1, 1, 0, 1, 1, PASS_WITH_WARNING",
            "1, 1, 0, 1, 0.99, VALIDATION_ERRORS"})
    void outcomes(long invalid, long total, long missing, long maxRows, String maxPct, Outcome expected) {
        assertThat(ErrorThresholds.evaluate(invalid, total, missing, policy(maxRows, maxPct))).isEqualTo(expected);
    }

    @Test
    void warningsAndFailures() throws EngineFailure {
        assertThat(Outcome.PASS_WITH_WARNING.warning()).isEqualTo("invalid_rows_within_threshold");
        assertThat(Outcome.PASS.warning()).isNull();
        assertThat(ErrorThresholds.enforce(1, 2, 0, policy(1, "0.6"))).isEqualTo(Outcome.PASS_WITH_WARNING);

        assertThatThrownBy(() -> ErrorThresholds.enforce(1, 2, 0, policy(0, "0.1")))
                .isInstanceOfSatisfying(EngineFailure.class, f -> {
                    assertThat(f.errorCode()).isEqualTo("validation_errors");
                    assertThat(f.getMessage()).isEqualTo("validation errors");
                    assertThat(f.stage()).isEqualTo("MERGE_PRICE");
                    assertThat(f.vendorId()).isNull();
                });
        assertThatThrownBy(() -> ErrorThresholds.enforce(0, 0, 0, policy(0, "0")))
                .isInstanceOfSatisfying(EngineFailure.class, f -> {
                    assertThat(f.errorCode()).isEqualTo("no_rows_parsed");
                    assertThat(f.getMessage()).isEqualTo("no rows parsed");
                    assertThat(f.stage()).isEqualTo("MERGE_PRICE");
                });
    }

    @Test
    void inconsistentCountsAreRejectedClearly() {
        assertThatThrownBy(() -> ErrorThresholds.evaluate(3, 2, 0, policy(0, "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("inconsistent row counts: invalid 3, total 2, missing vendor entries 0");
    }

    @Test
    void onlyTheCountLimitMakesFailureCertainBeforeTheEnd() {
        // certain: whatever rows follow, evaluate() ends VALIDATION_ERRORS
        assertThat(ErrorThresholds.certainToFail(1, policy(0, "0.9"))).isTrue();
        for (long valid : new long[] {0, 1, 1_000_000}) {
            assertThat(ErrorThresholds.evaluate(1, 1 + valid, 0, policy(0, "0.9"))).isEqualTo(Outcome.VALIDATION_ERRORS);
        }
        assertThat(ErrorThresholds.certainToFail(5, policy(5, "0"))).isFalse();
        // a ratio over the limit so far is not certain: later valid rows lower it
        assertThat(ErrorThresholds.certainToFail(5, policy(10, "0.1"))).isFalse();
        assertThat(ErrorThresholds.evaluate(5, 100, 0, policy(10, "0.1"))).isEqualTo(Outcome.PASS_WITH_WARNING);

        assertThat(ErrorThresholds.samplesWorthStoring(policy(0, "0"))).isEqualTo(1);
        assertThat(ErrorThresholds.samplesWorthStoring(policy(7, "0"))).isEqualTo(8);
        assertThat(ErrorThresholds.samplesWorthStoring(policy(Long.MAX_VALUE, "1"))).isEqualTo(Long.MAX_VALUE);
    }
}
