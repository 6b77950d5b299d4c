package com.relay.publish;

import com.relay.engine.CanonicalField;
import com.relay.engine.CellFormatter;
import com.relay.engine.CodePointOrder;
import com.relay.engine.CsvFeedWriter;
import com.relay.engine.InventoryRecord;
import com.relay.engine.RecordConsumer;
import com.relay.tenants.config.TenantConfig;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The join of a run's merged records with the published feed (docs/CONTRACT.md#publishing-diff-delta-and-guard).
 * Merged records arrive in SKU order; the published feed is read in lockstep, so every SKU is
 * added, removed, changed or unchanged, and the zero policy can carry a missing SKU in its place.
 * Writes the merged file, {@code feed_state.csv} and {@code delta.csv} as it goes; keeps counts,
 * capped samples, two small heaps and a fixed histogram, so memory never grows with the feed.
 * Not thread-safe.
 */
public final class FeedDiff implements RecordConsumer {

    public static final int SAMPLE_SIZE = 20;
    public static final int TOP_MOVES = 10;

    private final BaselineReader baseline;
    private final Set<CanonicalField> published;
    /** output.columns but sku and updated_at, that the published feed has: a change in one is a delta row. */
    private final List<CanonicalField> compared = new ArrayList<>();
    private final boolean zeroMissing;
    private final Instant now;
    private final Duration zeroAfter;
    private final CsvFeedWriter merged;
    private final CsvFeedWriter state;
    private final DeltaWriter delta;

    private long baselineSkus;
    private long baselineQuantity;
    private long baselineInStock;
    private long skuCount;
    private long totalQuantity;
    private long inStock;
    private long added;
    private long removed;
    private long changed;
    private long unchanged;
    private long carried;
    private long newlyCarried;
    private long zeroed;
    private long quantityChanged;
    private long priceChanged;
    private final Map<String, List<String>> samples = new LinkedHashMap<>();
    private final TopMoves quantityMoves = new TopMoves(TOP_MOVES);
    private final TopMoves priceMoves = new TopMoves(TOP_MOVES);
    private final BasisPointHistogram priceChanges = new BasisPointHistogram();
    private boolean finished;

    /**
     * @param baseline the published feed, or null for a first publication (every SKU is added)
     * @param state    {@link CsvFeedWriter#feedState} writer
     */
    public FeedDiff(BaselineReader baseline, TenantConfig.Publish publish, TenantConfig.Output output, Instant now,
                    CsvFeedWriter merged, CsvFeedWriter state, java.io.OutputStream deltaOut) throws IOException {
        this.baseline = baseline;
        this.published = baseline == null ? EnumSet.noneOf(CanonicalField.class) : baseline.columns();
        for (CanonicalField f : CsvFeedWriter.columnsOf(output.columns())) {
            if (f != CanonicalField.SKU && f != CanonicalField.UPDATED_AT && published.contains(f)) compared.add(f);
        }
        this.zeroMissing = publish.zeroMissing();
        this.zeroAfter = Duration.ofDays(publish.zeroDays());
        this.now = Objects.requireNonNull(now, "now");
        this.merged = merged;
        this.state = state;
        this.delta = new DeltaWriter(deltaOut, output.escapeFormulas());
        for (String kind : List.of("added", "removed", "changed", "zeroed", "carried")) samples.put(kind, new ArrayList<>());
    }

    @Override
    public void accept(InventoryRecord r) throws IOException {
        String sku = r.sku() == null ? "" : r.sku();
        BaselineReader.Row b = baseline == null ? null : baseline.peek();
        while (b != null && CodePointOrder.compareStrings(b.sku(), sku) < 0) {
            missing(b);
            baseline.advance();
            b = baseline.peek();
        }
        if (b != null && b.sku().equals(sku)) {
            countPublished(b.record());
            compare(b.record(), r, sku);
            baseline.advance();
        } else {
            added++;
            sample("added", sku);
            delta.row(sku, "", null, null, false, "added");
        }
        write(r, null);
    }

