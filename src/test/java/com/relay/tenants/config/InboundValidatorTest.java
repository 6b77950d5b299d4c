package com.relay.tenants.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.tenants.config.TenantConfigParser.Context;
import com.relay.tenants.config.TenantConfigParser.RunMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/CONFIG_SPEC.md "Vendor sources": the inbound types served by a vendor's own server. */
class InboundValidatorTest {

    private static final Context LOCALSTACK = Context.api(RunMode.LOCALSTACK);
    private static final Context EMBEDDED = Context.api(RunMode.EMBEDDED);
    private static final Context AWS = Context.api(RunMode.AWS);
    private static final String KEY = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";

    private static String config(String inbound) {
        return """
                tenant_id: merchant1
                timezone: UTC
                default_currency: USD
                vendors:
                  - vendor_id: acme
                    inbound: %s
                    parser: {format: csv}
                pricing: {base_margin_pct: 0, min_price: 0, shipping_handling_flat: 0, map_policy: {}, rounding: {}}
                merge: {strategy: best_offer, best_offer: {landed_cost: {}}}
                output: {columns: [sku]}
                """.formatted(inbound);
    }

    private static ValidationResult parse(String inbound, Context context) {
        return new TenantConfigParser().parse(config(inbound), TenantConfigParser.Format.YAML, context);
    }

    private static TenantConfig.Inbound valid(String inbound, Context context) {
        ValidationResult r = parse(inbound, context);
        assertThat(r).as(r.toString()).isInstanceOf(ValidationResult.Valid.class);
        return r.validConfig().orElseThrow().vendors().get(0).inbound();
    }

    private static List<ConfigProblem> problems(String inbound, Context context) {
        ValidationResult r = parse(inbound, context);
        assertThat(r).as(r.toString()).isInstanceOf(ValidationResult.Invalid.class);
        return ((ValidationResult.Invalid) r).problems();
    }

    private static ConfigProblem problem(String field, String message) {
        return ConfigProblem.of("vendors[0].inbound." + field, message);
    }

    @Test
    void anSftpSourceGetsItsDefaultsAndKeepsItsSecretAsAReference() {
        TenantConfig.Inbound in = valid("{type: sftp, host: sftp.acme.example, username: relay, "
                + "password: 'env:RELAY_SECRET_MERCHANT1_ACME_PW', host_key: '" + KEY + "'}", LOCALSTACK);
        assertThat(in.isRemote()).isTrue();
        assertThat(in.s3Prefix()).isNull();
        TenantConfig.Remote r = in.remote();
        assertThat(r.port()).isEqualTo(22);
        assertThat(r.directory()).isEqualTo("/");
        assertThat(r.filePattern()).isEqualTo("*");
        assertThat(r.minAgeSeconds()).isEqualTo(60);
        assertThat(r.password()).isEqualTo("env:RELAY_SECRET_MERCHANT1_ACME_PW");
        // the normalised form (config snapshots) holds the reference, never a value
        assertThat(TenantConfigJson.toObjectNode(parse("{type: sftp, host: h.example, username: u, "
                + "password: 'env:RELAY_SECRET_MERCHANT1_ACME_PW', host_key: '" + KEY + "'}", LOCALSTACK)
                .validConfig().orElseThrow()).toString()).contains("env:RELAY_SECRET_MERCHANT1_ACME_PW");
    }

    @Test
    void eachTypeHasItsDefaultPort() {
        String account = "host: h.example, username: u, password: 'ssm:/relay/sources/merchant1/pw'";
        assertThat(valid("{type: ftp, " + account + "}", LOCALSTACK).remote().port()).isEqualTo(21);
        assertThat(valid("{type: ftps, " + account + "}", LOCALSTACK).remote().port()).isEqualTo(21);
        TenantConfig.Remote mail = valid("{type: email, " + account + "}", LOCALSTACK).remote();
        assertThat(mail.port()).isEqualTo(993);
        assertThat(mail.folder()).isEqualTo("INBOX");
        assertThat(mail.attachmentPattern()).isEqualTo("*");
    }

