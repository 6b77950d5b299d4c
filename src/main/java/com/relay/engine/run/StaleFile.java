package com.relay.engine.run;

import com.relay.tenants.config.TenantConfig;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A chosen vendor file older than its vendor's {@code max_age_hours} at the run's {@code now}
 * (docs/CONTRACT.md#stale-vendor-files). The file's time is the {@code last_modified} its source
 * recorded in the input manifest: S3 LastModified (an uploaded feed too), the remote file's
 * modification time or HTTP Last-Modified, the email's received date, the local file's mtime.
 *
 * @param lastModified when the file was last modified
 * @param ageHours     its age at {@code now}, in hours, one decimal (rounded down: never shown over a limit it is within)
 */
public record StaleFile(String vendorId, Instant lastModified, BigDecimal ageHours, BigDecimal maxAgeHours, boolean fails) {

    /** Run error code, error entry code and warning prefix. */
    public static final String CODE = "VENDOR_FILE_STALE";
    /** Warning prefix of a vendor with {@code max_age_hours} whose source gave no modification time. */
    public static final String AGE_UNKNOWN = "VENDOR_FILE_AGE_UNKNOWN";
    private static final BigDecimal MILLIS_PER_HOUR = BigDecimal.valueOf(3_600_000);

    /**
     * The staleness of a found vendor's file, or empty when it is within its limit or has none.
     *
     * @throws UnknownAge when the vendor has a limit but its source recorded no usable time
     */
    static Optional<StaleFile> check(TenantConfig.Vendor vendor, Map<String, Object> feedManifest, Instant now)
            throws UnknownAge {
        if (vendor.maxAgeHours() == null) return Optional.empty();
        Instant modified = lastModified(feedManifest.get("last_modified"));
        if (modified == null) throw new UnknownAge();
        long ageMillis = Duration.between(modified, now).toMillis();
        BigDecimal limitMillis = vendor.maxAgeHours().multiply(MILLIS_PER_HOUR);
        if (BigDecimal.valueOf(ageMillis).compareTo(limitMillis) <= 0) return Optional.empty(); // a future time (clock skew) too
        BigDecimal hours = BigDecimal.valueOf(ageMillis).divide(MILLIS_PER_HOUR, 1, RoundingMode.DOWN);
        return Optional.of(new StaleFile(vendor.vendorId(), modified, hours, vendor.maxAgeHours().stripTrailingZeros(),
                vendor.failsWhenStale()));
    }

    /** Thrown by {@link #check} when the file's time is unknown. */
    static final class UnknownAge extends Exception {
        UnknownAge() {
            super(null, null, false, false);
        }
    }

    private static Instant lastModified(Object value) {
        if (value instanceof Instant i) return i;
        if (!(value instanceof String s)) return null;
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** {@code run_summary.json} warning: {@code VENDOR_FILE_STALE:<id>:age_hours=<a>:max_age_hours=<m>}. */
    public String warning() {
        return CODE + ":" + vendorId + ":age_hours=" + ageHours.toPlainString() + ":max_age_hours="
                + maxAgeHours.toPlainString();
    }

    /** What the messages say: the time, the age and the limit with the setting's name. */
    public String describe() {
        return "file last modified " + EngineRun.ts(lastModified) + " is " + ageHours.toPlainString()
                + " hours old, over max_age_hours " + maxAgeHours.toPlainString();
    }

    /** The manifest's {@code stale} member. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("age_hours", ageHours);
        m.put("max_age_hours", maxAgeHours);
        m.put("stale_policy", fails ? TenantConfig.Vendor.STALE_FAIL : TenantConfig.Vendor.STALE_WARN);
        return m;
    }
}
