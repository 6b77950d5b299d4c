package com.relay.engine;

import com.github.pjfanning.xlsx.SharedStringsImplementationType;
import com.github.pjfanning.xlsx.StreamingReader;
import com.relay.tenants.config.TenantConfig;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.poi.openxml4j.util.ZipSecureFile;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.FormulaError;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.util.DefaultTempFileCreationStrategy;
import org.apache.poi.util.TempFile;
import org.apache.poi.util.TempFileCreationStrategy;

/**
 * An xlsx feed (docs/ENGINE.md#vendor-file-formats), read with excel-streaming-reader over Apache POI: the
 * upload is spooled to a file in the run's work directory, the sheet's XML is read a few rows at a
 * time ({@value #ROW_CACHE} rows cached) and the shared-strings table lives in a temp file there too,
 * so neither the file nor its strings are held in memory. POI's zip-bomb guards apply (an entry
 * inflating more than {@value #MIN_INFLATE_RATIO_DENOMINATOR} times its compressed size, or past
 * {@link #MAX_ENTRY_SIZE} bytes). A file that is not an xlsx, a bomb, a missing sheet fail the
 * vendor with {@code XLSX_PARSE_ERROR}.
 *
 * <p>Cells become the text the same data has in a csv: strings as they are, numbers as the shortest
 * decimal of the stored double without exponent or a trailing {@code .0} ({@code 3}, {@code 12.5}),
 * a number in the updated_at column as the date it is in Excel's date system, written
 * {@code yyyy-MM-dd HH:mm:ss} (Excel dates have no zone: like every updated_at cell, read as UTC,
 * docs/CONTRACT.md#row-parsing-and-row-errors; rounded to the second), booleans {@code TRUE}/{@code FALSE}, error values as Excel shows them
 * ({@code #N/A}), formulas as their cached result. Rows keep their sheet numbers (header_row 1 → the
 * first data row is row 2); rows without a non-blank cell are skipped, like empty csv lines.
 */
final class XlsxRecords implements FeedRecords {
    static final String ERROR_CODE = "XLSX_PARSE_ERROR";
    static final int ROW_CACHE = 10;
    /** An entry inflating to more than 100x its compressed size is taken for a zip bomb (POI's default, made explicit). */
    static final int MIN_INFLATE_RATIO_DENOMINATOR = 100;
    /** The largest inflated entry (a sheet's XML) read: 4 GiB, POI's default, made explicit. */
    static final long MAX_ENTRY_SIZE = 0xFFFFFFFFL;
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

    /** The directory POI's temp files (the shared-strings store) go to while this thread opens a workbook. */
    private static final ThreadLocal<Path> TEMP_DIR = new ThreadLocal<>();

    static {
        ZipSecureFile.setMinInflateRatio(1.0 / MIN_INFLATE_RATIO_DENOMINATOR);
        ZipSecureFile.setMaxEntrySize(MAX_ENTRY_SIZE);
        TempFileCreationStrategy fallback = new DefaultTempFileCreationStrategy();
        TempFile.setTempFileCreationStrategy(new TempFileCreationStrategy() {
            @Override
            public File createTempFile(String prefix, String suffix) throws IOException {
                Path dir = TEMP_DIR.get();
                return dir == null ? fallback.createTempFile(prefix, suffix)
                        : Files.createTempFile(dir, "relay-poi-" + prefix, suffix).toFile();
            }

            @Override
            public File createTempDirectory(String prefix) throws IOException {
                Path dir = TEMP_DIR.get();
                return dir == null ? fallback.createTempDirectory(prefix)
                        : Files.createTempDirectory(dir, "relay-poi-" + prefix).toFile();
            }
        });
    }

    private final String vendorId;
    private final Path spooled;
    private final Workbook workbook;
    private final Iterator<Row> sheetRows;
    private final int headerIndex;
    private final CsvRecordReader rows;
    /** The source name of updated_at (column_map or its own name), and its column once the header is read. */
    private final String updatedAtName;
    private int dateColumn = -1;
    private int headerSize;
    private Row pending;