    @Test
    void aLiteralPasswordIsRefusedWithoutRepeatingIt() {
        List<ConfigProblem> p = problems("{type: ftp, host: h.example, username: u, password: hunter2}", LOCALSTACK);
        assertThat(p).singleElement().satisfies(pr -> {
            assertThat(pr.path()).isEqualTo("vendors[0].inbound.password");
            assertThat(pr.message()).startsWith("must be a secret reference, not a literal: ").doesNotContain("hunter2");
        });
    }

    @Test
    void aReferenceToAnotherTenantOrToTheNtfyAreaIsRefused() {
        String other = "{type: ftp, host: h.example, username: u, password: 'env:RELAY_SECRET_GLOBEX_PW'}";
        assertThat(problems(other, LOCALSTACK)).extracting(ConfigProblem::path).containsExactly("vendors[0].inbound.password");
        String ntfy = "{type: ftp, host: h.example, username: u, password: 'ssm:/relay/ntfy/merchant1/token'}";
        assertThat(problems(ntfy, LOCALSTACK)).singleElement().extracting(ConfigProblem::message).asString()
                .contains("ssm:/relay/sources/merchant1/");
        String otherTenantSsm = "{type: ftp, host: h.example, username: u, password: 'ssm:/relay/sources/globex/pw'}";
        assertThat(problems(otherTenantSsm, LOCALSTACK)).hasSize(1);
        // env: references are for embedded and localstack only
        String env = "{type: ftp, host: h.example, username: u, password: 'env:RELAY_SECRET_MERCHANT1_PW'}";
        assertThat(problems(env, AWS)).singleElement().extracting(ConfigProblem::message).asString()
                .contains("only allowed in embedded and localstack modes");
    }

    @Test
    void sftpNeedsAPinnedHostKeyOutsideEmbeddedMode() {
        String noKey = "{type: sftp, host: h.example, username: u, password: 'env:RELAY_SECRET_MERCHANT1_PW'}";
        assertThat(problems(noKey, LOCALSTACK)).containsExactly(
                problem("host_key", "is required when inbound.type is sftp (outside embedded mode)"));
        assertThat(valid(noKey, EMBEDDED).remote().hostKey()).isNull();
        assertThat(problems("{type: sftp, host: h.example, username: u, password: 'env:RELAY_SECRET_MERCHANT1_PW', "
                + "host_key: 'ab:cd'}", EMBEDDED)).extracting(ConfigProblem::path).containsExactly("vendors[0].inbound.host_key");
    }

    @Test
    void sftpTakesAPasswordOrAKeyNotBothNorNeither() {
        String base = "{type: sftp, host: h.example, username: u, host_key: '" + KEY + "'";
        assertThat(problems(base + "}", LOCALSTACK)).containsExactly(
                problem("password", "is required when inbound.type is sftp and private_key is not set"));
        assertThat(problems(base + ", password: 'env:RELAY_SECRET_MERCHANT1_A', private_key: 'env:RELAY_SECRET_MERCHANT1_B'}",
                LOCALSTACK)).containsExactly(problem("private_key", "must not be set together with password"));
        assertThat(valid(base + ", private_key: 'ssm:/relay/sources/merchant1/key'}", LOCALSTACK).remote().privateKey())
                .isEqualTo("ssm:/relay/sources/merchant1/key");
    }

