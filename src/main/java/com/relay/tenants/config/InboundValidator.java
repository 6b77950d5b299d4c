package com.relay.tenants.config;

import com.relay.tenants.config.FieldReader.Presence;
import com.relay.tenants.config.TenantConfig.HttpAuth;
import com.relay.tenants.config.TenantConfig.Inbound;
import com.relay.tenants.config.TenantConfig.Remote;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code vendors[].inbound} (docs/CONFIG_SPEC.md "Vendor sources"): where a vendor's feed comes from.
 * Every field of every source type is read whatever the type, so a field of another type gets its
 * own message ("is not allowed when inbound.type is http") instead of "unknown field". Pure: no DNS
 * look-up here (the network policy is applied when a fetch connects, docs/INFRA.md).
 */
final class InboundValidator {

    static final List<String> SERVICE_TYPES = List.of("s3", "sftp", "ftp", "ftps", "http", "email");
    static final int MAX_TEXT = 1024;

    /** Fields each type accepts (besides {@code type}); the others must be absent. */
    private static final Map<String, Set<String>> FIELDS_OF = Map.of(
            "s3", Set.of("s3_prefix"),
            "local", Set.of(),
            "sftp", Set.of("host", "port", "username", "password", "private_key", "private_key_passphrase", "host_key",
                    "directory", "file_pattern", "min_age_seconds"),
            "ftp", Set.of("host", "port", "username", "password", "directory", "file_pattern", "min_age_seconds"),
            "ftps", Set.of("host", "port", "username", "password", "tls", "directory", "file_pattern", "min_age_seconds"),
            "http", Set.of("url", "auth"),
            "email", Set.of("host", "port", "username", "password", "folder", "from", "subject_contains",
                    "attachment_pattern"));
    private static final List<String> ALL_FIELDS = List.of("s3_prefix", "host", "port", "username", "password", "private_key",
            "private_key_passphrase", "tls", "host_key", "directory", "file_pattern", "min_age_seconds", "url", "auth", "folder", "from", "subject_contains",
            "attachment_pattern");
    private static final Map<String, Integer> DEFAULT_PORT = Map.of("sftp", 22, "ftp", 21, "ftps", 21, "email", 993);
    /** ftps with {@code tls: implicit}: the IANA port of FTP over TLS from the first byte. */
    private static final int IMPLICIT_FTPS_PORT = 990;
    static final List<String> FTPS_TLS = List.of("explicit", "implicit");

    /** A DNS name (labels of letters, digits and '-') or an IPv4 literal; IPv6 in brackets. */
    private static final Pattern HOST = Pattern.compile(
            "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?"
                    + "|\\[[0-9A-Fa-f:.]{2,45}]");
    /** OpenSSH's {@code ssh-keygen -l} form: SHA256: and 43 unpadded base64 characters. */
    private static final Pattern HOST_KEY = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");
    static final String GLOB_MESSAGE = "must be a file name glob (*, ? and literal characters; no '/' or '\\'), at most 256 characters";

    private final FieldReader fields;
    private final TenantConfigParser.Context context;
    private final String tenantId;

    InboundValidator(FieldReader fields, TenantConfigParser.Context context, String tenantId) {
        this.fields = fields;
        this.context = context;
        this.tenantId = tenantId;
    }

    /** The checked inbound, or null (problems recorded). {@code checkPrefix} applies the S3 key rules. */
    Inbound inbound(FieldReader.Obj o, java.util.function.BiConsumer<String, String> checkPrefix) {
        if (o == null) return null;
        String type = fields.string(o, "type", Presence.REQUIRED, null);
        boolean known = type != null && (SERVICE_TYPES.contains(type) || ("local".equals(type) && context.isCli()));
        if (type != null && !known) {
            fields.problem(o.child("type"), "must be one of: " + String.join(", ", SERVICE_TYPES) + (context.isCli() ? ", local" : ""));
        }
        Set<String> allowed = known ? FIELDS_OF.get(type) : Set.of();
        Map<String, DocumentNode> given = new java.util.HashMap<>();
        for (String f : ALL_FIELDS) {
            DocumentNode v = o.take(f);
            if (v == null || v instanceof DocumentNode.Null) continue;
            if (known && !allowed.contains(f)) {
                fields.problem(o.child(f), "local".equals(type) ? "must be null when inbound.type is local"
                        : "is not allowed when inbound.type is " + type);
            } else {
                given.put(f, v);
            }
        }
        o.finish();
        if (!known) return null;
        return switch (type) {
            case "s3" -> s3(o, given, checkPrefix);
            case "local" -> new Inbound(type, null);
            case "http" -> new Inbound(type, null, http(o, given));
            default -> new Inbound(type, null, server(o, type, given));
        };
    }

