package com.relay.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.core.MethodParameter;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.async.StandardServletAsyncWebRequest;
import org.springframework.web.context.request.async.WebAsyncUtils;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

class CompletedFutureReturnValueHandlerTest {

    private final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/v1/runs/r1");
    private final MockHttpServletResponse response = new MockHttpServletResponse();
    private final ServletWebRequest webRequest = new ServletWebRequest(request, response);
    private final ModelAndViewContainer mav = new ModelAndViewContainer();

    private static HandlerMethodReturnValueHandler installed() {
        RequestMappingHandlerAdapter adapter = new RequestMappingHandlerAdapter();
        adapter.setApplicationContext(new org.springframework.context.support.StaticApplicationContext());
        adapter.afterPropertiesSet();
        CompletedFutureReturnValueHandler.install(adapter);
        return adapter.getReturnValueHandlers().get(0);
    }

    private static MethodParameter futureType() throws NoSuchMethodException {
        return new MethodParameter(CompletedFutureReturnValueHandlerTest.class.getDeclaredMethod("handler"), -1);
    }

    @SuppressWarnings("unused") // the handler method shape of platform-http's consumer
    private static CompletableFuture<Void> handler() {
        return null;
    }

    @Test
    void comesFirstForFuturesOnly() throws Exception {
        HandlerMethodReturnValueHandler first = installed();
        assertThat(first).isInstanceOf(CompletedFutureReturnValueHandler.class);
        assertThat(first.supportsReturnType(futureType())).isTrue();
        assertThat(first.supportsReturnType(new MethodParameter(List.class.getMethod("size"), -1))).isFalse();
        // an "async" value to Spring, so its handler selection stops at this handler
        var async = (org.springframework.web.method.support.AsyncHandlerMethodReturnValueHandler) first;
        assertThat(async.isAsyncReturnValue(new CompletableFuture<>(), futureType())).isTrue();
        assertThat(async.isAsyncReturnValue("body", futureType())).isFalse();
    }

    @Test
    void completedFutureEndsTheRequestWithoutAsyncProcessing() throws Exception {
        request.setAsyncSupported(true);
        installed().handleReturnValue(CompletableFuture.completedFuture(null), futureType(), mav, webRequest);
        assertThat(mav.isRequestHandled()).isTrue();
        assertThat(request.isAsyncStarted()).isFalse();
    }

    @Test
    void failedFutureHandsItsCauseToTheExceptionResolvers() throws Exception {
        IOException failure = new IOException("broken pipe");
        assertThatThrownBy(() -> installed().handleReturnValue(CompletableFuture.failedFuture(failure), futureType(), mav, webRequest))
                .isSameAs(failure);
        assertThat(request.isAsyncStarted()).isFalse();
    }

    @Test
    void pendingFutureStillGoesThroughSpringsAsyncHandling() throws Exception {
        request.setAsyncSupported(true);
        WebAsyncUtils.getAsyncManager(webRequest).setAsyncWebRequest(new StandardServletAsyncWebRequest(request, response));
        CompletableFuture<Void> pending = new CompletableFuture<>();
        installed().handleReturnValue(pending, futureType(), mav, webRequest);
        assertThat(request.isAsyncStarted()).isTrue();
        assertThat(mav.isRequestHandled()).isFalse();
        pending.complete(null);
        assertThat(WebAsyncUtils.getAsyncManager(webRequest).hasConcurrentResult()).isTrue();
    }
}
