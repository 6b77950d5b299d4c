package com.relay.engine;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Reads back a CSV this engine wrote (a merged file, a {@code feed_state.csv}, docs/CONTRACT.md#output-csv-format):
 * a header naming canonical columns in any order and subset, plus named extra columns; other
 * columns are ignored. Streaming, one row at a time, through the vendor feeds' {@link CsvRecordReader}
 * and {@link CellParsers}. A field whose column the header lacks is null (quantity 0, see
 * {@link #has}). A malformed file is an {@link EngineFailure} with the caller's code and stage,
 * its message naming {@code label} and the row.
 */
public final class CanonicalCsvReader implements AutoCloseable {

    private final InputStream in;
    private final CsvRecordReader reader;
    private final String label;
    private final String errorCode;
    private final String stage;
    private final CellParsers cells = new CellParsers();
    private final int[] columnOf = new int[CanonicalField.values().length];
    private final Set<CanonicalField> present = EnumSet.noneOf(CanonicalField.class);
    private final List<String> extraNames;
    private final int[] extraColumn;
    /** Most rows share one updated_at (their run's now): parse its text once. */
    private String lastTimestampText;
    private Instant lastTimestamp;

    /**
     * Opens {@code in} (UTF-8, an optional BOM) and reads its header.
     *
     * @param extraNames non-canonical columns the caller reads with {@link #extra}
     */
    public CanonicalCsvReader(InputStream in, String label, String errorCode, String stage, List<String> extraNames)
            throws IOException, EngineFailure {
        this.in = in;
        this.label = label;
        this.errorCode = errorCode;
        this.stage = stage;
        this.extraNames = List.copyOf(extraNames);
        this.extraColumn = new int[extraNames.size()];
        Arrays.fill(columnOf, -1);
        Arrays.fill(extraColumn, -1);
        this.reader = new CsvRecordReader(FeedDecoder.open(in, "utf-8", label, false), ',', label, false);
        List<String> header;
        try {
            header = reader.readHeader();
        } catch (EngineFailure f) {
            throw failure(f.getMessage());
        }
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).trim();
            var field = CanonicalField.fromColumnName(name);
            int extra = this.extraNames.indexOf(name);
            if (field.isPresent()) {
                if (!present.add(field.get())) throw failure("column " + name + " appears twice in the header");
                columnOf[field.get().ordinal()] = i;
            } else if (extra >= 0) {
                if (extraColumn[extra] >= 0) throw failure("column " + name + " appears twice in the header");
                extraColumn[extra] = i;
            }
        }
    }

    /** Whether the header has the column of {@code field}. */
    public boolean has(CanonicalField field) {
        return present.contains(field);
    }

    /** The canonical columns the header has. */
    public Set<CanonicalField> columns() {
        return EnumSet.copyOf(present);
    }

    /** The next row as a record, or null at the end; {@code vendorIndex} is 0, {@code rowNumber} the CSV row. */
    public InventoryRecord next() throws IOException, EngineFailure {
        try {
            if (!reader.nextRecord()) return null;
        } catch (EngineFailure f) {
            throw failure(f.getMessage());
        }
        if (reader.recordLimitProblem() != null) throw failure("row " + reader.recordNumber() + ": " + reader.recordLimitProblem());
        int mask = 0;
        BigDecimal cost = money(CanonicalField.COST);
        if (cost != null && cost.signum() == 0 && cells.decimalNegative) mask |= InventoryRecord.NEG_ZERO_COST;
        BigDecimal mapPrice = money(CanonicalField.MAP_PRICE);
        if (mapPrice != null && mapPrice.signum() == 0 && cells.decimalNegative) mask |= InventoryRecord.NEG_ZERO_MAP_PRICE;
        BigDecimal price = money(CanonicalField.PRICE);
        BigDecimal msrp = money(CanonicalField.MSRP);
        if (msrp != null && msrp.signum() == 0 && cells.decimalNegative) mask |= InventoryRecord.NEG_ZERO_MSRP;
        Long quantity = integer(CanonicalField.QUANTITY_AVAILABLE);
        return new InventoryRecord(text(CanonicalField.SKU), text(CanonicalField.VENDOR_SKU), text(CanonicalField.VENDOR_ID),
                quantity == null ? 0 : quantity, integer(CanonicalField.LEAD_TIME_DAYS), cost, mapPrice, price, msrp,
                text(CanonicalField.CONDITION), text(CanonicalField.BRAND), text(CanonicalField.TITLE),
                timestamp(CanonicalField.UPDATED_AT), mask, 0, reader.recordNumber());
    }

    /** The current row's cell of the extra column {@code name}; null when the header lacks it or the cell is empty. */
    public String extra(String name) {
        int i = extraNames.indexOf(name);
        if (i < 0) throw new IllegalArgumentException("not an extra column: " + name);
        int column = extraColumn[i];
        if (column < 0 || column >= reader.cellCount()) return null;
        String value = reader.cell(column);
        return value.isEmpty() ? null : value;
    }

    /** The CSV row number of the current row (header = 1). */
    public long rowNumber() {
        return reader.recordNumber();
    }

    /** A failure of this file with the caller's code: {@code <label>: <detail>}. */
    public EngineFailure failure(String detail) {
        return new EngineFailure(errorCode, stage, label + ": " + detail, null);
    }

    private String text(CanonicalField field) {
        int column = columnOf[field.ordinal()];
        if (column < 0 || column >= reader.cellCount()) return null;
        String value = reader.cell(column);
        return value.isEmpty() ? null : value;
    }

    private Long integer(CanonicalField field) throws EngineFailure {
        int column = columnOf[field.ordinal()];
        if (column < 0 || column >= reader.cellCount()) return null;
        int from = reader.cellStart(column);
        int to = reader.cellEnd(column);
        if (from == to) return null;
        if (!cells.parseLong(reader.rowChars(), from, to)) throw badCell(field, "an integer");
        return cells.longValue;
    }

    private BigDecimal money(CanonicalField field) throws EngineFailure {
        cells.decimalNegative = false;
        int column = columnOf[field.ordinal()];
        if (column < 0 || column >= reader.cellCount()) return null;
        int from = reader.cellStart(column);
        int to = reader.cellEnd(column);
        if (from == to) return null;
        if (cells.parseDecimal(reader.rowChars(), from, to) != CellParsers.DecimalKind.FINITE) throw badCell(field, "a decimal");
        return cells.decimalValue;
    }

    private Instant timestamp(CanonicalField field) throws EngineFailure {
        String value = text(field);
        if (value == null) return null;
        if (value.equals(lastTimestampText)) return lastTimestamp;
        try {
            lastTimestamp = Instant.parse(value); // the writer's form: YYYY-MM-DDTHH:MM:SS[.ffffff]Z
            lastTimestampText = value;
            return lastTimestamp;
        } catch (DateTimeParseException e) {
            throw badCell(field, "a timestamp such as 2020-01-01T00:00:00Z");
        }
    }

    private EngineFailure badCell(CanonicalField field, String expected) {
        return failure("row " + reader.recordNumber() + ": " + field.columnName() + " '" + reader.displayCell(columnOf[field.ordinal()])
                + "' is not " + expected);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
