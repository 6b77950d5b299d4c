package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.logging.CausesTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** docs/CONTRACT.md#attempt-outcomes-retry-and-poison: which errors are retried and how long the message waits. */
class RetryAndClassificationTest {

    @Test
    void backoffDoublesFromTheBaseUpToTheCap() {
        assertThat(AttemptErrors.backoffSeconds(30, 900, 1)).isEqualTo(30);
        assertThat(AttemptErrors.backoffSeconds(30, 900, 2)).isEqualTo(60);
        assertThat(AttemptErrors.backoffSeconds(30, 900, 3)).isEqualTo(120);
        assertThat(AttemptErrors.backoffSeconds(30, 900, 6)).isEqualTo(900);
        assertThat(AttemptErrors.backoffSeconds(30, 900, 60)).isEqualTo(900);
        assertThat(AttemptErrors.backoffSeconds(0, 900, 4)).isZero();
    }

    @Test
    void sdkAndNetworkErrorsAreRetryableOthersAreUnexpected() {
        assertThat(AttemptErrors.isRetryable(S3Exception.builder().statusCode(503).build())).isTrue();
        assertThat(AttemptErrors.isRetryable(SdkClientException.create("timeout"))).isTrue();
        assertThat(AttemptErrors.isRetryable(new UncheckedIOException(new IOException(S3Exception.builder().statusCode(403).build()))))
                .isTrue();
        assertThat(AttemptErrors.isRetryable(new UncheckedIOException(new java.net.SocketException("reset")))).isTrue();
        assertThat(AttemptErrors.isRetryable(new IOException("No space left on device"))).isFalse();
        assertThat(AttemptErrors.isRetryable(new NullPointerException())).isFalse();
    }

    @Test
    void aCauseChainThatLoopsIsClassifiedAndDescribed() {
        CausesTest.Link cycle = CausesTest.cycle(); // a -> b -> a, neither an SDK nor a network error

        assertThat(AttemptErrors.isRetryable(cycle)).isFalse();
        assertThat(AttemptErrors.describe(cycle)).isEqualTo("Link: b");
    }

    @Test
    void errorTextNamesTheSdkErrorOnOneLine() {
        String text = AttemptErrors.describe(new IllegalStateException("wrapper",
                S3Exception.builder().statusCode(503).message("Slow Down\nplease").build()));
        assertThat(text).startsWith("S3Exception: Slow Down please").doesNotContain("\n");
        assertThat(AttemptErrors.describe(new IllegalArgumentException("bad"))).isEqualTo("IllegalArgumentException: bad");
    }
}
