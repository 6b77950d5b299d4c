package com.relay.engine;

import com.relay.tenants.config.TenantConfig;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One vendor feed as a header and rows of cells, whatever its format (docs/ENGINE.md#vendor-file-formats):
 * csv and tsv through {@link CsvRecordReader} itself, xlsx, json, xml and fixed_width by readers that
 * lay each row out in a {@link CsvRecordReader#rowStore row store}. {@link VendorFeedParser} turns the
 * rows into canonical records the same way for every format, so the same data merges to the same
 * output whatever format it arrives in. Every reader streams: one row at a time.
 */
interface FeedRecords extends Closeable {

    /** Where the current row's cells are (after {@link #nextRecord()} returned true). */
    CsvRecordReader rows();

    /** The header names, before the first {@link #nextRecord()}; positions are cell indexes. */
    List<String> readHeader() throws IOException, EngineFailure;

    /**
     * The column names the file itself shows (docs/CONTRACT.md#vendor-drift), after {@link #readHeader}:
     * the header, except for json and xml, whose header is what the configuration reads; they give
     * the names their first record has.
     */
    default List<String> fileColumns(List<String> header) {
        return header;
    }

    /** Advances to the next row; false at the end of the records. */
    boolean nextRecord() throws IOException, EngineFailure;

    /**
     * Reads the rest of the input without converting rows, when the header alone decided the
     * outcome: an undecodable or broken file fails whatever its header says (docs/CONTRACT.md#decoding).
     */
    void drainInput() throws IOException, EngineFailure;

    @Override
    default void close() throws IOException {}

    /**
     * Opens the reader of the vendor's {@code parser.format}.
     *
     * @param workDir where an xlsx feed is spooled to a file and its shared strings spill (null: java.io.tmpdir)
     */
    static FeedRecords open(TenantConfig.Parser parser, InputStream feed, String vendorId, Path workDir)
            throws IOException, EngineFailure {
        String format = parser.format() == null ? "csv" : parser.format();
        return switch (format) {
            case "xlsx" -> XlsxRecords.open(feed, parser, vendorId, workDir);
            case "json" -> JsonRecords.open(feed, parser.encoding(), parser.recordsPath(), fieldNames(parser),
                    requiredNames(parser), vendorId);
            case "xml" -> XmlRecords.open(feed, parser.encoding(), parser.recordPath(), fieldNames(parser),
                    requiredNames(parser), vendorId);
            case "fixed_width" -> new FixedWidthRecords(FeedDecoder.open(feed, parser.encoding(), vendorId, false),
                    parser.columns(), vendorId);
            default -> new CsvFeedRecords(new CsvRecordReader(FeedDecoder.open(feed, parser.encoding(), vendorId, false),
                    parser.delimiter(), vendorId, false), parser.headerless() ? headerlessColumns(parser) : -1);
        };
    }

    /**
     * The names json and xml records are read by: for each canonical field but vendor_id (always
     * the configuration's), its column_map value or its own name, once each, in canonical order.
     */
    static List<String> fieldNames(TenantConfig.Parser parser) {
        Map<String, String> columnMap = parser.columnMap() == null ? Map.of() : parser.columnMap();
        List<String> names = new ArrayList<>();
        for (CanonicalField f : CanonicalField.values()) {
            if (f == CanonicalField.VENDOR_ID) continue;
            String name = columnMap.getOrDefault(f.columnName(), f.columnName());
            if (!names.contains(name)) names.add(name);
        }
        return names;
    }

    /** The source names of sku and quantity_available (docs/CONTRACT.md#header-check-and-required-columns). */
    static Set<String> requiredNames(TenantConfig.Parser parser) {
        Map<String, String> columnMap = parser.columnMap() == null ? Map.of() : parser.columnMap();
        return Set.of(columnMap.getOrDefault("sku", "sku"),
                columnMap.getOrDefault("quantity_available", "quantity_available"));
    }

    /** csv/tsv without a header: as many columns as the highest column number column_map names. */
    private static int headerlessColumns(TenantConfig.Parser parser) {
        int columns = 0;
        for (String n : parser.columnMap().values()) columns = Math.max(columns, Integer.parseInt(n));
        return columns;
    }
}
