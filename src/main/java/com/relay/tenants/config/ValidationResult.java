package com.relay.tenants.config;

import java.util.List;
import java.util.Optional;

/**
 * Outcome of {@link TenantConfigParser#parse}: exactly one of a valid normalised configuration, a
 * syntax error (docs/CONTRACT.md#validation step 1, HTTP 400) or a non-empty list of problems (steps 2–3, HTTP 422).
 */
public sealed interface ValidationResult
        permits ValidationResult.Valid, ValidationResult.SyntaxError, ValidationResult.Invalid {

    /** The API error code of a syntax error. */
    enum SyntaxErrorCode { MALFORMED_JSON, MALFORMED_YAML }

    record Valid(TenantConfig config) implements ValidationResult {}

    /** @param message a short description with line/column, never the document's content beyond a key name */
    record SyntaxError(SyntaxErrorCode code, String message) implements ValidationResult {}

    record Invalid(List<ConfigProblem> problems) implements ValidationResult {
        public Invalid {
            problems = List.copyOf(problems);
            if (problems.isEmpty()) {
                throw new IllegalArgumentException("an invalid result has at least one problem");
            }
        }

        /** True for the single-problem result of docs/CONTRACT.md#validation step 2 (CLI prints this code first, docs/CONTRACT.md#local-run-cli). */
        public boolean unsupportedSchemaVersion() {
            return problems.size() == 1 && ConfigProblem.UNSUPPORTED_SCHEMA_VERSION.equals(problems.get(0).code());
        }
    }

    default boolean isValid() {
        return this instanceof Valid;
    }

    default Optional<TenantConfig> validConfig() {
        return this instanceof Valid v ? Optional.of(v.config()) : Optional.empty();
    }

    default List<ConfigProblem> problems() {
        return this instanceof Invalid i ? i.problems() : List.of();
    }
}
