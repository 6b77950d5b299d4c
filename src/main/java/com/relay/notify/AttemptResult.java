package com.relay.notify;

/**
 * The result of one HTTP attempt: a status (with body and {@code Retry-After}) or a transport
 * error (connect/request timeout, refused, reset, DNS, TLS, any I/O error before a complete response).
 */
public record AttemptResult(Integer httpStatus, String body, String retryAfter, String errorClass, String errorText) {

    public static AttemptResult http(int status, String body, String retryAfter) {
        return new AttemptResult(status, body, retryAfter, null, null);
    }

    public static AttemptResult transport(Throwable error) {
        String text = error.getMessage() == null ? "" : error.getMessage().replaceAll("[\\r\\n]+", " ");
        if (text.length() > 200) text = text.substring(0, 200);
        return new AttemptResult(null, null, null, error.getClass().getSimpleName(), text);
    }

    public boolean transportError() { return httpStatus == null; }

    /** {@code HTTP <status>} or {@code <error class> <short text>} (docs/CONTRACT.md#classification-of-an-attempt). */
    public String describe() {
        return transportError() ? (errorClass + (errorText.isEmpty() ? "" : " " + errorText)).trim() : "HTTP " + httpStatus;
    }
}
