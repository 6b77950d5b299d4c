package com.relay.api;

import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's own error answers — a request it refuses before any servlet runs (a header with a
 * control character, headers over the size limit, a malformed request line) — in the API's one
 * error shape (docs/CONTRACT.md#api-errors) instead of Tomcat's HTML page (issue 17 hostile-input corpus). Installed
 * as the host's error report valve by {@link ApiWebConfiguration}.
 */
public class ApiErrorReportValve extends ErrorReportValve {

    public ApiErrorReportValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) return;
        ApiException error = ApiErrors.forStatus(status);
        String correlationId = CorrelationIds.resolve(null);
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("utf-8");
            response.setHeader(CorrelationIds.HEADER, correlationId);
            if (error.status() == 503) response.setHeader("Retry-After", "5");
            response.getOutputStream().write(Json.write(ApiErrors.body(error, correlationId)));
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response was already committed: nothing more to say
        }
    }
}
