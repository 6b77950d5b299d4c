package com.relay.publish;

import com.relay.engine.CanonicalCsvReader;
import com.relay.engine.CanonicalField;
import com.relay.engine.CodePointOrder;
import com.relay.engine.EngineFailure;
import com.relay.engine.InventoryRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/**
 * Streams the published feed in SKU order for the join (docs/CONTRACT.md#publishing-diff-delta-and-guard): a
 * {@code feed_state.csv} or a merged file. It must have a {@code sku} column and its rows must be
 * in output order, one row per SKU (docs/CONTRACT.md#row-order); anything else is a
 * {@code PUBLISHED_FEED_INVALID} failure, never a silently wrong diff.
 */
public final class BaselineReader implements AutoCloseable {

    public static final String ERROR_CODE = "PUBLISHED_FEED_INVALID";
    public static final String MISSING_SINCE = "missing_since";

    /** One baseline row: the record and, for a SKU carried by the zero policy, since when it is missing. */
    public record Row(InventoryRecord record, Instant missingSince) {
        public String sku() { return record.sku(); }
    }

    private final CanonicalCsvReader reader;
    private Row current;
    private String previousSku;

    private BaselineReader(CanonicalCsvReader reader) {
        this.reader = reader;
    }

    /** Opens {@code file} and reads its header; {@code stage} is the run stage for failures. */
    public static BaselineReader open(Path file, String stage) throws IOException {
        return open(Files.newInputStream(file), stage);
    }

    static BaselineReader open(InputStream in, String stage) throws IOException {
        CanonicalCsvReader reader;
        try {
            reader = new CanonicalCsvReader(in, "published feed", ERROR_CODE, stage, List.of(MISSING_SINCE));
        } catch (EngineFailure f) {
            in.close();
            throw new BaselineFailure(f);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
        BaselineReader baseline = new BaselineReader(reader);
        try {
            if (!reader.has(CanonicalField.SKU)) {
                throw new BaselineFailure(reader.failure("the header has no sku column (a feed_state.csv or merged_inventory.csv"
                        + " with at least sku is needed)"));
            }
            baseline.advance();
        } catch (IOException | RuntimeException e) {
            baseline.close();
            throw e;
        }
        return baseline;
    }

    /** The canonical columns the published feed has: only those are compared. */
    public Set<CanonicalField> columns() {
        return reader.columns();
    }

    /** The current row, or null when the feed is exhausted. */
    public Row peek() {
        return current;
    }

    /** Moves to the next row, checking the order. */
    public void advance() throws IOException {
        InventoryRecord r;
        try {
            r = reader.next();
        } catch (EngineFailure f) {
            throw new BaselineFailure(f);
        }
        if (r == null) {
            current = null;
            return;
        }
        if (r.sku() == null) throw new BaselineFailure(reader.failure("row " + r.rowNumber() + " has an empty sku"));
        if (previousSku != null) {
            int order = CodePointOrder.compareStrings(previousSku, r.sku());
            if (order >= 0) {
                throw new BaselineFailure(reader.failure("row " + r.rowNumber() + ": sku '" + r.sku() + "' "
                        + (order == 0 ? "appears twice" : "comes after '" + previousSku + "'")
                        + "; rows must be in sku order (by code point), one per sku"));
            }
        }
        previousSku = r.sku();
        String since = reader.extra(MISSING_SINCE);
        Instant missingSince = null;
        if (since != null) {
            try {
                missingSince = Instant.parse(since);
            } catch (DateTimeParseException e) {
                throw new BaselineFailure(reader.failure("row " + r.rowNumber() + ": missing_since '" + since
                        + "' is not a timestamp such as 2020-01-01T00:00:00Z"));
            }
        }
        current = new Row(r, missingSince);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
