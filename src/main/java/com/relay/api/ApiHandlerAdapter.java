package com.relay.api;

import org.springframework.validation.method.MethodValidator;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod;

/**
 * Spring MVC's adapter with two per-request costs removed, neither of which changes what a
 * request does (both showed in profiles of {@code GET /v1/runs/{id}} under load):
 * <ul>
 *   <li>a completed {@code CompletableFuture} from platform-http's handler ends the request at
 *       once ({@link CompletedFutureReturnValueHandler}) instead of a second, asynchronous
 *       dispatch;</li>
 *   <li>Spring hands its method validator to every invocation, and that scans the handler
 *       method's annotations for validation groups on every request (about 4 % of a request
 *       thread's time), even for a method that validates nothing. The validator is kept only for
 *       methods that do validate their arguments or return value, the only ones Spring would
 *       apply it to.</li>
 * </ul>
 */
final class ApiHandlerAdapter extends RequestMappingHandlerAdapter {

    @Override
    public void afterPropertiesSet() {
        super.afterPropertiesSet();
        CompletedFutureReturnValueHandler.install(this);
    }

    @Override
    protected ServletInvocableHandlerMethod createInvocableHandlerMethod(HandlerMethod handlerMethod) {
        return new ServletInvocableHandlerMethod(handlerMethod) {
            @Override
            public void setMethodValidator(MethodValidator validator) {
                super.setMethodValidator(shouldValidateArguments() || shouldValidateReturnValue() ? validator : null);
            }
        };
    }
}
