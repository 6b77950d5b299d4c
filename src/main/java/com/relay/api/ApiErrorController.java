package com.relay.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * Replaces Spring Boot's whitelabel/JSON error page: errors raised before a Camel route runs
 * (unknown path → 404 {@code NOT_FOUND}, known path with a wrong method → 405
 * {@code METHOD_NOT_ALLOWED} with Spring's {@code Allow} header kept, …) get the docs/CONTRACT.md#api-errors shape and
 * the correlation id the filter assigned. No exception text is ever written.
 */
@Controller
public class ApiErrorController implements ErrorController {

    @RequestMapping("/error")
    public void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 500;
        ApiException error = request.getAttribute(ApiGate.FAILURE) instanceof ApiException answered ? answered
                : ApiErrors.forStatus(status);
        String correlationId = (String) request.getAttribute(RequestBodyFilter.CORRELATION_ID);
        if (correlationId == null) correlationId = CorrelationIds.resolve(null);
        response.setStatus(error.status());
        response.setHeader(CorrelationIds.HEADER, correlationId);
        error.headers().forEach(response::setHeader);
        if (error.status() == 503 && !error.headers().containsKey("Retry-After")) response.setHeader("Retry-After", "5");
        response.setContentType("application/json; charset=utf-8");
        response.getOutputStream().write(Json.write(ApiErrors.body(error, correlationId)));
    }
}
