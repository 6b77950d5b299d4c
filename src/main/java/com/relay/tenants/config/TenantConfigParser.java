package com.relay.tenants.config;

import com.relay.config.RelaySettings;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Parses, validates and normalises a tenant configuration (docs/CONTRACT.md#tenant-configuration, docs/CONTRACT.md#notification-and-schedule-configuration).
 *
 * <p>Pure and thread-safe: no state besides immutable settings, no I/O, no clock. Every outcome is a
 * {@link ValidationResult}; no input makes it throw.
 */
public final class TenantConfigParser {

    /** The document format (docs/CONTRACT.md#format-and-value-types). */
    public enum Format {
        JSON, YAML;

        /**
         * API: {@code application/json} → JSON; {@code application/yaml}, {@code application/x-yaml},
         * {@code text/yaml} → YAML; parameters such as {@code ; charset=utf-8} are ignored.
         */
        public static Optional<Format> fromContentType(String contentType) {
            if (contentType == null) {
                return Optional.empty();
            }
            int semicolon = contentType.indexOf(';');
            String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
            return switch (mediaType) {
                case "application/json" -> Optional.of(JSON);
                case "application/yaml", "application/x-yaml", "text/yaml" -> Optional.of(YAML);
                default -> Optional.empty();
            };
        }

        /** CLI: by file extension {@code .json}, {@code .yaml}, {@code .yml} (case-insensitive). */
        public static Optional<Format> fromFileName(String fileName) {
            if (fileName == null) {
                return Optional.empty();
            }
            String lower = fileName.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".json")) {
                return Optional.of(JSON);
            }
            if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
                return Optional.of(YAML);
            }
            return Optional.empty();
        }

        ValidationResult.SyntaxErrorCode syntaxErrorCode() {
            return this == JSON ? ValidationResult.SyntaxErrorCode.MALFORMED_JSON : ValidationResult.SyntaxErrorCode.MALFORMED_YAML;
        }
    }

    /** Entry point of the validation: the CLI also accepts {@code inbound.type: local} (docs/CONTRACT.md#schema, docs/CONTRACT.md#local-run-cli). */
    public enum EntryPoint { API, CLI }

    /** {@code RELAY_MODE} (docs/CONTRACT.md#run-modes); decides whether {@code env:} token references are allowed (docs/CONTRACT.md#token-secret-references). */
    public enum RunMode {
        EMBEDDED, LOCALSTACK, AWS;

        /** Parses the {@code RELAY_MODE} value ({@code embedded}, {@code localstack}, {@code aws}). */
        public static Optional<RunMode> fromName(String name) {
            if (name == null) {
                return Optional.empty();
            }
            for (RunMode mode : values()) {
                if (mode.name().toLowerCase(Locale.ROOT).equals(name)) {
                    return Optional.of(mode);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * Where the validation runs.
     *
     * @param allowInsecureHttp {@code NOTIFY_ALLOW_INSECURE_HTTP}: plain {@code http} ntfy URLs to
     *                          non-loopback hosts (docs/CONTRACT.md#the-notifications-section)
     */
    public record Context(EntryPoint entryPoint, RunMode runMode, boolean allowInsecureHttp, int maxVendors) {
        public Context {
            Objects.requireNonNull(entryPoint, "entryPoint");
            Objects.requireNonNull(runMode, "runMode");
        }

        /** API and worker validation in the given mode. */
        public static Context api(RunMode runMode) {
            return new Context(EntryPoint.API, runMode, false, 0);
        }

        /**
         * The service's validation (API, worker, notifier): its mode, NOTIFY_ALLOW_INSECURE_HTTP and
         * the RELAY_MAX_VENDORS_PER_RUN quota, so a stored version and its re-validation agree.
         */
        public static Context service(RelaySettings settings) {
            return api(RunMode.valueOf(settings.mode().name()))
                    .withAllowInsecureHttp(settings.notifier().allowInsecureHttp())
                    .withMaxVendors(settings.engine().maxVendorsPerRun());
        }

        /** CLI validation: notifications and schedule are validated as in {@code embedded} mode (docs/CONTRACT.md#local-run-cli). */
        public static Context cli() {
            return new Context(EntryPoint.CLI, RunMode.EMBEDDED, false, 0);
        }

        public Context withAllowInsecureHttp(boolean allow) {
            return new Context(entryPoint, runMode, allow, maxVendors);
        }

        /** At most {@code max} vendors (0 = no limit). */
        public Context withMaxVendors(int max) {
            return new Context(entryPoint, runMode, allowInsecureHttp, max);
        }

        boolean isCli() {
            return entryPoint == EntryPoint.CLI;
        }
    }

    public TenantConfigParser() {
        // stateless; one shared instance is fine
    }

    /**
     * Parses and validates {@code body}. The body must be UTF-8 (a leading byte order mark is
     * ignored); anything else is a syntax error of the given format.
     */
    public ValidationResult parse(byte[] body, Format format, Context context) {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(context, "context");
        ValidationResult.SyntaxErrorCode syntaxError = format.syntaxErrorCode();
        String text;
        try {
            text = decodeUtf8(body == null ? new byte[0] : body);
        } catch (CharacterCodingException e) {
            return new ValidationResult.SyntaxError(syntaxError, "the document is not valid UTF-8");
        }
        DocumentNode root;
        try {
            root = format == Format.JSON ? JsonDocumentReader.read(text) : YamlDocumentReader.read(text);
        } catch (DocumentSyntaxException e) {
            return new ValidationResult.SyntaxError(syntaxError, e.getMessage());
        } catch (RuntimeException e) {
            // Defensive: a parser library failing in an unforeseen way still means "not well-formed".
            return new ValidationResult.SyntaxError(syntaxError, "the document could not be parsed");
        }
        return new ConfigValidator(context).validate(root);
    }

    /** Convenience for text already decoded (tests, the CLI after reading a file as UTF-8). */
    public ValidationResult parse(String body, Format format, Context context) {
        return parse(body == null ? null : body.getBytes(StandardCharsets.UTF_8), format, context);
    }

    private static String decodeUtf8(byte[] body) throws CharacterCodingException {
        CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(body));
        String text = chars.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }
}