    private Inbound s3(FieldReader.Obj o, Map<String, DocumentNode> given, java.util.function.BiConsumer<String, String> checkPrefix) {
        String path = o.child("s3_prefix");
        DocumentNode prefix = given.get("s3_prefix");
        if (prefix == null) {
            fields.problem(path, "is required when inbound.type is s3");
            return null;
        }
        if (!(prefix instanceof DocumentNode.Text t)) {
            fields.problem(path, "must be a string");
            return null;
        }
        checkPrefix.accept(path, t.value());
        if (!t.value().endsWith("/")) fields.problem(path, "must end with '/'");
        return new Inbound("s3", t.value());
    }

    /** sftp, ftp, ftps and email: a server, an account and what to pick there. */
    private Remote server(FieldReader.Obj o, String type, Map<String, DocumentNode> given) {
        String host = text(o, given, "host", true);
        if (host != null && !HOST.matcher(host).matches()) {
            fields.problem(o.child("host"), "must be a host name or an IP address (IPv6 in brackets)");
        }
        String tls = null;
        if ("ftps".equals(type)) {
            tls = text(o, given, "tls", false);
            if (tls == null) {
                tls = "explicit";
            } else if (!FTPS_TLS.contains(tls)) {
                fields.problem(o.child("tls"), "must be one of: " + String.join(", ", FTPS_TLS));
                tls = "explicit";
            }
        }
        long port = number(o, given, "port", "implicit".equals(tls) ? IMPLICIT_FTPS_PORT : DEFAULT_PORT.get(type), 1, 65_535);
        String username = text(o, given, "username", true);
        String password = secret(o, given, "password", false);
        String privateKey = secret(o, given, "private_key", false);
        String passphrase = secret(o, given, "private_key_passphrase", false);
        if (given.containsKey("private_key_passphrase") && !given.containsKey("private_key")) {
            fields.problem(o.child("private_key_passphrase"), "is only allowed together with private_key");
        }
        boolean hasPassword = given.containsKey("password");
        boolean hasKey = given.containsKey("private_key");
        if ("sftp".equals(type)) {
            if (!hasPassword && !hasKey) {
                fields.problem(o.child("password"), "is required when inbound.type is sftp and private_key is not set");
            } else if (hasPassword && hasKey) {
                fields.problem(o.child("private_key"), "must not be set together with password");
            }
        } else if (!hasPassword) {
            fields.problem(o.child("password"), "is required when inbound.type is " + type);
        }
        String hostKey = text(o, given, "host_key", false);
        if (hostKey != null && !HOST_KEY.matcher(hostKey).matches()) {
            fields.problem(o.child("host_key"), "must be an OpenSSH SHA256 fingerprint: SHA256: and 43 base64 characters (ssh-keygen -lf <key>)");
        }
        if ("sftp".equals(type) && hostKey == null && !given.containsKey("host_key")
                && context.runMode() != TenantConfigParser.RunMode.EMBEDDED) {
            // an unpinned server key lets anyone on the path pose as the vendor (docs/CONFIG_SPEC.md "Vendor sources")
            fields.problem(o.child("host_key"), "is required when inbound.type is sftp (outside embedded mode)");
        }
        if ("email".equals(type)) {
            String folder = text(o, given, "folder", false);
            String from = text(o, given, "from", false);
            if (from != null && (from.indexOf('@') <= 0 || from.chars().anyMatch(c -> c <= ' '))) {
                fields.problem(o.child("from"), "must be an e-mail address");
            }
            String subject = text(o, given, "subject_contains", false);
            String attachment = glob(o, given, "attachment_pattern");
            return new Remote(host, (int) port, username, password, null, null, null, null, 0, null, null,
                    folder == null ? "INBOX" : folder, from, subject, attachment);
        }
        String directory = text(o, given, "directory", false);
        if (directory != null && (!directory.startsWith("/") || List.of(directory.split("/")).contains(".."))) {
            fields.problem(o.child("directory"), "must be an absolute path ('/' first) without '..' segments");
        }
        String pattern = glob(o, given, "file_pattern");
        long minAge = number(o, given, "min_age_seconds", 60, 0, 604_800);
        return new Remote(host, (int) port, username, password, privateKey, hostKey, directory == null ? "/" : directory,
                pattern, minAge, null, null, null, null, null, null, passphrase, tls);
    }

    private Remote http(FieldReader.Obj o, Map<String, DocumentNode> given) {
        String url = text(o, given, "url", true);
        if (url != null) {
            String problem = urlProblem(url);
            if (problem != null) fields.problem(o.child("url"), problem);
        }
        HttpAuth auth = null;
        DocumentNode authNode = given.get("auth");
        if (authNode != null) {
            if (!(authNode instanceof DocumentNode.Mapping)) {
                fields.problem(o.child("auth"), "must be an object");
            } else {
                auth = auth(fields.object(o, "auth", Presence.OPTIONAL));
            }
        }
        return new Remote(null, 0, null, null, null, null, null, null, 0, url, auth, null, null, null, null);
    }

