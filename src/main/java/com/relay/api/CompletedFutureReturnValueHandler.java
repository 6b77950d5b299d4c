package com.relay.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.springframework.core.MethodParameter;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.AsyncHandlerMethodReturnValueHandler;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.DeferredResultMethodReturnValueHandler;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * platform-http's handler returns a {@link CompletableFuture}; Spring MVC answers any future
 * through an asynchronous request and a second dispatch through the whole servlet filter chain,
 * even when the future is already complete. The API's exchanges run on the request's own thread
 * ({@link ApiWebConfiguration}), so their future is complete when the handler returns: this
 * handler ends such a request right there (the response is already written) and leaves a pending
 * future to Spring's own handler. The second dispatch was about a third of the servlet threads'
 * time per {@code GET /v1/runs/{id}}.
 */
final class CompletedFutureReturnValueHandler implements AsyncHandlerMethodReturnValueHandler {

    /** Spring's own handler for futures (stateless), for one that is still pending. */
    private final HandlerMethodReturnValueHandler pending = new DeferredResultMethodReturnValueHandler();

    /** Puts this handler in front of the adapter's own ones. */
    static void install(RequestMappingHandlerAdapter adapter) {
        List<HandlerMethodReturnValueHandler> handlers = adapter.getReturnValueHandlers();
        if (handlers == null) throw new IllegalStateException("RequestMappingHandlerAdapter is not initialized yet");
        List<HandlerMethodReturnValueHandler> ordered = new ArrayList<>(handlers.size() + 1);
        ordered.add(new CompletedFutureReturnValueHandler());
        ordered.addAll(handlers);
        adapter.setReturnValueHandlers(ordered);
    }

    @Override
    public boolean supportsReturnType(MethodParameter returnType) {
        return CompletableFuture.class.isAssignableFrom(returnType.getParameterType());
    }

    /**
     * Marking futures as asynchronous makes Spring pick this handler without asking the other
     * fifteen first; it is the first handler anyway.
     */
    @Override
    public boolean isAsyncReturnValue(Object returnValue, MethodParameter returnType) {
        return returnValue instanceof CompletableFuture;
    }

    @Override
    public void handleReturnValue(Object returnValue, MethodParameter returnType, ModelAndViewContainer mavContainer,
                                  NativeWebRequest webRequest) throws Exception {
        if (!(returnValue instanceof CompletableFuture<?> future) || !future.isDone()) {
            pending.handleReturnValue(returnValue, returnType, mavContainer, webRequest);
            return;
        }
        try {
            future.get();
        } catch (ExecutionException e) {
            // what the asynchronous path would hand to the exception resolvers
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof Error error) throw error;
            throw cause instanceof Exception exception ? exception : e;
        }
        mavContainer.setRequestHandled(true);
    }
}
