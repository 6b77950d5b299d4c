package com.relay.config;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One {@code API_KEYS} entry (docs/CONTRACT.md#authentication-and-authorization): {@code <key_id>:<scope>:<sha256_hex>}, scope {@code admin}
 * or {@code tenant=<tenant_id>}. {@code tenantId} is null for admin keys. The hash is kept as
 * bytes; plain keys never appear in configuration.
 */
public record ApiKeyEntry(String keyId, String tenantId, byte[] sha256) {

    private static final Pattern IDENTIFIER = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$");
    private static final Pattern HEX64 = Pattern.compile("^[0-9A-Fa-f]{64}$");

    public boolean admin() { return tenantId == null; }

    public record Parsed(List<ApiKeyEntry> entries, List<String> problems) {}

    /**
     * Parses a comma-separated list; whitespace around entries and fields is trimmed. A bad entry
     * is reported by its 1-based position and the failing part, never by its hash.
     */
    public static Parsed parseList(String text) {
        List<ApiKeyEntry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (text == null || text.isBlank()) return new Parsed(entries, problems);
        String[] parts = text.split(",", -1);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            String where = "API_KEYS entry " + (i + 1);
            String[] fields = parts[i].trim().split(":", -1);
            if (fields.length != 3) {
                problems.add(where + " must have the form <key_id>:<scope>:<sha256_hex>");
                continue;
            }
            String keyId = fields[0].trim();
            String scope = fields[1].trim();
            String hash = fields[2].trim();
            String tenant = null;
            boolean ok = true;
            if (!IDENTIFIER.matcher(keyId).matches()) {
                problems.add(where + ": key_id must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$");
                ok = false;
            }
            if (scope.startsWith("tenant=")) {
                tenant = scope.substring("tenant=".length()).trim();
                if (!IDENTIFIER.matcher(tenant).matches()) {
                    problems.add(where + ": tenant id in scope must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$");
                    ok = false;
                }
            } else if (!scope.equals("admin")) {
                problems.add(where + ": scope must be admin or tenant=<tenant_id>");
                ok = false;
            }
            if (!HEX64.matcher(hash).matches()) {
                problems.add(where + ": hash must be 64 hex digits (the SHA-256 of the key)");
                ok = false;
            }
            if (ok && seen.contains(keyId)) {
                problems.add(where + ": key_id " + keyId + " is configured twice");
                ok = false;
            }
            if (ok) {
                seen.add(keyId);
                entries.add(new ApiKeyEntry(keyId, tenant, HexFormat.of().parseHex(hash.toLowerCase(Locale.ROOT))));
            }
        }
        return new Parsed(entries, problems);
    }
}
