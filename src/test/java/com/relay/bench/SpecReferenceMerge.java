package com.relay.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately plain, row-at-a-time Java transcription of docs/CONTRACT.md#row-parsing-and-row-errors, docs/CONTRACT.md#merge-best-offer, docs/CONTRACT.md#pricing and docs/CONTRACT.md#output-csv-format (the
 * Java formulation of docs/CONTRACT.md#pricing included), used by tests to cross-check the DuckDB SQL on generated
 * data. Supports the columns and default sort order the generator uses.
 */
final class SpecReferenceMerge {

    private static final MathContext MC = new MathContext(28, RoundingMode.HALF_EVEN); // docs/CONTRACT.md#conventions

    private record Offer(String sku, String vendorId, int vendorIndex, long row, long qty, Long lead,
                         BigDecimal cost, String costText, BigDecimal map, String mapText, String title, String brand) {}

    private SpecReferenceMerge() {}

    static String merge(BenchConfig config, Map<String, Path> files) throws IOException {
        Map<String, Offer> best = new HashMap<>();
        Comparator<Offer> order = Comparator
                .comparing((Offer o) -> o.qty() == 0)                                   // in_stock_desc
                .thenComparing(o -> o.cost() == null)                                    // cost-less last
                .thenComparing(o -> o.cost() == null ? BigDecimal.ZERO : o.cost())       // lowest_landed_cost
                .thenComparing(Offer::vendorId, DuckDbMerge::compareCodePoints)
                .thenComparingInt(Offer::vendorIndex)
                .thenComparingLong(Offer::row);
        if (!config.sortBy().equals(BenchConfig.DEFAULT_SORT_BY)) {
            throw new IllegalArgumentException("reference supports the default sort_by only");
        }
        for (int v = 0; v < config.vendors().size(); v++) {
            BenchConfig.Vendor vendor = config.vendors().get(v);
            Path file = files.get(vendor.vendorId());
            if (file == null) {
                continue;
            }
            List<List<String>> records = CsvRecords.readAll(file, vendor.delimiter());
            List<String> header = records.get(0);
            for (int r = 1; r < records.size(); r++) {
                List<String> cells = records.get(r);
                String costText = trimmed(cell(cells, header, vendor, "cost"));
                String mapText = trimmed(cell(cells, header, vendor, "map_price"));
                String leadText = trimmed(cell(cells, header, vendor, "lead_time_days"));
                String qtyText = trimmed(cell(cells, header, vendor, "quantity_available"));
                Offer offer = new Offer(trimmed(cell(cells, header, vendor, "sku")), vendor.vendorId(), v, r,
                        qtyText == null ? 0 : Long.parseLong(qtyText),
                        leadText == null ? null : Long.parseLong(leadText),
                        costText == null ? null : new BigDecimal(costText), costText,
                        mapText == null ? null : new BigDecimal(mapText), mapText,
                        cell(cells, header, vendor, "title"), cell(cells, header, vendor, "brand"));
                best.merge(offer.sku(), offer, (a, b) -> order.compare(a, b) <= 0 ? a : b);
            }
        }
        List<Offer> merged = new ArrayList<>(best.values());
        merged.sort(Comparator.comparing(Offer::sku, DuckDbMerge::compareCodePoints));
        StringBuilder out = new StringBuilder(String.join(",", config.columns())).append('\n');
        for (Offer o : merged) {
            List<String> line = new ArrayList<>();
            for (String column : config.columns()) {
                line.add(switch (column) {
                    case "sku" -> quote(o.sku());
                    case "vendor_id" -> quote(o.vendorId());
                    case "title" -> quote(o.title());
                    case "brand" -> quote(o.brand());
                    case "quantity_available" -> Long.toString(o.qty());
                    case "lead_time_days" -> Long.toString(o.lead() == null ? config.fallbackLeadTimeDays() : o.lead());
                    case "cost" -> money(o.cost(), o.costText());
                    case "map_price" -> money(o.map(), o.mapText());
                    case "price" -> o.cost() == null ? "0.00" : money(price(config.pricing(), o.cost(), o.map()), "");
                    default -> throw new IllegalArgumentException("reference does not support column " + column);
                });
            }
            out.append(String.join(",", line)).append('\n');
        }
        return out.toString();
    }

    /** docs/CONTRACT.md#pricing, in the Java formulation the section gives. */
    static BigDecimal price(BenchConfig.Pricing p, BigDecimal cost, BigDecimal map) {
        BigDecimal candidate = cost.add(p.shippingHandlingFlat(), MC).multiply(BigDecimal.ONE.add(p.baseMarginPct(), MC), MC);
        if (candidate.compareTo(p.minPrice()) < 0) {
            candidate = p.minPrice();
        }
        BigDecimal increment = p.increment();
        if (increment.signum() > 0) {
            RoundingMode mode = switch (p.mode()) {
                case "up" -> RoundingMode.CEILING;
                case "down" -> RoundingMode.FLOOR;
                default -> RoundingMode.HALF_UP;
            };
            candidate = candidate.divide(increment, MC).setScale(0, mode).multiply(increment, MC);
            if (candidate.compareTo(p.minPrice()) < 0) {
                candidate = p.minPrice().divide(increment, MC).setScale(0, RoundingMode.CEILING).multiply(increment, MC);
            }
        }
        if (p.ending() != null) {
            BigDecimal e = candidate.setScale(0, RoundingMode.FLOOR).add(p.ending(), MC);
            candidate = e.compareTo(candidate) >= 0 ? e : e.add(BigDecimal.ONE, MC);
        }
        if (p.mapFloorActive() && map != null) {
            candidate = candidate.max(map);
        }
        return candidate;
    }

    private static String cell(List<String> cells, List<String> header, BenchConfig.Vendor vendor, String field) {
        int position = header.lastIndexOf(vendor.sourceColumn(field));
        return position < 0 || position >= cells.size() ? null : cells.get(position);
    }

    private static String trimmed(String cell) {
        if (cell == null) {
            return null;
        }
        int start = 0;
        int end = cell.length();
        while (start < end && DuckDbMerge.WHITESPACE.indexOf(cell.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && DuckDbMerge.WHITESPACE.indexOf(cell.charAt(end - 1)) >= 0) {
            end--;
        }
        return start == end ? null : cell.substring(start, end);
    }

    /** docs/CONTRACT.md#output-csv-format: two decimals half-up; a negative input that rounds to zero keeps its sign. */
    private static String money(BigDecimal value, String text) {
        if (value == null) {
            return "";
        }
        String plain = value.setScale(2, RoundingMode.HALF_UP).toPlainString();
        return text != null && text.startsWith("-") && !plain.startsWith("-") ? "-" + plain : plain;
    }

    private static String quote(String cell) {
        if (cell == null) {
            return "";
        }
        boolean needs = cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0;
        return needs ? '"' + cell.replace("\"", "\"\"") + '"' : cell;
    }
}
