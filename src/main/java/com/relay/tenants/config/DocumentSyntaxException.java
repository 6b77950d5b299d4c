package com.relay.tenants.config;

/** The body is not well-formed JSON/YAML (docs/CONTRACT.md#validation step 1): MALFORMED_JSON / MALFORMED_YAML. */
final class DocumentSyntaxException extends Exception {
    DocumentSyntaxException(String message) {
        super(message, null, false, false);
    }
}
