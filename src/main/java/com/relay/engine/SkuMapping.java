package com.relay.engine;

import com.relay.tenants.config.TenantConfig;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A vendor's SKU map (RI §3.6): {@code vendor_sku} → {@code sku}, read with the vendor's dialect and
 * encoding by the same decoder and reader as the feed. Immutable once loaded.
 */
public final class SkuMapping {
    private static final SkuMapping EMPTY = new SkuMapping(Map.of());

    private final Map<String, String> targets;

    private SkuMapping(Map<String, String> targets) {
        this.targets = targets;
    }

    /**
     * Loads a map: header columns exactly {@code vendor_sku} and {@code sku} (the last of a repeated
     * name), others ignored; both cells trimmed (RI §1.4 whitespace); rows with either cell empty or
     * absent, or with any oversized cell, or over a record limit, are skipped; a later row wins. A header without both columns
     * gives an empty map (the rest is still decoded, so an undecodable map fails).
     *
     * @throws EngineFailure DECODE_ERROR / CSV_PARSE_ERROR with {@code (sku map)} in the message
     */
    public static SkuMapping load(InputStream in, TenantConfig.Parser parser, String vendorId)
            throws EngineFailure, IOException {
        CsvRecordReader reader = new CsvRecordReader(
                FeedDecoder.open(in, parser.encoding(), vendorId, true), parser.delimiter(), vendorId, true);
        List<String> header = reader.readHeader();
        int vendorSkuColumn = header.lastIndexOf("vendor_sku");
        int skuColumn = header.lastIndexOf("sku");
        if (vendorSkuColumn < 0 || skuColumn < 0) {
            reader.drainInput();
            return EMPTY;
        }
        Map<String, String> targets = new HashMap<>();
        while (reader.nextRecord()) {
            if (reader.firstOversizedCell() >= 0 || reader.recordLimitProblem() != null) continue;
            if (vendorSkuColumn >= reader.cellCount() || skuColumn >= reader.cellCount()) continue;
            String vendorSku = Whitespace.trim(reader.cell(vendorSkuColumn));
            String sku = Whitespace.trim(reader.cell(skuColumn));
            if (vendorSku.isEmpty() || sku.isEmpty()) continue;
            targets.put(vendorSku, sku);
        }
        return new SkuMapping(targets);
    }

    /** A map from given pairs (tests, callers that build maps themselves); keys and values as given. */
    public static SkuMapping of(Map<String, String> targets) {
        return new SkuMapping(Map.copyOf(targets));
    }

    public static SkuMapping empty() { return EMPTY; }

    /** The mapped sku for an exact (case-sensitive) {@code vendor_sku} key. */
    public Optional<String> lookup(String vendorSku) {
        return Optional.ofNullable(targets.get(vendorSku));
    }

    /** {@code sku} replaced when it is a key, else unchanged (RI §3.6 application). */
    public String map(String sku) {
        return targets.getOrDefault(sku, sku);
    }

    public int size() { return targets.size(); }
}
