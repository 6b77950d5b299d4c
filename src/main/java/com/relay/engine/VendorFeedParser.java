package com.relay.engine;

import com.relay.tenants.config.TenantConfig;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The input half of the engine for one vendor: decode (docs/CONTRACT.md#decoding) → CSV (docs/CONTRACT.md#csv-dialect) → header check and
 * {@code column_map} (docs/CONTRACT.md#header-check-and-required-columns) → per-row conversion and validation (docs/CONTRACT.md#row-parsing-and-row-errors) → SKU map (docs/CONTRACT.md#sku-map).
 * Streaming: each record or row error goes to the {@link RowSink} as soon as its row is read, so
 * memory does not depend on the file size (docs/CONTRACT.md#orchestration-streaming-and-memory). Stateless and thread-safe.
 *
 * <p>Choices where the contract is silent (documented, tested):
 * <ul>
 *   <li>Integers are {@code long}: a quantity or lead time outside the long range is
 *       {@code invalid int: <cell>}.</li>
 *   <li>An oversized surplus cell (beyond the header) also fails the row; its name in the reason is
 *       {@code null}, the {@code row_data} key of surplus cells.</li>
 *   <li>When the header alone decides the outcome (missing required columns, oversized header field),
 *       the rest of the input is still decoded first, so an undecodable file always fails with
 *       DECODE_ERROR (docs/CONTRACT.md#decoding), wherever the bad byte is.</li>
 * </ul>
 */
public final class VendorFeedParser {

    private static final CanonicalField[] FIELDS = CanonicalField.values();
    /** Run error code of the rows-per-vendor-file quota. */
    public static final String TOO_MANY_ROWS = "VENDOR_FILE_TOO_MANY_ROWS";
    private static final String TOO_LONG_SUFFIX = " exceeds " + CsvRecordReader.MAX_FIELD_LENGTH + " characters";

    /**
     * Parses one vendor feed.
     *
     * @param vendorIndex                  position of the vendor in the configuration
     * @param skuMap                       the vendor's loaded SKU map, or null when none applies
     * @param now                          the run's {@code now} (default {@code updated_at})
     * @param failOnMissingRequiredColumns {@code error_policy.fail_on_missing_required_columns}
     * @return counts of delivered records and error entries
     * @throws EngineFailure DECODE_ERROR, CSV_PARSE_ERROR or missing_required_columns (stage NORMALIZE)
     */
    public VendorParseResult parse(TenantConfig.Vendor vendor, int vendorIndex, InputStream feed,
                                   SkuMapping skuMap, Instant now, boolean failOnMissingRequiredColumns,
                                   RowSink sink) throws EngineFailure, IOException {
        return parse(vendor, vendorIndex, feed, skuMap, now, failOnMissingRequiredColumns, sink, 0);
    }

    /**
     * {@link #parse(TenantConfig.Vendor, int, InputStream, SkuMapping, Instant, boolean, RowSink)} with
     * the RELAY_MAX_ROWS_PER_VENDOR_FILE quota.
     *
     * @param maxRows data rows (records after the header) the file may have; 0 = unlimited
     * @throws EngineFailure also {@value #TOO_MANY_ROWS} as soon as the row after the limit is read
     */
    public VendorParseResult parse(TenantConfig.Vendor vendor, int vendorIndex, InputStream feed,
                                   SkuMapping skuMap, Instant now, boolean failOnMissingRequiredColumns,
                                   RowSink sink, long maxRows) throws EngineFailure, IOException {
        return parse(vendor, vendorIndex, feed, skuMap, now, failOnMissingRequiredColumns, sink, maxRows, null);
    }

    /**
     * {@link #parse(TenantConfig.Vendor, int, InputStream, SkuMapping, Instant, boolean, RowSink, long)} for
     * any {@code parser.format} (docs/ENGINE.md#vendor-file-formats).
     *
     * @param workDir the run's work directory: an xlsx feed is spooled there and its shared strings
     *                spill there (null: java.io.tmpdir)
     * @throws EngineFailure also JSON_PARSE_ERROR, XML_PARSE_ERROR, XLSX_PARSE_ERROR
     */
    public VendorParseResult parse(TenantConfig.Vendor vendor, int vendorIndex, InputStream feed,
                                   SkuMapping skuMap, Instant now, boolean failOnMissingRequiredColumns,
                                   RowSink sink, long maxRows, java.nio.file.Path workDir)
            throws EngineFailure, IOException {
        return parse(vendor, vendorIndex, feed, skuMap, now, failOnMissingRequiredColumns, sink, maxRows, workDir, null);
    }

    /**
     * {@link #parse(TenantConfig.Vendor, int, InputStream, SkuMapping, Instant, boolean, RowSink, long, java.nio.file.Path)}
     * knowing the vendor's previous header: a missing required column then names the new column
     * that most likely replaced it (docs/CONTRACT.md#header-check-and-required-columns).
     *
     * @param previousHeader the columns of the vendor's previous successful run, or null when unknown
     */
    public VendorParseResult parse(TenantConfig.Vendor vendor, int vendorIndex, InputStream feed,
                                   SkuMapping skuMap, Instant now, boolean failOnMissingRequiredColumns,
                                   RowSink sink, long maxRows, java.nio.file.Path workDir, List<String> previousHeader)
            throws EngineFailure, IOException {
        try (FeedRecords records = FeedRecords.open(vendor.parser(), feed, vendor.vendorId(), workDir)) {
            return parse(vendor, vendorIndex, records, skuMap, now, failOnMissingRequiredColumns, sink, maxRows,
                    previousHeader);
        }
    }

    private VendorParseResult parse(TenantConfig.Vendor vendor, int vendorIndex, FeedRecords records,
                                    SkuMapping skuMap, Instant now, boolean failOnMissingRequiredColumns,
                                    RowSink sink, long maxRows, List<String> previousHeader)
            throws EngineFailure, IOException {
        TenantConfig.Parser parser = vendor.parser();
        String vendorId = vendor.vendorId();
        CsvRecordReader reader = records.rows();
        List<String> header = records.readHeader();
        List<String> fileColumns = records.fileColumns(header);
        sink.header(VendorHeader.of(fileColumns)); // docs/CONTRACT.md#vendor-drift
        Map<String, Integer> lastIndexByName = new HashMap<>();
        for (int i = 0; i < header.size(); i++) lastIndexByName.put(header.get(i), i);

        // docs/CONTRACT.md#header-check-and-required-columns: the source column of a field is column_map[f] or f itself; the last duplicate wins.
        Map<String, String> columnMap = parser.columnMap() == null ? Map.of() : parser.columnMap();
        int[] columns = new int[FIELDS.length];
        for (CanonicalField f : FIELDS) {
            String name = columnMap.getOrDefault(f.columnName(), f.columnName());
            columns[f.ordinal()] = lastIndexByName.getOrDefault(name, -1);
        }
        columns[CanonicalField.VENDOR_ID.ordinal()] = -1; // from the configuration, never the file (docs/CONTRACT.md#canonical-record)

        List<String> missing = new ArrayList<>(2);
        for (CanonicalField required : new CanonicalField[] {CanonicalField.SKU, CanonicalField.QUANTITY_AVAILABLE}) {
            if (columns[required.ordinal()] < 0) {
                missing.add(columnMap.getOrDefault(required.columnName(), required.columnName()));
            }
        }
        if (!missing.isEmpty()) {
            records.drainInput(); // an undecodable file fails the run whatever its header says (docs/CONTRACT.md#decoding)
            String text = "missing columns: " + String.join(", ", missing);
            if (!parser.headerless()) {
                text += MissingColumnHints.describe(missing, fileColumns, FeedRecords.fieldNames(parser), previousHeader);
            }
            if (failOnMissingRequiredColumns) {
                throw new EngineFailure("missing_required_columns", "NORMALIZE", text, vendorId);
            }
            sink.error(RowError.vendorLevel(vendorId, text));
            return new VendorParseResult(0, 1);
        }

        RowConverter converter = new RowConverter(reader, header, lastIndexByName, columns, vendorId, vendorIndex,
                skuMap, now);
        long valid = 0;
        long errors = 0;
        long limit = maxRows > 0 ? maxRows : Long.MAX_VALUE;
        while (records.nextRecord()) {
            if (valid + errors >= limit) throw tooManyRows(vendorId, maxRows);
            InventoryRecord record = converter.convert();
            if (record != null) {
                sink.accept(record);
                valid++;
            } else {
                sink.error(converter.error());
                errors++;
            }
        }
        return new VendorParseResult(valid, errors);
    }

    /** The quota's failure: names the limit and the setting (docs/CONFIGURATION.md). */
    static EngineFailure tooManyRows(String vendorId, long maxRows) {
        return new EngineFailure(TOO_MANY_ROWS, "NORMALIZE", "vendor file for " + vendorId + " has more than "
                + maxRows + " rows (limit RELAY_MAX_ROWS_PER_VENDOR_FILE=" + maxRows + ")", vendorId);
    }

    /** Per-vendor state for docs/CONTRACT.md#row-parsing-and-row-errors, reading cells straight from the reader's row buffer. */
    private static final class RowConverter {
        private final CsvRecordReader reader;
        private final List<String> header;
        private final int[] columns;
        private final String vendorId;
        private final int vendorIndex;
        private final SkuMapping skuMap;
        private final Instant now;
        private final CellParsers parsers = new CellParsers();
        /** row_data layout: each header name once, at its first position, reading its last column. */
        private final String[] rowDataNames;
        private final int[] rowDataColumns;

        private RowError error;
        // Trimmed range of the last cell looked at by trimmed().
        private int from;
        private int to;
        // Results of money(): value (null when absent), not finite, negative zero.
        private boolean nonFinite;
        private boolean negativeZero;

        RowConverter(CsvRecordReader reader, List<String> header, Map<String, Integer> lastIndexByName, int[] columns,
                     String vendorId, int vendorIndex, SkuMapping skuMap, Instant now) {
            this.reader = reader;
            this.header = header;
            this.columns = columns;
            this.vendorId = vendorId;
            this.vendorIndex = vendorIndex;
            this.skuMap = skuMap;
            this.now = now;
            Map<String, Integer> layout = new LinkedHashMap<>();
            for (String name : header) layout.putIfAbsent(name, lastIndexByName.get(name));
            rowDataColumns = layout.values().stream().mapToInt(Integer::intValue).toArray();
            // Names are clipped once (RowError.TEXT_LIMIT), not copied whole into every row error;
            // two long names that clip alike stay apart with their column number.
            rowDataNames = new String[rowDataColumns.length];
            java.util.Set<String> taken = new java.util.HashSet<>();
            int k = 0;
            for (String name : layout.keySet()) {
                String shown = RowError.clip(name);
                if (!shown.equals(name) && !taken.add(shown)) shown = shown + " (column " + (rowDataColumns[k] + 1) + ")";
                taken.add(shown);
                rowDataNames[k++] = shown;
            }
        }

        RowError error() { return error; }

        /** @return the valid record, or null after setting {@link #error()} */
        InventoryRecord convert() {
            String recordLimit = reader.recordLimitProblem(); // the whole row is cut: its reason first
            if (recordLimit != null) return fail(recordLimit);
            int oversized = reader.firstOversizedCell();
            if (oversized >= 0) {
                // Surplus cells have no header name; they are listed under "null" in row_data too.
                String name = oversized < header.size() ? RowError.clip(header.get(oversized)) : "null";
                return fail("field too long: " + name + TOO_LONG_SUFFIX);
            }

            // Step 3: conversions in the docs/CONTRACT.md#row-parsing-and-row-errors order, first failure wins.
            long quantity = 0;
            int col = column(CanonicalField.QUANTITY_AVAILABLE);
            if (trimmed(col)) {
                if (!parsers.parseLong(reader.rowChars(), from, to)) return fail("invalid int: " + shownCell(col));
                quantity = parsers.longValue;
            }
            int mask = 0;
            boolean costNonFinite;
            boolean mapNonFinite;
            boolean msrpNonFinite;
            boolean priceNonFinite;
            col = column(CanonicalField.COST);
            if (!money(col)) return invalidDecimal(col);
            BigDecimal cost = parsers.decimalValue;
            costNonFinite = nonFinite;
            if (negativeZero) mask |= InventoryRecord.NEG_ZERO_COST;
            col = column(CanonicalField.MAP_PRICE);
            if (!money(col)) return invalidDecimal(col);
            BigDecimal mapPrice = parsers.decimalValue;
            mapNonFinite = nonFinite;
            if (negativeZero) mask |= InventoryRecord.NEG_ZERO_MAP_PRICE;
            col = column(CanonicalField.MSRP);
            if (!money(col)) return invalidDecimal(col);
            BigDecimal msrp = parsers.decimalValue;
            msrpNonFinite = nonFinite;
            if (negativeZero) mask |= InventoryRecord.NEG_ZERO_MSRP;
            Long leadTime = null;
            col = column(CanonicalField.LEAD_TIME_DAYS);
            if (trimmed(col)) {
                if (!parsers.parseLong(reader.rowChars(), from, to)) return fail("invalid int: " + shownCell(col));
                leadTime = parsers.longValue;
            }
            col = column(CanonicalField.PRICE);
            if (!money(col)) return invalidDecimal(col);
            BigDecimal price = parsers.decimalValue;
            priceNonFinite = nonFinite;
            Instant updatedAt = now; // step 4 default
            col = column(CanonicalField.UPDATED_AT);
            if (trimmed(col)) {
                if (!parsers.parseTimestamp(reader.rowChars(), from, to)) {
                    return fail("invalid datetime: " + shownCell(col));
                }
                updatedAt = parsers.instantValue;
            }

            // Step 4: defaults.
            col = column(CanonicalField.SKU);
            String sku = trimmed(col) ? new String(reader.rowChars(), from, to - from) : "";
            if (price == null || price.signum() == 0) price = BigDecimal.ZERO; // never a negative zero price
            String conditionCell = raw(column(CanonicalField.CONDITION));
            String condition = null;
            boolean conditionValid = true;
            if (conditionCell != null && !conditionCell.isEmpty()) {
                condition = Whitespace.trim(conditionCell).toLowerCase(Locale.ROOT);
                conditionValid = condition.equals("new") || condition.equals("used") || condition.equals("refurb");
            }

            // Step 5: every violation, in canonical field order.
            StringBuilder problems = null;
            if (sku.isEmpty()) problems = append(problems, "sku is required");
            if (quantity < 0) problems = append(problems, "quantity_available must be >= 0");
            if (costNonFinite) problems = append(problems, "cost must be a finite number");
            if (mapNonFinite) problems = append(problems, "map_price must be a finite number");
            if (priceNonFinite) problems = append(problems, "price must be a finite number");
            if (msrpNonFinite) problems = append(problems, "msrp must be a finite number");
            if (!conditionValid) problems = append(problems, "condition must be new, used, or refurb");
            if (problems != null) return fail(problems.toString());

            if (skuMap != null) sku = skuMap.map(sku); // docs/CONTRACT.md#sku-map: valid records only
            return new InventoryRecord(sku, raw(column(CanonicalField.VENDOR_SKU)), vendorId, quantity, leadTime,
                    cost, mapPrice, price, msrp, condition, raw(column(CanonicalField.BRAND)),
                    raw(column(CanonicalField.TITLE)), updatedAt, mask, vendorIndex, reader.recordNumber());
        }

        /** The cell index of a field in the current row, or -1 when the column or the cell is absent. */
        private int column(CanonicalField field) {
            int c = columns[field.ordinal()];
            return c < reader.cellCount() ? c : -1;
        }

        /** Sets {@link #from}/{@link #to} to the trimmed cell; false when absent or empty after trim. */
        private boolean trimmed(int col) {
            if (col < 0) return false;
            char[] a = reader.rowChars();
            from = Whitespace.skipLeading(a, reader.cellStart(col), reader.cellEnd(col));
            to = Whitespace.skipTrailing(a, from, reader.cellEnd(col));
            return from < to;
        }

        /** Decimal cell → parsers.decimalValue (null when absent or non-finite); false when invalid. */
        private boolean money(int col) {
            nonFinite = false;
            negativeZero = false;
            parsers.decimalValue = null;
            if (!trimmed(col)) return true;
            switch (parsers.parseDecimal(reader.rowChars(), from, to)) {
                case INVALID:
                case OUT_OF_RANGE:
                    return false;
                case NON_FINITE:
                    nonFinite = true;
                    parsers.decimalValue = null;
                    return true;
                default:
                    negativeZero = parsers.decimalNegative && parsers.decimalValue.signum() == 0;
                    return true;
            }
        }

        private InventoryRecord invalidDecimal(int col) {
            if (parsers.decimalKind == CellParsers.DecimalKind.OUT_OF_RANGE) {
                return fail("decimal out of range: " + shownCell(col) + CellParsers.OUT_OF_RANGE_LIMIT);
            }
            return fail("invalid decimal: " + shownCell(col));
        }

        private String raw(int col) {
            return col < 0 ? null : reader.cell(col);
        }

        private static StringBuilder append(StringBuilder sb, String problem) {
            if (sb == null) return new StringBuilder(problem);
            return sb.append("; ").append(problem);
        }

        private InventoryRecord fail(String reason) {
            // Capped (RowError): each text clipped, and cells past the entry's text budget only counted.
            Map<String, Object> rowData = new LinkedHashMap<>();
            int cells = reader.cellCount();
            long budget = RowError.ROW_DATA_TEXT_BUDGET;
            long omitted = 0;
            for (int k = 0; k < rowDataNames.length; k++) {
                int c = rowDataColumns[k];
                String value = c < cells ? shownCell(c) : null;
                long cost = cost(rowDataNames[k], value);
                if (omitted > 0 || cost > budget) {
                    omitted++;
                    continue;
                }
                budget -= cost;
                rowData.put(rowDataNames[k], value);
            }
            if (cells > header.size()) {
                List<String> surplus = new ArrayList<>();
                for (int c = header.size(); c < cells; c++) {
                    String value = omitted > 0 ? null : shownCell(c);
                    long cost = cost(null, value);
                    if (omitted > 0 || cost > budget) {
                        omitted++;
                        continue;
                    }
                    budget -= cost;
                    surplus.add(value);
                }
                if (!surplus.isEmpty() || omitted == 0) {
                    rowData.remove("null");
                    rowData.put("null", surplus);
                }
            }
            if (omitted > 0) rowData.put(RowError.OMITTED_CELLS_KEY, omitted + " more cells not shown");
            error = new RowError(vendorId, reader.recordNumber(), reason, rowData);
            return null;
        }

        private static long cost(String name, String value) {
            long chars = (name == null ? 0 : name.length()) + (value == null ? 0 : value.length());
            return Math.max(RowError.MIN_CELL_COST, chars);
        }

        /**
         * The cell as row_data shows it (docs/CONTRACT.md#row-parsing-and-row-errors, oversized cells as the reader displays them),
         * clipped to RowError.TEXT_LIMIT without copying more than that from the row buffer.
         */
        private String shownCell(int c) {
            if (reader.isOversized(c)) return RowError.clip(reader.displayCell(c));
            int start = reader.cellStart(c);
            int len = reader.cellEnd(c) - start;
            if (len <= RowError.TEXT_LIMIT) return new String(reader.rowChars(), start, len);
            int keep = RowError.TEXT_LIMIT;
            if (Character.isHighSurrogate(reader.rowChars()[start + keep - 1])) keep--;
            return new String(reader.rowChars(), start, keep) + RowError.TRUNCATED;
        }
    }
}
