package com.relay.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The API's limit beans (issue 17): rate limiter, upload stream bounds, spool budget, what errors echo. */
class ApiLimitsTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Test
    void rateLimiterAllowsTheBurstThenOneTokenPerInterval() {
        TenantRateLimiter limiter = new TenantRateLimiter(2, 3, nanos::get);
        assertThat(limiter.acquire("acme")).isZero();
        assertThat(limiter.acquire("acme")).isZero();
        assertThat(limiter.acquire("acme")).isZero();
        assertThat(limiter.acquire("acme")).isEqualTo(1); // empty: retry after ceil(1 token / 2 per s)
        assertThat(limiter.acquire("globex")).as("another tenant has its own bucket").isZero();
        nanos.addAndGet(500_000_000L); // half a second = one token at 2/s
        assertThat(limiter.acquire("acme")).isZero();
        assertThat(limiter.acquire("acme")).isPositive();
        nanos.addAndGet(60_000_000_000L);
        for (int i = 0; i < 3; i++) assertThat(limiter.acquire("acme")).as("refilled to the burst, not beyond").isZero();
        assertThat(limiter.acquire("acme")).isPositive();
    }

    @Test
    void rateLimiterRetryAfterRoundsUpToWholeSeconds() {
        TenantRateLimiter limiter = new TenantRateLimiter(1, 1, nanos::get);
        assertThat(limiter.acquire("a")).isZero();
        nanos.addAndGet(100_000_000L);
        assertThat(limiter.acquire("a")).isEqualTo(1);
    }

    @Test
    void rateLimiterKeepsABoundedNumberOfTenants() {
        TenantRateLimiter limiter = new TenantRateLimiter(1, 1, nanos::get);
        for (int i = 0; i < TenantRateLimiter.MAX_TENANTS + 500; i++) limiter.acquire("t" + i);
        assertThat(limiter.size()).isEqualTo(TenantRateLimiter.MAX_TENANTS);
    }

    @Test
    void rateLimitZeroIsOff() {
        TenantRateLimiter limiter = new TenantRateLimiter(0, 1, nanos::get);
        for (int i = 0; i < 1000; i++) assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.size()).isZero();
    }

    @Test
    void uploadBodyStopsAtTheTotalDeadline() throws IOException {
        InputStream endless = new InputStream() {
            @Override public int read() { return 'a'; }
            @Override public int read(byte[] b, int off, int len) {
                nanos.addAndGet(1_000_000_000L); // every read takes a second
                return 1;
            }
        };
        UploadBody body = new UploadBody(endless, Long.MAX_VALUE, 30, 5, nanos::get);
        byte[] buffer = new byte[8];
        for (int i = 0; i < 5; i++) assertThat(body.read(buffer, 0, 8)).isEqualTo(1);
        assertThatThrownBy(() -> body.read(buffer, 0, 8)).isInstanceOf(IOException.class);
        assertThat(body.failure().status()).isEqualTo(408);
        assertThat(body.failure().getMessage()).contains("INBOUND_UPLOAD_TIMEOUT_SECONDS").contains("5 s");
    }

    @Test
    void uploadBodyNamesTheSizeLimitAndTheReadTimeout() {
        UploadBody big = new UploadBody(new ByteArrayInputStream(new byte[11]), 10, 30, 900, nanos::get);
        assertThatThrownBy(() -> big.readAllBytes()).isInstanceOf(IOException.class);
        assertThat(big.failure().status()).isEqualTo(413);
        assertThat(big.failure().getMessage()).contains("10 bytes").contains("INBOUND_MAX_BYTES");

        InputStream stalled = new InputStream() {
            @Override public int read() throws IOException { throw new SocketTimeoutException("read timed out"); }
        };
        UploadBody slow = new UploadBody(stalled, 10, 30, 900, nanos::get);
        assertThatThrownBy(() -> slow.read()).isInstanceOf(IOException.class);
        assertThat(slow.failure().status()).isEqualTo(408);
        assertThat(slow.failure().getMessage()).contains("INBOUND_READ_TIMEOUT_SECONDS");

        InputStream cut = new InputStream() {
            @Override public int read() throws IOException { throw new java.io.EOFException(); }
        };
        UploadBody incomplete = new UploadBody(cut, 10, 30, 900, nanos::get);
        assertThatThrownBy(() -> incomplete.read()).isInstanceOf(IOException.class);
        assertThat(incomplete.failure().code()).isEqualTo("UPLOAD_INCOMPLETE");
    }

    @Test
    void spoolBudgetRefusesWhatDoesNotFitAndTakesNothingThen() {
        SpoolBudget budget = new SpoolBudget(100);
        assertThat(budget.reserve(60)).isTrue();
        assertThat(budget.reserve(41)).isFalse();
        assertThat(budget.used()).isEqualTo(60);
        assertThat(budget.reserve(40)).isTrue();
        budget.release(100);
        assertThat(budget.used()).isZero();
    }

    @Test
    void storedContentTypeDependsOnTheFileNameOnly() {
        assertThat(InboundApi.storedContentType("feed.csv")).isEqualTo("text/csv");
        assertThat(InboundApi.storedContentType("FEED.CSV")).isEqualTo("text/csv");
        assertThat(InboundApi.storedContentType("page.html")).isEqualTo("application/octet-stream");
        assertThat(InboundApi.storedContentType("feed.csv.gz")).isEqualTo("application/octet-stream");
        // every vendor file format (issue 20)
        assertThat(InboundApi.storedContentType("stock.xlsx"))
                .isEqualTo("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        assertThat(InboundApi.storedContentType("stock.JSON")).isEqualTo("application/json");
        assertThat(InboundApi.storedContentType("stock.xml")).isEqualTo("application/xml");
        assertThat(InboundApi.storedContentType("stock.tsv")).isEqualTo("text/tab-separated-values");
        assertThat(InboundApi.storedContentType("stock.txt")).isEqualTo("text/plain");
        assertThat(InboundApi.storedContentType("page.svg")).isEqualTo("application/octet-stream");
        assertThat(InboundApi.storedContentType("xlsx")).isEqualTo("application/octet-stream");
    }

    @Test
    void errorsEchoOnlyHarmlessShortValues() {
        assertThat(Ids.shown("text/csv; charset=utf-8")).isEqualTo("text/csv; charset=utf-8");
        assertThat(Ids.shown("text/<script>")).isEqualTo("(invalid)");
        assertThat(Ids.shown("a\u0000b")).isEqualTo("(invalid)");
        assertThat(Ids.shown("x".repeat(65))).isEqualTo("(invalid)");
        assertThat(Ids.printable("bad \u202e<b>\"x\"")).isEqualTo("bad ??b??x?");
        assertThat(Ids.printable("9".repeat(5000))).hasSize(201);
        assertThat(ApiException.runNotFound("<script>").getMessage()).isEqualTo("run (invalid id) not found");
        assertThat(ApiException.tenantNotFound("a\u0000").getMessage()).isEqualTo("tenant (invalid id) not found");
        assertThat(ApiException.unsupportedMediaType("text/<b>").getMessage()).doesNotContain("<b>");
    }
}