    private HttpAuth auth(FieldReader.Obj a) {
        if (a == null) return null;
        String type = fields.string(a, "type", Presence.REQUIRED, null);
        Map<String, DocumentNode> given = new java.util.HashMap<>();
        Map<String, Set<String>> fieldsOf = Map.of("basic", Set.of("username", "password"), "bearer", Set.of("token"),
                "header", Set.of("name", "value"));
        boolean known = type != null && fieldsOf.containsKey(type);
        if (type != null && !known) fields.problem(a.child("type"), "must be one of: basic, bearer, header");
        for (String f : List.of("username", "password", "token", "name", "value")) {
            DocumentNode v = a.take(f);
            if (v == null || v instanceof DocumentNode.Null) continue;
            if (known && !fieldsOf.get(type).contains(f)) fields.problem(a.child(f), "is not allowed when auth.type is " + type);
            else given.put(f, v);
        }
        a.finish();
        if (!known) return null;
        return switch (type) {
            case "basic" -> new HttpAuth(type, text(a, given, "username", true), secret(a, given, "password", true), null, null, null);
            case "bearer" -> new HttpAuth(type, null, null, secret(a, given, "token", true), null, null);
            default -> {
                String name = text(a, given, "name", true);
                if (name != null && (!HEADER_NAME.matcher(name).matches() || name.equalsIgnoreCase("host")
                        || name.equalsIgnoreCase("content-length"))) {
                    fields.problem(a.child("name"), "must be an HTTP header name (token characters, at most 64; not Host or Content-Length)");
                }
                yield new HttpAuth(type, null, null, null, name, secret(a, given, "value", true));
            }
        };
    }

    /** An absolute https URL (http with NOTIFY_ALLOW_INSECURE_HTTP or to loopback), no user info or fragment. */
    private String urlProblem(String url) {
        String message = "must be an absolute https URL without user info or fragment, at most 2048 characters"
                + " (http only to loopback or with NOTIFY_ALLOW_INSECURE_HTTP=true)";
        if (url.length() > 2048) return message;
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return message;
        }
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            return message;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) return null;
        if (scheme.equals("http") && (context.allowInsecureHttp() || NotificationsValidator.isLoopbackHost(uri.getHost()))) return null;
        return message;
    }

    private String text(FieldReader.Obj o, Map<String, DocumentNode> given, String key, boolean required) {
        DocumentNode v = given.get(key);
        if (v == null) {
            if (required) fields.problem(o.child(key), "is required when inbound.type is " + typeOf(o));
            return null;
        }
        if (!(v instanceof DocumentNode.Text t)) {
            fields.problem(o.child(key), "must be a string");
            return null;
        }
        String s = t.value();
        if (s.isEmpty() || s.length() > MAX_TEXT || s.chars().anyMatch(c -> c < ' ' || c == 0x7f)) {
            fields.problem(o.child(key), "must be a non-empty string of at most " + MAX_TEXT + " characters without control characters");
            return null;
        }
        return s;
    }

    /** A secret reference ({@code env:}, {@code ssm:}, {@code secretsmanager:}) of this tenant: never a literal. */
    private String secret(FieldReader.Obj o, Map<String, DocumentNode> given, String key, boolean required) {
        String ref = text(o, given, key, required);
        if (ref == null) return null;
        String problem = SecretReferences.problem(ref, tenantId, SecretReferences.Area.SOURCES,
                context.runMode() == TenantConfigParser.RunMode.AWS);
        if (problem != null) {
            // the message never repeats the value: a literal password typed here must not reach a log
            fields.problem(o.child(key), "must be a secret reference, not a literal: " + problem);
            return null;
        }
        return ref;
    }

    private String glob(FieldReader.Obj o, Map<String, DocumentNode> given, String key) {
        String g = text(o, given, key, false);
        if (g == null) return "*";
        if (g.length() > 256 || g.indexOf('/') >= 0 || g.indexOf('\\') >= 0) {
            fields.problem(o.child(key), GLOB_MESSAGE);
            return "*";
        }
        return g;
    }

    private long number(FieldReader.Obj o, Map<String, DocumentNode> given, String key, long defaultValue, long min, long max) {
        DocumentNode v = given.get(key);
        if (v == null) return defaultValue;
        Long n = FieldReader.asLong(v);
        if (n == null || n < min || n > max) {
            fields.problem(o.child(key), "must be an integer from " + min + " to " + max);
            return defaultValue;
        }
        return n;
    }

    private static String typeOf(FieldReader.Obj o) {
        DocumentNode t = o.peek("type");
        return t instanceof DocumentNode.Text text ? text.value() : "?";
    }
}