    private XlsxRecords(String vendorId, Path spooled, Workbook workbook, Iterator<Row> sheetRows, int headerIndex,
                        String updatedAtName) {
        this.vendorId = vendorId;
        this.updatedAtName = updatedAtName;
        this.spooled = spooled;
        this.workbook = workbook;
        this.sheetRows = sheetRows;
        this.headerIndex = headerIndex;
        this.rows = CsvRecordReader.rowStore(vendorId);
    }

    static XlsxRecords open(InputStream feed, TenantConfig.Parser parser, String vendorId, Path workDir)
            throws IOException, EngineFailure {
        Path dir = workDir != null ? workDir : Path.of(System.getProperty("java.io.tmpdir"));
        Path spooled = Files.createTempFile(dir, "relay-feed-", ".xlsx");
        Workbook workbook = null;
        try {
            // a read failure of the feed itself stays an IOException (retryable, like any fetch)
            Files.copy(feed, spooled, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(spooled);
            throw e;
        }
        try {
            if (Files.size(spooled) == 0) throw failure(vendorId, "the file is empty");
            TEMP_DIR.set(dir);
            try {
                workbook = StreamingReader.builder()
                        .rowCacheSize(ROW_CACHE)
                        .bufferSize(64 * 1024)
                        .setSharedStringsImplementationType(SharedStringsImplementationType.TEMP_FILE_BACKED)
                        .setEncryptSstTempFile(false)
                        .setReadComments(false)
                        .setReadHyperlinks(false)
                        .setReadShapes(false)
                        .setReadSharedFormulas(false)
                        // cell styles are not read: formatting every number through them made
                        // reading 2.5x slower (bench/run formats), and only updated_at needs to
                        // know a date, which its column says
                        .setReadStyles(false)
                        .open(spooled.toFile());
            } finally {
                TEMP_DIR.remove();
            }
            Sheet sheet = sheet(workbook, parser, vendorId);
            int headerRow = parser.headerRow() == null ? 1 : parser.headerRow();
            String updatedAt = parser.columnMap() == null ? "updated_at"
                    : parser.columnMap().getOrDefault("updated_at", "updated_at");
            return new XlsxRecords(vendorId, spooled, workbook, sheet.rowIterator(), headerRow - 1, updatedAt);
        } catch (EngineFailure f) {
            closeQuietly(workbook, spooled);
            throw f;
        } catch (IOException | RuntimeException e) {
            closeQuietly(workbook, spooled);
            throw failure(vendorId, describe(e));
        }
    }

    private static Sheet sheet(Workbook workbook, TenantConfig.Parser parser, String vendorId) throws EngineFailure {
        int count = workbook.getNumberOfSheets();
        if (parser.sheetName() != null) {
            try {
                Sheet sheet = workbook.getSheet(parser.sheetName());
                if (sheet != null) return sheet;
            } catch (RuntimeException missing) {
                // the streaming workbook throws MissingSheetException: named below, with the sheets there are
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < Math.min(count, 20); i++) names.add(workbook.getSheetName(i));
            throw failure(vendorId, "no sheet named '" + RowError.clip(parser.sheetName()) + "' (sheets: "
                    + RowError.clip(String.join(", ", names)) + (count > 20 ? ", ..." : "") + ")");
        }
        int index = parser.sheetIndex() == null ? 1 : parser.sheetIndex();
        if (index > count) {
            throw failure(vendorId, "no sheet " + index + ": the workbook has " + count + " sheet" + (count == 1 ? "" : "s"));
        }
        return workbook.getSheetAt(index - 1);
    }

    @Override
    public CsvRecordReader rows() { return rows; }

    @Override
    public List<String> readHeader() throws EngineFailure {
        try {
            while (sheetRows.hasNext()) {
                Row row = sheetRows.next();
                if (row.getRowNum() < headerIndex) continue;
                if (row.getRowNum() > headerIndex) {
                    pending = row; // the header row is empty: no columns (as an empty csv header line)
                    return List.of();
                }
                List<String> header = new ArrayList<>();
                layOut(row);
                for (int i = 0; i < rows.cellCount(); i++) header.add(rows.cell(i));
                dateColumn = header.lastIndexOf(updatedAtName); // the last duplicate is the one read
                headerSize = header.size();
                return header;
            }
            return List.of();
        } catch (RuntimeException e) {
            throw failure(vendorId, describe(e));
        }
    }

    @Override
    public boolean nextRecord() throws EngineFailure {
        try {
            while (true) {
                Row row;
                if (pending != null) {
                    row = pending;
                    pending = null;
                } else if (sheetRows.hasNext()) {
                    row = sheetRows.next();
                } else {
                    return false;
                }
                if (layOut(row)) return true;
            }
        } catch (RuntimeException e) {
            throw failure(vendorId, describe(e));
        }
    }

    /** The row's cells into the row store, gaps as empty cells; false when no cell has a value. */
    private boolean layOut(Row row) {
        rows.beginRow(row.getRowNum() + 1L);
        int next = 0;
        boolean any = false;
        for (Cell cell : row) {
            int column = cell.getColumnIndex(); // below 16,384 in any workbook: the row store's cell limit
            for (; next < column; next++) rows.addCell("");
            String text = column == dateColumn && cellType(cell) == CellType.NUMERIC ? date(cell) : text(cell);
            any |= !text.isEmpty();
            rows.addCell(text);
            next = column + 1;
        }
        // trailing blank cells are not stored in a sheet; a csv export of it has them, empty
        for (; next < headerSize; next++) rows.addCell("");
        return any;
    }

    /** The cell as the same data reads in a csv (see the class comment). */
    static String text(Cell cell) {
        return switch (cellType(cell)) {
            case STRING -> cell.getStringCellValue();
            case NUMERIC -> number(cell.getNumericCellValue());
            case BOOLEAN -> cell.getBooleanCellValue() ? "TRUE" : "FALSE";
            case ERROR -> FormulaError.forInt(cell.getErrorCellValue()).getString();
            default -> "";
        };
    }

    private static CellType cellType(Cell cell) {
        CellType type = cell.getCellType();
        return type == CellType.FORMULA ? cell.getCachedFormulaResultType() : type;
    }

    /** An Excel date serial (the workbook's 1900 or 1904 system) as the contract's timestamp text. */
    private static String date(Cell cell) {
        LocalDateTime t = cell.getLocalDateTimeCellValue().plusNanos(500_000_000L).truncatedTo(ChronoUnit.SECONDS);
        return TIMESTAMP.format(t);
    }

    /** The shortest decimal that reads back as {@code d}, plain, without trailing zeros: 3, 12.5, 0.001. */
    static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) return Double.toString(d);
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    @Override
    public void drainInput() throws EngineFailure {
        try {
            while (sheetRows.hasNext()) sheetRows.next();
        } catch (RuntimeException e) {
            throw failure(vendorId, describe(e));
        }
    }

