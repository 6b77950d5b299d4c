package com.relay.tenants.config;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Optional;

/**
 * The rule for every S3 key a tenant names or makes us build (an inbound {@code s3_prefix}, a
 * {@code sku_map.s3_key}, an upload's destination, an object picked from a listing): it lies under
 * {@code tenants/<tenant_id>/} and stays there however a store reads it.
 *
 * <p>S3 itself treats {@code ..} as two dots, but the embedded s3proxy (a file-system store), an
 * SDK that normalises URIs or an operator's {@code aws s3 sync} resolve it as "parent", so
 * {@code tenants/acme/../globex/inbound/} must never pass a prefix check that only compares the
 * first characters. A key is refused when any of its segments is {@code .} or {@code ..} (also once
 * Unicode-normalised: fullwidth dots fold to ASCII ones), when it has an empty segment ({@code //}),
 * a backslash (a separator on some stores), a control, format (bidi, zero-width) or unassigned
 * character, a lone surrogate, or more than S3's 1,024 UTF-8 bytes. What remains is compared with
 * the tenant's root, so the normalised key is the key that is checked.
 */
public final class TenantKeys {

    /** S3's limit on a key, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1024;

    private TenantKeys() {}

    /** {@code tenants/<tenantId>/}: every key of a tenant starts with it. */
    public static String root(String tenantId) {
        return "tenants/" + tenantId + "/";
    }

    /**
     * Why {@code key} is not a safe key of {@code tenantId}, or empty when it is. The message names
     * the rule, never echoes the offending characters (they may be invisible or reorder the text).
     */
    public static Optional<String> problem(String key, String tenantId) {
        Optional<String> shape = shapeProblem(key);
        if (shape.isPresent()) return shape;
        if (!key.startsWith(root(tenantId))) {
            return Optional.of("must start with '" + root(tenantId) + "'");
        }
        return Optional.empty();
    }

    /** The rules that do not depend on the tenant (used when the tenant id itself is invalid). */
    public static Optional<String> shapeProblem(String key) {
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            return Optional.of("must be at most " + MAX_KEY_BYTES + " bytes in UTF-8");
        }
        for (int i = 0; i < key.length(); ) {
            int cp = key.codePointAt(i);
            if (cp == '\\') return Optional.of("must not contain a backslash");
            if (isForbidden(cp)) {
                return Optional.of("must not contain control, format, unassigned or surrogate characters");
            }
            i += Character.charCount(cp);
        }
        if (hasDotOrEmptySegment(key) || hasDotOrEmptySegment(Normalizer.normalize(key, Normalizer.Form.NFKC))) {
            return Optional.of("must not contain '.' or '..' segments or '//'");
        }
        return Optional.empty();
    }

    public static boolean isSafe(String key, String tenantId) {
        return problem(key, tenantId).isEmpty();
    }

    private static boolean isForbidden(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                || type == Character.SURROGATE || type == Character.PRIVATE_USE
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    /** A trailing {@code /} (a prefix) ends the key; it is not an empty segment. */
    private static boolean hasDotOrEmptySegment(String key) {
        if (key.isEmpty()) return false; // no segment at all: the root rule reports it
        String body = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
        for (String segment : body.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) return true;
        }
        return false;
    }
}