    @Test
    void anEncryptedKeysPassphraseIsASecretReferenceAndOnlyGoesWithAKey() {
        String base = "{type: sftp, host: h.example, username: u, host_key: '" + KEY + "'";
        TenantConfig.Remote r = valid(base + ", private_key: 'ssm:/relay/sources/merchant1/key', "
                + "private_key_passphrase: 'ssm:/relay/sources/merchant1/key-pass'}", LOCALSTACK).remote();
        assertThat(r.privateKeyPassphrase()).isEqualTo("ssm:/relay/sources/merchant1/key-pass");
        assertThat(TenantConfigJson.toObjectNode(parse(base + ", private_key: 'ssm:/relay/sources/merchant1/key', "
                + "private_key_passphrase: 'ssm:/relay/sources/merchant1/key-pass'}", LOCALSTACK).validConfig().orElseThrow()).toString())
                .contains("\"private_key_passphrase\":\"ssm:/relay/sources/merchant1/key-pass\"");
        assertThat(problems(base + ", password: 'env:RELAY_SECRET_MERCHANT1_A', private_key_passphrase: 'env:RELAY_SECRET_MERCHANT1_B'}",
                LOCALSTACK)).containsExactly(problem("private_key_passphrase", "is only allowed together with private_key"));
        assertThat(problems(base + ", private_key: 'env:RELAY_SECRET_MERCHANT1_A', private_key_passphrase: letmein}", LOCALSTACK))
                .singleElement().satisfies(p -> {
                    assertThat(p.path()).isEqualTo("vendors[0].inbound.private_key_passphrase");
                    assertThat(p.message()).startsWith("must be a secret reference, not a literal: ").doesNotContain("letmein");
                });
        assertThat(problems("{type: ftps, host: h.example, username: u, password: 'env:RELAY_SECRET_MERCHANT1_A', "
                + "private_key_passphrase: 'env:RELAY_SECRET_MERCHANT1_B'}", LOCALSTACK))
                .containsExactly(problem("private_key_passphrase", "is not allowed when inbound.type is ftps"));
    }

    @Test
    void ftpsIsExplicitTlsOnPort21UnlessTlsSaysImplicitOnPort990() {
        String account = "host: h.example, username: u, password: 'ssm:/relay/sources/merchant1/pw'";
        TenantConfig.Remote explicit = valid("{type: ftps, " + account + "}", LOCALSTACK).remote();
        assertThat(explicit.tls()).isEqualTo("explicit");
        assertThat(explicit.implicitTls()).isFalse();
        assertThat(explicit.port()).isEqualTo(21);
        TenantConfig.Remote implicit = valid("{type: ftps, tls: implicit, " + account + "}", LOCALSTACK).remote();
        assertThat(implicit.implicitTls()).isTrue();
        assertThat(implicit.port()).isEqualTo(990);
        assertThat(valid("{type: ftps, tls: implicit, port: 2990, " + account + "}", LOCALSTACK).remote().port()).isEqualTo(2990);
        assertThat(problems("{type: ftps, tls: starttls, " + account + "}", LOCALSTACK))
                .containsExactly(problem("tls", "must be one of: explicit, implicit"));
        assertThat(problems("{type: ftp, tls: implicit, " + account + "}", LOCALSTACK))
                .containsExactly(problem("tls", "is not allowed when inbound.type is ftp"));
    }

    @Test
    void aFieldOfAnotherTypeIsNamedAsSuch() {
        assertThat(problems("{type: http, url: 'https://f.example/a.csv', host: h.example, s3_prefix: tenants/merchant1/x/}",
                LOCALSTACK)).containsExactlyInAnyOrder(
                problem("host", "is not allowed when inbound.type is http"),
                problem("s3_prefix", "is not allowed when inbound.type is http"));
        assertThat(problems("{type: s3, s3_prefix: tenants/merchant1/in/, url: 'https://f.example/'}", LOCALSTACK))
                .containsExactly(problem("url", "is not allowed when inbound.type is s3"));
    }

    @Test
    void hostsDirectoriesPatternsAndAgesAreChecked() {
        String account = "username: u, password: 'env:RELAY_SECRET_MERCHANT1_PW'";
        assertThat(problems("{type: ftp, host: 'bad host', " + account + "}", LOCALSTACK))
                .extracting(ConfigProblem::path).containsExactly("vendors[0].inbound.host");
        assertThat(problems("{type: ftp, host: h.example, directory: 'out/../../etc', " + account + "}", LOCALSTACK))
                .containsExactly(problem("directory", "must be an absolute path ('/' first) without '..' segments"));
        assertThat(problems("{type: ftp, host: h.example, directory: '/a/../b', " + account + "}", LOCALSTACK))
                .extracting(ConfigProblem::path).containsExactly("vendors[0].inbound.directory");
        assertThat(problems("{type: ftp, host: h.example, file_pattern: '../x*', " + account + "}", LOCALSTACK))
                .containsExactly(problem("file_pattern", InboundValidator.GLOB_MESSAGE));
        assertThat(problems("{type: ftp, host: h.example, min_age_seconds: -1, " + account + "}", LOCALSTACK))
                .containsExactly(problem("min_age_seconds", "must be an integer from 0 to 604800"));
        assertThat(problems("{type: ftp, host: h.example, port: 70000, " + account + "}", LOCALSTACK))
                .containsExactly(problem("port", "must be an integer from 1 to 65535"));
        assertThat(valid("{type: ftp, host: '[::1]', port: 2121, " + account + "}", EMBEDDED).remote().port()).isEqualTo(2121);
    }

