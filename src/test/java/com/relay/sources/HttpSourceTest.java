package com.relay.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The pure parts of the http source: what a response header or URL says. */
class HttpSourceTest {

    @Test
    void theManifestUrlHasNoQueryUserInfoOrFragment() {
        assertThat(HttpSource.where("https://u:p@feeds.example:8443/a/stock.csv?token=s3cr3t#x"))
                .isEqualTo("https://feeds.example:8443/a/stock.csv");
        assertThat(HttpSource.where("not a url")).isEqualTo("(an invalid URL)");
    }

    @Test
    void theFileNameComesFromContentDispositionElseTheLastPathSegment() {
        assertThat(HttpSource.fileName("attachment; filename=\"stock 1.csv\"", "https://h/x")).isEqualTo("stock 1.csv");
        assertThat(HttpSource.fileName("attachment; filename=stock.csv; size=3", "https://h/x")).isEqualTo("stock.csv");
        assertThat(HttpSource.fileName("attachment; filename=\"a.csv\"; filename*=UTF-8''b%C3%A9.csv", "https://h/x"))
                .isEqualTo("bé.csv");
        assertThat(HttpSource.fileName(null, "https://h/feeds/stock.xlsx?sig=1")).isEqualTo("stock.xlsx");
        assertThat(HttpSource.fileName(null, "https://h/feeds/")).isNull();
    }

    @Test
    void lengthsAndDatesThatCannotBeReadAreUnknown() {
        assertThat(HttpSource.contentLength("52428800")).isEqualTo(52_428_800L);
        assertThat(HttpSource.contentLength("-1")).isNull();
        assertThat(HttpSource.contentLength("abc")).isNull();
        assertThat(HttpSource.httpDate("Wed, 04 Mar 2026 05:06:07 GMT")).isEqualTo(Instant.parse("2026-03-04T05:06:07Z"));
        assertThat(HttpSource.httpDate("yesterday")).isNull();
    }

    @Test
    void redirectsOnlyToTheSameHostAndPortOverHttps() {
        assertThat(HttpSourceClient.SameHostHttpsRedirects.allowed("https", "feeds.example", -1, URI.create("https://FEEDS.example/b"))).isTrue();
        assertThat(HttpSourceClient.SameHostHttpsRedirects.allowed("https", "feeds.example", 443, URI.create("https://feeds.example:443/b"))).isTrue();
        assertThat(HttpSourceClient.SameHostHttpsRedirects.allowed("https", "feeds.example", -1, URI.create("http://feeds.example/b"))).isFalse();
        assertThat(HttpSourceClient.SameHostHttpsRedirects.allowed("https", "feeds.example", -1, URI.create("https://cdn.example/b"))).isFalse();
        assertThat(HttpSourceClient.SameHostHttpsRedirects.allowed("https", "feeds.example", -1, URI.create("https://feeds.example:8443/b"))).isFalse();
        // http → https on the same host: the port changes (80 → 443), so it is another origin
        assertThat(HttpSourceClient.SameHostHttpsRedirects.allowed("http", "feeds.example", -1, URI.create("https://feeds.example/b"))).isFalse();
    }
}
