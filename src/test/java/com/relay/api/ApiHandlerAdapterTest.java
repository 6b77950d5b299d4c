package com.relay.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;
import org.springframework.context.support.StaticApplicationContext;
import org.springframework.validation.method.MethodValidator;
import org.springframework.web.method.HandlerMethod;

class ApiHandlerAdapterTest {

    @SuppressWarnings("unused") // handler shapes: one validates nothing, two what Spring would validate
    static class Handlers {
        public String plain(String id) { return id; }
        public String constrained(@NotBlank String id) { return id; }
        public String valid(@Valid java.util.List<Object> items) { return "ok"; }
    }

    private final ApiHandlerAdapter adapter = new ApiHandlerAdapter();
    private final MethodValidator validator = mock(MethodValidator.class);

    ApiHandlerAdapterTest() {
        adapter.setApplicationContext(new StaticApplicationContext());
        adapter.afterPropertiesSet();
        when(validator.determineValidationGroups(any(), any())).thenReturn(new Class<?>[0]);
    }

    private void invocable(String name, Class<?>... types) throws NoSuchMethodException {
        Method m = Handlers.class.getMethod(name, types);
        // the validate flags are what the handler mapping computes for every registered handler method
        adapter.createInvocableHandlerMethod(new HandlerMethod(new Handlers(), m).createWithValidateFlags())
                .setMethodValidator(validator);
    }

    @Test
    void aHandlerThatValidatesNothingSkipsTheValidationGroupScan() throws Exception {
        invocable("plain", String.class);
        verify(validator, never()).determineValidationGroups(any(), any());
    }

    @Test
    void aHandlerThatValidatesKeepsTheValidator() throws Exception {
        invocable("constrained", String.class);
        invocable("valid", java.util.List.class);
        verify(validator, org.mockito.Mockito.times(2)).determineValidationGroups(any(), any());
    }

    @Test
    void installsTheCompletedFutureHandlerFirst() {
        assertThat(adapter.getReturnValueHandlers()).first().isInstanceOf(CompletedFutureReturnValueHandler.class);
    }
}