    /** After the last merged record: the published SKUs after it are missing; closes delta.csv. */
    public DiffResult finish() throws IOException {
        if (finished) throw new IllegalStateException("already finished");
        finished = true;
        if (baseline != null) {
            for (BaselineReader.Row b = baseline.peek(); b != null; b = baseline.peek()) {
                missing(b);
                baseline.advance();
            }
        }
        delta.close();
        long median = priceChanges.medianBasisPoints();
        return new DiffResult(baseline == null, baselineSkus, baselineQuantity, baselineInStock, skuCount, totalQuantity,
                inStock, added, removed, changed, unchanged, carried, newlyCarried, zeroed, quantityChanged, priceChanged,
                priceChanges.count(), median < 0 ? null : BigDecimal.valueOf(median, 4),
                median > BasisPointHistogram.MAX_BASIS_POINTS, samples, quantityMoves.largestFirst(),
                priceMoves.largestFirst(), delta.rows());
    }

    /** A published SKU this run does not have: carried at quantity 0 for zero_days under {@code zero}, else removed. */
    private void missing(BaselineReader.Row b) throws IOException {
        InventoryRecord was = b.record();
        countPublished(was);
        boolean expired = b.missingSince() != null && !now.isBefore(b.missingSince().plus(zeroAfter));
        if (!zeroMissing || expired) {
            removed++;
            sample("removed", was.sku());
            delta.row(was.sku(), "", null, null, false, "removed");
            return;
        }
        carried++;
        sample("carried", was.sku());
        boolean hadQuantity = published.contains(CanonicalField.QUANTITY_AVAILABLE);
        if (hadQuantity && was.quantityAvailable() > 0) {
            zeroed++;
            sample("zeroed", was.sku());
        }
        if (b.missingSince() == null) {
            newlyCarried++;
            delta.row(was.sku(), CanonicalField.QUANTITY_AVAILABLE.columnName(),
                    hadQuantity ? Long.toString(was.quantityAvailable()) : null, "0", false, "zeroed_missing");
        }
        InventoryRecord zero = new InventoryRecord(was.sku(), was.vendorSku(), was.vendorId(), 0, was.leadTimeDays(),
                was.cost(), was.mapPrice(), was.price(), was.msrp(), was.condition(), was.brand(), was.title(),
                was.updatedAt(), was.negativeZeroMask(), was.vendorIndex(), was.rowNumber());
        write(zero, b.missingSince() == null ? now : b.missingSince());
    }

    private void compare(InventoryRecord was, InventoryRecord current, String sku) throws IOException {
        boolean vendorChanged = published.contains(CanonicalField.VENDOR_ID) && !Objects.equals(was.vendorId(), current.vendorId());
        boolean costChanged = published.contains(CanonicalField.COST) && !sameCell(was, current, CanonicalField.COST);
        boolean any = false;
        for (CanonicalField f : compared) {
            if (sameCell(was, current, f)) continue;
            String before = cellText(was, f);
            String after = cellText(current, f);
            if (before.equals(after)) continue;
            any = true;
            String reason = vendorChanged ? "vendor_changed" : costChanged ? "cost_changed"
                    : f == CanonicalField.QUANTITY_AVAILABLE ? "quantity_changed"
                    : f == CanonicalField.PRICE ? "pricing_changed" : f.columnName() + "_changed";
            delta.row(sku, f.columnName(), before, after, f.isText(), reason);
        }
        if (any) {
            changed++;
            sample("changed", sku);
        } else {
            unchanged++;
        }
        if (published.contains(CanonicalField.QUANTITY_AVAILABLE)) {
            long before = was.quantityAvailable();
            long after = current.quantityAvailable();
            if (before != after) {
                quantityChanged++;
                long move = Math.abs(after - before);
                quantityMoves.offer(sku, move, () -> new TopMoves.Move(sku, Long.toString(before), Long.toString(after), move,
                        Long.toString(after - before)));
            }
            if (before > 0 && after == 0) {
                zeroed++;
                sample("zeroed", sku);
            }
        }
        if (published.contains(CanonicalField.PRICE) && was.price() != null && current.price() != null) {
            boolean samePrice = sameCell(was, current, CanonicalField.PRICE);
            if (!samePrice) priceChanged++;
            if (was.price().signum() > 0 && was.price().compareTo(current.price()) == 0) {
                priceChanges.add(0); // the common case: no division
            } else if (was.price().signum() > 0) {
                String before = CellFormatter.money(was, CanonicalField.PRICE);
                String after = CellFormatter.money(current, CanonicalField.PRICE);
                BigDecimal signedBp = current.price().subtract(was.price()).movePointRight(4)
                        .divide(was.price(), 0, RoundingMode.HALF_UP);
                long bp = signedBp.abs().min(BigDecimal.valueOf(Long.MAX_VALUE)).longValue();
                priceChanges.add(bp);
                if (bp > 0) {
                    priceMoves.offer(sku, bp, () -> new TopMoves.Move(sku, before, after, bp,
                            BigDecimal.valueOf(signedBp.longValue(), 4).toPlainString()));
                }
            }
        }
    }