    @Override
    public void close() throws IOException {
        closeQuietly(workbook, spooled);
    }

    private static void closeQuietly(Workbook workbook, Path spooled) {
        try {
            if (workbook != null) workbook.close();
        } catch (IOException | RuntimeException ignored) {
            // the temp files are in the run's work directory, which is removed with the run
        }
        try {
            Files.deleteIfExists(spooled);
        } catch (IOException ignored) {
            // as above
        }
    }

    /** The innermost message that says something (POI wraps), without class names. */
    private static String describe(Throwable e) {
        String message = null;
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) message = c.getMessage();
        }
        if (message == null) return "not a readable xlsx file";
        if (message.contains("Zip bomb detected")) {
            return "zip bomb detected: an entry expands more than " + MIN_INFLATE_RATIO_DENOMINATOR
                    + " times its compressed size or past " + MAX_ENTRY_SIZE + " bytes";
        }
        if (message.contains("No valid entries or contents found") || message.contains("not a valid OOXML")
                || message.contains("Zip") || message.contains("zip")) {
            return "not an xlsx file (" + RowError.clip(message.replaceAll("\\s+", " ")) + ")";
        }
        return RowError.clip(message.replaceAll("\\s+", " "));
    }

    private static EngineFailure failure(String vendorId, String what) {
        return new EngineFailure(ERROR_CODE, "NORMALIZE", "xlsx parse error for vendor " + vendorId + ": " + what, vendorId);
    }
}
