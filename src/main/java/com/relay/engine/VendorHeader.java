package com.relay.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns one vendor file showed in a run and their fingerprint (docs/CONTRACT.md#vendor-drift).
 * Names are trimmed ({@link Whitespace}); the fingerprint is the first {@value #FINGERPRINT_HEX} hex
 * digits of the SHA-256 of every trimmed name as a compact JSON array ({@code ["SKU","Qty"]}), so
 * the same header always gives the same fingerprint and any change of a name, of the order or of
 * the count gives another. What is kept and compared is bounded whatever the file: the first
 * {@value #MAX_LISTED} names, each cut to {@value #MAX_NAME_CHARS} characters; {@code columnCount}
 * counts them all.
 *
 * @param columns     the first {@value #MAX_LISTED} trimmed names (cut to {@value #MAX_NAME_CHARS} characters)
 * @param columnCount how many names the header has
 */
public record VendorHeader(List<String> columns, int columnCount, String fingerprint) {
    public static final int MAX_LISTED = 200;
    public static final int MAX_NAME_CHARS = 256;
    static final int FINGERPRINT_HEX = 16;
    private static final JsonFactory JSON = new JsonFactory();

    public VendorHeader {
        columns = List.copyOf(columns);
    }

    /** The header of {@code names} as a file showed them (untrimmed). */
    public static VendorHeader of(List<String> names) {
        List<String> trimmed = new ArrayList<>(names.size());
        for (String n : names) trimmed.add(Whitespace.trim(n));
        return new VendorHeader(kept(trimmed), trimmed.size(), fingerprint(trimmed));
    }

    /**
     * A header as a caller stored it ({@code previousHeaders}): trimmed, bounded as ours are, so a
     * stored list of any size costs what a header does.
     */
    public static List<String> kept(List<String> names) {
        List<String> kept = new ArrayList<>(Math.min(names.size(), MAX_LISTED));
        for (String n : names) {
            if (kept.size() == MAX_LISTED) break;
            if (n == null) continue;
            kept.add(cut(Whitespace.trim(n)));
        }
        return kept;
    }

    static String cut(String name) {
        if (name.length() <= MAX_NAME_CHARS) return name;
        int end = MAX_NAME_CHARS;
        if (Character.isHighSurrogate(name.charAt(end - 1))) end--;
        return name.substring(0, end);
    }

    /** SHA-256 of the names as a compact JSON array, streamed (no copy of a large header), short hex. */
    static String fingerprint(List<String> names) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (JsonGenerator g = JSON.createGenerator(new DigestOutputStream(OutputStream.nullOutputStream(), sha))) {
                g.writeStartArray();
                for (String n : names) g.writeString(n);
                g.writeEndArray();
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, FINGERPRINT_HEX);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a null stream does not fail
        }
    }

    /** {@code run_summary.json} {@code vendor_headers.<id>}: columns, column_count, fingerprint. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("columns", columns);
        m.put("column_count", columnCount);
        m.put("fingerprint", fingerprint);
        return m;
    }
}