    private void countPublished(InventoryRecord was) {
        baselineSkus++;
        if (published.contains(CanonicalField.QUANTITY_AVAILABLE)) {
            baselineQuantity += was.quantityAvailable();
            if (was.quantityAvailable() > 0) baselineInStock++;
        }
    }

    private void write(InventoryRecord r, Instant missingSince) throws IOException {
        merged.writeRow(r);
        state.writeRow(r, missingSince);
        skuCount++;
        totalQuantity += r.quantityAvailable();
        if (r.quantityAvailable() > 0) inStock++;
    }

    private void sample(String kind, String sku) {
        List<String> list = samples.get(kind);
        if (list.size() < SAMPLE_SIZE) list.add(sku);
    }

    /**
     * Whether the two records' cells of {@code f} are written alike, without formatting when the
     * values already say so (the join's hot path: most SKUs do not change).
     */
    static boolean sameCell(InventoryRecord a, InventoryRecord b, CanonicalField f) {
        switch (f) {
            case QUANTITY_AVAILABLE:
                return a.quantityAvailable() == b.quantityAvailable();
            case LEAD_TIME_DAYS:
                return Objects.equals(a.leadTimeDays(), b.leadTimeDays());
            case COST, MAP_PRICE, PRICE, MSRP: {
                BigDecimal x = money(a, f);
                BigDecimal y = money(b, f);
                // equal values with the same negative-zero mark always print alike; else compare the text
                if (x == null || y == null) return x == y;
                if (x.compareTo(y) == 0 && a.isNegativeZero(f) == b.isNegativeZero(f)) return true;
                return CellFormatter.money(a, f).equals(CellFormatter.money(b, f));
            }
            case UPDATED_AT:
                return Objects.equals(a.updatedAt(), b.updatedAt()) || cellText(a, f).equals(cellText(b, f));
            default:
                return cellText(a, f).equals(cellText(b, f));
        }
    }

    private static BigDecimal money(InventoryRecord r, CanonicalField f) {
        return switch (f) {
            case COST -> r.cost();
            case MAP_PRICE -> r.mapPrice();
            case PRICE -> r.price();
            default -> r.msrp();
        };
    }

    /** A cell as the merged file writes it, before formula escaping (docs/CONTRACT.md#output-csv-format). */
    static String cellText(InventoryRecord r, CanonicalField f) {
        String text = switch (f) {
            case SKU -> r.sku();
            case VENDOR_SKU -> r.vendorSku();
            case VENDOR_ID -> r.vendorId();
            case QUANTITY_AVAILABLE -> Long.toString(r.quantityAvailable());
            case LEAD_TIME_DAYS -> r.leadTimeDays() == null ? null : r.leadTimeDays().toString();
            case COST, MAP_PRICE, PRICE, MSRP -> CellFormatter.money(r, f);
            case CONDITION -> r.condition();
            case BRAND -> r.brand();
            case TITLE -> r.title();
            case UPDATED_AT -> CellFormatter.timestamp(r.updatedAt());
        };
        return text == null ? "" : text;
    }
}
