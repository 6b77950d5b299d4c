package com.relay.publish;

import com.relay.engine.CellFormatter;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * {@code outputs/delta.csv} (docs/CONTRACT.md#publishing-diff-delta-and-guard): {@code sku,field,before,after,reason},
 * UTF-8, LF, cells quoted as in the merged file (docs/CONTRACT.md#quoting) and, with
 * {@code output.escape_formulas}, text escaped as there (docs/CONTRACT.md#cell-text).
 */
final class DeltaWriter implements Closeable {

    static final String HEADER = "sku,field,before,after,reason\n";

    private final Writer out;
    private final boolean escapeFormulas;
    private long rows;

    DeltaWriter(OutputStream out, boolean escapeFormulas) throws IOException {
        this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        this.escapeFormulas = escapeFormulas;
        this.out.write(HEADER);
    }

    /** One row; {@code text} says whether before/after are text cells (subject to escape_formulas). */
    void row(String sku, String field, String before, String after, boolean text, String reason) throws IOException {
        cell(sku, true);
        out.write(',');
        out.write(field);
        out.write(',');
        cell(before, text);
        out.write(',');
        cell(after, text);
        out.write(',');
        out.write(reason);
        out.write('\n');
        rows++;
    }

    long rows() {
        return rows;
    }

    private void cell(String value, boolean text) throws IOException {
        if (value == null || value.isEmpty()) return;
        String escaped = text && escapeFormulas ? CellFormatter.escapeFormula(value) : value;
        out.write(CellFormatter.quote(escaped));
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
