package com.relay.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The benchmark baseline: the same merged CSV as Relay's engine (docs/CONTRACT.md#csv-dialect to docs/CONTRACT.md#output-csv-format), computed by
 * DuckDB over the same vendor files and tenant configuration. DuckDB does the parsing, casting,
 * merging, pricing, formatting of every cell and the final sort; Java only reads the header lines
 * (to map names to positions, docs/CONTRACT.md#header-check-and-required-columns) and writes the lines DuckDB returns.
 *
 * <p>Exactness: money is held as integers in units of 10^-6 (input cells, BIGINT) and 10^-12
 * (prices, HUGEINT), so
 * every step is exact integer arithmetic; DuckDB's DECIMAL division (which returns DOUBLE) is never
 * used. Half-up rounding to the increment is {@code (2c + i) div 2i}, valid because a candidate is
 * never negative after the min_price floor. For the values the baseline accepts (≤ 12 integer and
 * ≤ 6 fraction digits) this equals the 28-digit half-even context of docs/CONTRACT.md#conventions followed by the
 * explicit rounding of docs/CONTRACT.md#pricing: no intermediate value has more than 28 significant digits, and no
 * exact quotient lies within 10^-27 of a rounding boundary without being on it.
 *
 * <p>Not modelled (the run fails with a message instead of silently differing): row errors (the
 * baseline needs valid input), cell syntax beyond plain ASCII decimals (underscores, exponents,
 * Unicode digits), {@code condition} and {@code updated_at} input columns, SKU maps, encodings
 * other than UTF-8, irregular CSV (quotes in the middle of a field, short or long rows: DuckDB's parallel reader
 * cannot pad short rows when quoted fields contain line breaks, and line breaks matter more).
 */
public final class DuckDbMerge {

    /** docs/CONTRACT.md#conventions whitespace set, used for every trim. */
    static final String WHITESPACE = "\u0009\n\u000B\u000C\r\u001C\u001D\u001E\u001F\u0020\u0085\u00A0\u1680"
            + "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000";

    private static final String INT_RE = "[+-]?[0-9]{1,18}";
    private static final String NON_NEGATIVE_INT_RE = "[+]?[0-9]{1,18}|-0{1,18}";
    private static final String DECIMAL_RE = "[+-]?([0-9]{1,12}(\\.[0-9]{0,6})?|\\.[0-9]{1,6})";
    private static final BigInteger E6 = BigInteger.TEN.pow(6);
    private static final BigInteger E12 = BigInteger.TEN.pow(12);
    private static final List<String> TEXT = List.of("sku", "vendor_sku", "vendor_id", "condition", "brand", "title");

    /** Options of one merge. */
    public record Options(int threads, String memoryLimit, Path tempDir) {
        public Options {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1");
            }
        }
    }

    private DuckDbMerge() {}

    /**
     * Merges {@code vendorFiles} (vendor_id → file; vendors of the configuration without a file
     * are skipped, as missing vendors are, docs/CONTRACT.md#missing-vendors) and writes the merged CSV to {@code output}.
     *
     * @return the number of merged rows written
     */
    public static long merge(BenchConfig config, Map<String, Path> vendorFiles, Instant now, Path output,
                             Options options) throws IOException, SQLException {
        String sql = buildSql(config, vendorFiles, now);
        Properties props = new Properties();
        props.setProperty("jdbc_stream_results", "true");
        long rows = 0;
        Path parent = output.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:", props);
             Statement statement = connection.createStatement()) {
            statement.execute("SET threads = " + options.threads());
            if (options.memoryLimit() != null) {
                statement.execute("SET memory_limit = " + literal(options.memoryLimit()));
            }
            Path temp = options.tempDir() != null ? options.tempDir() : parent.resolve(".duckdb_tmp");
            statement.execute("SET temp_directory = " + literal(temp.toAbsolutePath().toString()));
            for (String macro : macros()) {
                statement.execute(macro);
            }
            try (ResultSet result = statement.executeQuery(sql);
                 Writer out = new BufferedWriter(
                         new OutputStreamWriter(Files.newOutputStream(output), StandardCharsets.UTF_8), 1 << 20)) {
                out.write(String.join(",", config.columns())); // docs/CONTRACT.md#output-csv-format rule 4
                out.write('\n');
                while (result.next()) {
                    out.write(result.getString(1));
                    out.write('\n'); // docs/CONTRACT.md#output-csv-format rule 6: LF after every line
                    rows++;
                }
            }
        } catch (SQLException e) {
            throw new SQLException("DuckDB baseline failed: " + firstLines(e.getMessage(), 3), e);
        }
        return rows;
    }

    /** Helper macros (session-local). */
    static List<String> macros() {
        return List.of(
                "CREATE OR REPLACE TEMP MACRO ws_trim(s) AS nullif(trim(s, " + literal(WHITESPACE) + "), '')",
                // docs/CONTRACT.md#output-csv-format: money rounded half-up (away from zero) to 2 places; sign remembered
                // separately so that a negative zero prints -0.00.
                "CREATE OR REPLACE TEMP MACRO money(u, unit, neg) AS CASE WHEN u IS NULL THEN '' ELSE "
                        + "(CASE WHEN neg THEN '-' ELSE '' END) "
                        + "|| CAST((abs(u) + unit // 2) // unit // 100 AS VARCHAR) || '.' "
                        + "|| lpad(CAST((abs(u) + unit // 2) // unit % 100 AS VARCHAR), 2, '0') END",
                // docs/CONTRACT.md#output-csv-format rule 5: quote when the cell contains , \" LF or CR; double inner quotes.
                "CREATE OR REPLACE TEMP MACRO csv_cell(s) AS CASE WHEN s IS NULL THEN '' "
                        + "WHEN contains(s, ',') OR contains(s, '\"') OR contains(s, chr(10)) OR contains(s, chr(13)) "
                        + "THEN '\"' || replace(s, '\"', '\"\"') || '\"' ELSE s END",
                // docs/CONTRACT.md#output-csv-format escape_formulas
                "CREATE OR REPLACE TEMP MACRO formula_safe(s) AS CASE WHEN s IS NOT NULL AND s <> '' "
                        + "AND left(s, 1) IN ('=', '+', '-', '@') THEN '''' || s ELSE s END");
    }

    /** The whole query: one VARCHAR column holding each merged CSV line, sorted by sku. */
    static String buildSql(BenchConfig config, Map<String, Path> vendorFiles, Instant now) throws IOException {
        for (String id : vendorFiles.keySet()) {
            if (config.vendors().stream().noneMatch(v -> v.vendorId().equals(id))) {
                throw new IllegalArgumentException("unknown vendor '" + id + "'");
            }
        }
        List<String> scans = new ArrayList<>();
        int[] ranks = vendorRanks(config);
        for (int i = 0; i < config.vendors().size(); i++) {
            BenchConfig.Vendor vendor = config.vendors().get(i);
            Path file = vendorFiles.get(vendor.vendorId());
            if (file != null) {
                scans.add(vendorScan(vendor, i, ranks[i], file));
            }
        }
        if (scans.isEmpty()) {
            throw new IllegalArgumentException("no vendor files given");
        }
        StringBuilder sql = new StringBuilder("WITH raw AS (\n");
        sql.append(String.join("\n  UNION ALL\n", scans)).append("\n),\n");
        sql.append(trimmedCte()).append(",\n");
        sql.append(parsedCte()).append(",\n");
        // One hash-aggregate pass: arg_min over a struct key compares the keys lexicographically;
        // (vendor rank, rn) makes every key unique, so no two offers tie.
        sql.append("agg AS (SELECT sku, arg_min(struct_pack(vendor_id, vendor_sku, qty, lead, cost_u6, cost_neg, "
                + "map_u6, map_neg, price_in_u6, price_in_neg, msrp_u6, msrp_neg, brand, title), ")
                .append(offerKey(config)).append(") AS b FROM parsed GROUP BY sku),\n");
        sql.append("best AS (SELECT sku, b.* FROM agg),\n");
        sql.append(pricingCtes(config.pricing(), "best")).append('\n');
        sql.append("SELECT ").append(lineExpression(config, now))
                .append(" AS line FROM priced ORDER BY sku COLLATE \"binary\"");
        return sql.toString();
    }

    /** One vendor: positional VARCHAR columns, fields picked by header name (last duplicate wins). */
    private static String vendorScan(BenchConfig.Vendor vendor, int index, int rank, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("cannot read " + file);
        }
        List<String> header = CsvRecords.readHeader(file, vendor.delimiter());
        List<String> missing = new ArrayList<>();
        for (String required : List.of("sku", "quantity_available")) { // docs/CONTRACT.md#header-check-and-required-columns
            if (!header.contains(vendor.sourceColumn(required))) {
                missing.add(vendor.sourceColumn(required));
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("vendor " + vendor.vendorId() + ": missing columns: "
                    + String.join(", ", missing));
        }
        for (String field : List.of("condition", "updated_at")) {
            if (header.contains(vendor.sourceColumn(field))) {
                throw new IllegalArgumentException("vendor " + vendor.vendorId() + ": the column "
                        + vendor.sourceColumn(field) + " (" + field + ") is not modelled by the DuckDB baseline");
            }
        }
        StringBuilder columns = new StringBuilder("{");
        for (int c = 0; c < header.size(); c++) {
            columns.append(c == 0 ? "" : ", ").append("'c").append(c).append("': 'VARCHAR'");
        }
        columns.append('}');
        StringBuilder select = new StringBuilder("  SELECT ")
                .append(literal(vendor.vendorId())).append(" AS vendor_id, ")
                .append(index).append(" AS vendor_idx, ")
                .append(rank).append(" AS vendor_rank, ")
                // Input order (docs/CONTRACT.md#merge-best-offer): a window with an empty OVER over a single table keeps
                // the file's row order (DuckDB order-preservation guarantee).
                .append("row_number() OVER () AS rn");
        for (String field : List.of("sku", "quantity_available", "cost", "map_price", "price", "msrp",
                "lead_time_days", "brand", "title")) {
            int position = header.lastIndexOf(vendor.sourceColumn(field)); // docs/CONTRACT.md#csv-dialect: last duplicate wins
            select.append(", ").append(position < 0 ? "CAST(NULL AS VARCHAR)" : "c" + position)
                    .append(" AS raw_").append(field);
        }
        select.append("\n  FROM read_csv(").append(literal(file.toAbsolutePath().toString()))
                .append(", header = true, auto_detect = false, delim = ").append(literal(String.valueOf(vendor.delimiter())))
                .append(", quote = '\"', escape = '\"', columns = ").append(columns).append(')');
        return select.toString();
    }

    private static String trimmedCte() {
        return "trimmed AS (SELECT vendor_id, vendor_idx, vendor_rank, rn, raw_sku, raw_brand, raw_title, "
                + "ws_trim(raw_sku) AS t_sku, ws_trim(raw_quantity_available) AS t_qty, ws_trim(raw_cost) AS t_cost, "
                + "ws_trim(raw_map_price) AS t_map, ws_trim(raw_price) AS t_price, ws_trim(raw_msrp) AS t_msrp, "
                + "ws_trim(raw_lead_time_days) AS t_lead FROM raw)";
    }

    /** docs/CONTRACT.md#row-parsing-and-row-errors conversions; anything the baseline cannot reproduce exactly stops the query. */
    private static String parsedCte() {
        return "parsed AS (SELECT vendor_id, vendor_idx, vendor_rank, rn, raw_sku AS vendor_sku, raw_brand AS brand, raw_title AS title, "
                + "CASE WHEN t_sku IS NULL THEN " + rowError("sku is required", null) + " ELSE t_sku END AS sku, "
                + "CASE WHEN t_qty IS NULL THEN 0 WHEN regexp_full_match(t_qty, " + literal(NON_NEGATIVE_INT_RE)
                + ") THEN CAST(t_qty AS BIGINT) ELSE " + rowError("quantity_available", "t_qty") + " END AS qty, "
                + "CASE WHEN t_lead IS NULL THEN NULL WHEN regexp_full_match(t_lead, " + literal(INT_RE)
                + ") THEN CAST(t_lead AS BIGINT) ELSE " + rowError("lead_time_days", "t_lead") + " END AS lead, "
                + decimalColumn("t_cost", "cost") + ", "
                + decimalColumn("t_map", "map") + ", "
                + decimalColumn("t_price", "price_in") + ", "
                + decimalColumn("t_msrp", "msrp")
                + " FROM trimmed)";
    }

    private static String decimalColumn(String trimmed, String name) {
        return "CASE WHEN " + trimmed + " IS NULL THEN NULL WHEN regexp_full_match(" + trimmed + ", "
                + literal(DECIMAL_RE) + ") THEN CAST(CAST(" + trimmed + " AS DECIMAL(18,6)) * 1000000 AS BIGINT) ELSE "
                + rowError(name, trimmed) + " END AS " + name + "_u6, "
                + "coalesce(starts_with(" + trimmed + ", '-'), false) AS " + name + "_neg";
    }

    private static String rowError(String what, String cell) {
        String detail = cell == null ? literal(what)
                : literal(what + " cell not supported by the DuckDB baseline (invalid or unusual syntax): ")
                        + " || " + cell;
        return "error('vendor ' || vendor_id || ' data record ' || CAST(rn AS VARCHAR) || ': ' || " + detail + ")";
    }

    /**
     * docs/CONTRACT.md#merge-best-offer ordering as a struct compared field by field: the sort_by keys, then vendor_id in
     * code-point order (as a rank computed here), then input order (row number within the vendor;
     * vendor ids are unique, so the rank already orders different vendors).
     */
    static String offerKey(BenchConfig config) {
        List<String> keys = new ArrayList<>();
        for (String key : config.sortBy()) {
            switch (key) {
                case "in_stock_desc" -> keys.add("(qty = 0)");
                // Same order with or without the flat amount (docs/CONTRACT.md#merge-best-offer); cost-less offers last.
                case "lowest_landed_cost", "lowest_cost" -> {
                    keys.add("(cost_u6 IS NULL)");
                    keys.add("coalesce(cost_u6, 0)");
                }
                case "shortest_lead_time" -> keys.add("coalesce(lead, " + config.fallbackLeadTimeDays() + ")");
                case "highest_quantity" -> keys.add("-qty");
                case "vendor_priority" -> keys.add("vendor_idx");
                default -> throw new IllegalArgumentException("unknown sort key " + key);
            }
        }
        keys.add("vendor_rank");
        keys.add("rn");
        StringBuilder struct = new StringBuilder("struct_pack(");
        for (int i = 0; i < keys.size(); i++) {
            struct.append(i == 0 ? "" : ", ").append('k').append(i).append(" := ").append(keys.get(i));
        }
        return struct.append(')').toString();
    }

    /** Rank of each vendor_id in code-point order (docs/CONTRACT.md#conventions), keyed by configuration index. */
    static int[] vendorRanks(BenchConfig config) {
        List<String> ids = new ArrayList<>();
        config.vendors().forEach(v -> ids.add(v.vendorId()));
        List<String> sorted = new ArrayList<>(ids);
        sorted.sort(DuckDbMerge::compareCodePoints);
        int[] ranks = new int[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            ranks[i] = sorted.indexOf(ids.get(i));
        }
        return ranks;
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /**
     * docs/CONTRACT.md#pricing as a chain of CTEs over {@code from} (columns {@code cost_u6}, {@code map_u6},
     * {@code price_in_u6}, {@code price_in_neg}); the last CTE, {@code priced}, adds
     * {@code price_u12} (the price in units of 10^-12) and {@code price_neg}.
     */
    static String pricingCtes(BenchConfig.Pricing p, String from) {
        String ship = u6(p.shippingHandlingFlat(), "shipping_handling_flat");
        String margin = u6(p.baseMarginPct(), "base_margin_pct");
        BigInteger min = units(p.minPrice(), E12, "min_price");
        BigInteger increment = units(p.increment(), E12, "rounding.increment");
        StringBuilder ctes = new StringBuilder();
        // landed × (1 + margin) in 10^-12 units, floored to min_price
        ctes.append("p1 AS (SELECT *, greatest((CAST(cost_u6 AS HUGEINT) + ").append(ship).append(") * (1000000 + ")
                .append(margin).append("), ").append(hugeint(min)).append(") AS c1 FROM ").append(from).append("),\n");
        String last = "c1";
        if (increment.signum() > 0) {
            String inc = hugeint(increment);
            String rounded = switch (p.mode()) {
                case "nearest" -> "(2 * c1 + " + inc + ") // (2 * " + inc + ")"; // half-up, c1 >= 0
                case "up" -> "(c1 + " + inc + " - 1) // " + inc;
                case "down" -> "c1 // " + inc;
                default -> throw new IllegalArgumentException("rounding.mode " + p.mode());
            };
            // "rounding went below the floor": the smallest multiple of the increment >= min_price
            BigInteger[] qr = min.divideAndRemainder(increment);
            BigInteger floorMultiple = (qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE)).multiply(increment);
            ctes.append("p2 AS (SELECT *, (").append(rounded).append(") * ").append(inc).append(" AS r2 FROM p1),\n");
            ctes.append("p3 AS (SELECT *, CASE WHEN r2 < ").append(hugeint(min)).append(" THEN ")
                    .append(hugeint(floorMultiple)).append(" ELSE r2 END AS c3 FROM p2),\n");
            last = "c3";
        } else {
            ctes.append("p3 AS (SELECT *, c1 AS c3 FROM p1),\n");
            last = "c3";
        }
        if (p.ending() != null) {
            String ending = hugeint(units(p.ending(), E12, "rounding.ending"));
            ctes.append("p4 AS (SELECT *, (").append(last).append(" // ").append(hugeint(E12)).append(") * ")
                    .append(hugeint(E12)).append(" + ").append(ending).append(" AS e4 FROM p3),\n");
            ctes.append("p5 AS (SELECT *, CASE WHEN e4 >= ").append(last).append(" THEN e4 ELSE e4 + ")
                    .append(hugeint(E12)).append(" END AS c5 FROM p4),\n");
            last = "c5";
        } else {
            ctes.append("p5 AS (SELECT *, ").append(last).append(" AS c5 FROM p3),\n");
        }
        String withMap = p.mapFloorActive()
                ? "CASE WHEN map_u6 IS NULL THEN c5 ELSE greatest(c5, CAST(map_u6 AS HUGEINT) * 1000000) END" // MAP last
                : "c5";
        // A record without a cost keeps its input price (null or zero → 0) and gets no MAP.
        ctes.append("priced AS (SELECT *, CASE WHEN cost_u6 IS NULL THEN CAST(coalesce(price_in_u6, 0) AS HUGEINT) * 1000000 ELSE ")
                .append(withMap).append(" END AS price_u12, ")
                .append("(cost_u6 IS NULL AND price_in_neg AND coalesce(price_in_u6, 0) <> 0) AS price_neg FROM p5)");
        return ctes.toString();
    }

    /** docs/CONTRACT.md#output-csv-format: each output column as text, joined by commas. */
    private static String lineExpression(BenchConfig config, Instant now) {
        List<String> cells = new ArrayList<>();
        for (String column : config.columns()) {
            String cell = switch (column) {
                case "sku" -> "sku";
                case "vendor_sku" -> "vendor_sku";
                case "vendor_id" -> "vendor_id";
                case "brand" -> "brand";
                case "title" -> "title";
                case "condition" -> "CAST(NULL AS VARCHAR)";
                case "quantity_available" -> "CAST(qty AS VARCHAR)";
                // docs/CONTRACT.md#merge-best-offer: only merged records get the fallback lead time.
                case "lead_time_days" -> "CAST(coalesce(lead, " + config.fallbackLeadTimeDays() + ") AS VARCHAR)";
                case "cost" -> "money(cost_u6, 10000, cost_neg)";
                case "map_price" -> "money(map_u6, 10000, map_neg)";
                case "msrp" -> "money(msrp_u6, 10000, msrp_neg)";
                case "price" -> "money(price_u12, 10000000000, price_neg)";
                case "updated_at" -> literal(formatTimestamp(now));
                default -> throw new IllegalArgumentException("unknown column " + column);
            };
            if (TEXT.contains(column)) {
                cell = "csv_cell(" + (config.escapeFormulas() ? "formula_safe(" + cell + ")" : cell) + ")";
            } // money, integers and timestamps never contain a character that needs quoting
            cells.add(cell);
        }
        String line = String.join(" || ',' || ", cells);
        // docs/CONTRACT.md#output-csv-format rule 5: a single empty cell is written as "" so the line is not empty.
        return cells.size() == 1 ? "CASE WHEN (" + line + ") = '' THEN '\"\"' ELSE (" + line + ") END" : line;
    }

    /** docs/CONTRACT.md#output-csv-format timestamp cell: six fraction digits only when the sub-second part is not zero. */
    static String formatTimestamp(Instant instant) {
        Instant t = instant.truncatedTo(ChronoUnit.MICROS);
        String base = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC).format(t);
        return t.getNano() == 0 ? base + "Z" : base + String.format(".%06dZ", t.getNano() / 1000);
    }

    private static String u6(BigDecimal value, String what) {
        return hugeint(units(value, E6, what));
    }

    private static BigInteger units(BigDecimal value, BigInteger unit, String what) {
        try {
            return value.multiply(new BigDecimal(unit)).setScale(0, RoundingMode.UNNECESSARY).toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("pricing." + what + " " + value.toPlainString()
                    + ": more than " + (unit.toString().length() - 1) + " decimal places are not modelled by the DuckDB baseline");
        }
    }

    private static String hugeint(BigInteger value) {
        return "CAST(" + value + " AS HUGEINT)";
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static String firstLines(String message, int count) {
        if (message == null) {
            return "(no message)";
        }
        return String.join(" ", message.lines().limit(count).map(String::strip).toList());
    }

    /**
     * {@code DuckDbMerge --config <tenant.yaml> --vendor-file <id>=<path>... --output <file>
     * [--now <instant>] [--threads N] [--memory-limit <size>]}. Exit 0 on success, 1 when the
     * merge fails, 2 on a usage error.
     */
    public static void main(String[] args) {
        Path config = null;
        Path output = null;
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        int threads = 2;
        String memoryLimit = null;
        Map<String, Path> files = new LinkedHashMap<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String value = i + 1 < args.length ? args[i + 1] : null;
                if (value == null) {
                    throw new IllegalArgumentException("missing value for " + arg);
                }
                i++;
                switch (arg) {
                    case "--config" -> config = Path.of(value);
                    case "--output" -> output = Path.of(value);
                    case "--now" -> now = Instant.parse(value);
                    case "--threads" -> threads = Integer.parseInt(value);
                    case "--memory-limit" -> memoryLimit = value;
                    case "--vendor-file" -> {
                        int eq = value.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("vendor file must be vendor_id=path");
                        }
                        if (files.put(value.substring(0, eq), Path.of(value.substring(eq + 1))) != null) {
                            throw new IllegalArgumentException("duplicate vendor file for '" + value.substring(0, eq) + "'");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + arg);
                }
            }
            if (config == null || output == null || files.isEmpty()) {
                throw new IllegalArgumentException(
                        "usage: DuckDbMerge --config <tenant.yaml> --vendor-file <id>=<path>... --output <file> "
                                + "[--now <instant>] [--threads N] [--memory-limit <size>]");
            }
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        try {
            long rows = merge(BenchConfig.load(config), files, now, output, new Options(threads, memoryLimit, null));
            System.out.println("{\"engine\": \"duckdb\", \"rows\": " + rows + ", \"output\": \""
                    + output.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
        } catch (IOException | SQLException | RuntimeException e) {
            System.err.println("DuckDB merge failed: " + e.getMessage());
            System.exit(1);
        }
    }
}
