package com.relay.tenants.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.relay.tenants.config.TenantConfigParser.Context;
import com.relay.tenants.config.TenantConfigParser.Format;

import java.util.Arrays;

/**
 * Coverage-guided fuzzing (Jazzer) of tenant configuration parsing and validation (docs/CONTRACT.md#validation), JSON
 * and YAML. Byte 0 picks the format (bit 0) and the context (the rest, modulo the contexts of
 * {@link TenantConfigParserProperties}); the rest is the document. The outcome must be one of the
 * documented results (the same check as the jqwik properties), a valid one a fixed point of
 * normalise → parse. Seeds under {@code TenantConfigParserFuzzTestInputs/<method>/} replay in the
 * normal build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class TenantConfigParserFuzzTest {

    private static final TenantConfigParser PARSER = new TenantConfigParser();

    @FuzzTest(maxDuration = "3m")
    void everyDocumentEndsInADocumentedOutcome(byte[] input) {
        if (input.length == 0) return;
        Format format = (input[0] & 1) == 0 ? Format.JSON : Format.YAML;
        Context context = TenantConfigParserProperties.CONTEXTS.get(
                ((input[0] & 0xff) >> 1) % TenantConfigParserProperties.CONTEXTS.size());
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        TenantConfigParserProperties.checkOutcome(PARSER.parse(body, format, context), format, context);
    }
}