    @Test
    void anHttpSourceIsHttpsWithoutCredentialsInTheUrl() {
        assertThat(valid("{type: http, url: 'https://feeds.beta.example/stock.xlsx'}", LOCALSTACK).remote().auth()).isNull();
        assertThat(problems("{type: http, url: 'https://relay:pw@feeds.beta.example/stock.csv'}", LOCALSTACK))
                .extracting(ConfigProblem::path).containsExactly("vendors[0].inbound.url");
        assertThat(problems("{type: http, url: 'http://feeds.beta.example/stock.csv'}", LOCALSTACK))
                .extracting(ConfigProblem::path).containsExactly("vendors[0].inbound.url");
        // plain http to loopback (tests, a local bridge) is allowed as for ntfy
        valid("{type: http, url: 'http://127.0.0.1:8080/stock.csv'}", LOCALSTACK);
        assertThat(problems("{type: http}", LOCALSTACK)).containsExactly(problem("url", "is required when inbound.type is http"));
    }

    @Test
    void httpAuthTakesTheFieldsOfItsType() {
        TenantConfig.HttpAuth basic = valid("{type: http, url: 'https://f.example/s.csv', auth: {type: basic, username: relay, "
                + "password: 'secretsmanager:relay/sources/merchant1/beta'}}", LOCALSTACK).remote().auth();
        assertThat(basic.username()).isEqualTo("relay");
        assertThat(basic.password()).isEqualTo("secretsmanager:relay/sources/merchant1/beta");
        assertThat(valid("{type: http, url: 'https://f.example/s.csv', auth: {type: header, name: X-Api-Key, "
                + "value: 'env:RELAY_SECRET_MERCHANT1_KEY'}}", LOCALSTACK).remote().auth().name()).isEqualTo("X-Api-Key");
        assertThat(problems("{type: http, url: 'https://f.example/s.csv', auth: {type: bearer, token: 'env:RELAY_SECRET_MERCHANT1_T', "
                + "username: u}}", LOCALSTACK)).containsExactly(problem("auth.username", "is not allowed when auth.type is bearer"));
        assertThat(problems("{type: http, url: 'https://f.example/s.csv', auth: {type: header, name: Host, "
                + "value: 'env:RELAY_SECRET_MERCHANT1_T'}}", LOCALSTACK)).extracting(ConfigProblem::path)
                .containsExactly("vendors[0].inbound.auth.name");
        assertThat(problems("{type: http, url: 'https://f.example/s.csv', auth: {type: digest}}", LOCALSTACK))
                .containsExactly(problem("auth.type", "must be one of: basic, bearer, header"));
    }

    @Test
    void anEmailSourceChecksItsSender() {
        String account = "host: imap.example.com, username: feeds@m.example, password: 'env:RELAY_SECRET_MERCHANT1_IMAP'";
        TenantConfig.Remote r = valid("{type: email, " + account + ", from: stock@gamma.example, subject_contains: Daily stock, "
                + "attachment_pattern: '*.csv'}", LOCALSTACK).remote();
        assertThat(r.from()).isEqualTo("stock@gamma.example");
        assertThat(r.subjectContains()).isEqualTo("Daily stock");
        assertThat(problems("{type: email, " + account + ", from: nobody}", LOCALSTACK))
                .containsExactly(problem("from", "must be an e-mail address"));
    }
}
