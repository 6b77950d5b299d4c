package com.relay.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import com.relay.explain.ExplainApi;
import com.relay.notify.MetricsApi;
import com.relay.notify.NotificationsApi;
import com.relay.worker.RunAbandonment;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.BeanDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.apache.camel.spi.IdAware;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/**
 * routes/api.camel.yaml loaded into a plain CamelContext with mock beans (no HTTP server, no
 * emulators): the API route ids, that each operation is enter, operation, reply with its step ids,
 * and calls them in order; the REST DSL declares produces once.
 */
class ApiRouteShapeTest {

    /** Every API route id, in the order of the route file: Hawtio, metrics and logs name routes by these. */
    static final List<String> ROUTE_IDS = List.of("get-health", "api-get-openapi", "api-create-tenant", "api-get-tenant",
            "api-list-tenant-versions", "api-put-tenant-config", "api-create-run", "api-abandon-run", "api-get-run",
            "api-list-runs", "api-get-run-artifacts", "api-get-feed", "api-get-feed-status",
            "api-publish-run", "api-rollback-feed", "api-get-run-explain", "api-upload-inbound", "api-create-api-key", "api-list-api-keys",
            "api-delete-api-key", "api-list-notifications", "api-get-notification", "api-create-notification",
            "api-get-metrics", "api-admin-get-pauses", "api-admin-pause-all", "api-admin-resume-all",
            "api-admin-pause-tenant", "api-admin-resume-tenant", "api-admin-list-circuit-breakers",
            "api-admin-reset-circuit-breaker", "api-admin-fire-schedule");

    private final Map<String, Object> beans = new LinkedHashMap<>();
    private final DefaultCamelContext camel = new DefaultCamelContext();

    ApiRouteShapeTest() {
        for (Class<?> type : List.of(ApiGate.class, HealthResource.class, OpenApiResource.class, TenantsApi.class,
                RunsApi.class, RunAbandonment.class, InboundApi.class, ApiKeysApi.class, NotificationsApi.class,
                MetricsApi.class, OperatorApi.class, ExplainApi.class, com.relay.publish.PublishingApi.class)) {
            String name = Character.toLowerCase(type.getSimpleName().charAt(0)) + type.getSimpleName().substring(1);
            beans.put(name, mock(type));
        }
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    /** The route file with API_ENABLED=false: no REST service built (no HTTP server needed), routes built but stopped. */
    private void load() throws Exception {
        beans.forEach(camel.getRegistry()::bind);
        camel.getPropertiesComponent().addInitialProperty("relay.api.enabled", "false");
        PluginHelper.getRoutesLoader(camel).loadRoutes(
                ResourceHelper.resolveResource(camel, "file:" + Path.of("routes/api.camel.yaml").toAbsolutePath()));
        camel.start();
    }

    @Test
    void everyApiRouteKeepsItsIdAndEveryOperationButHealthIsEnterOperationReply() throws Exception {
        load();
        assertThat(camel.getRouteDefinitions()).extracting(RouteDefinition::getId).containsExactlyElementsOf(ROUTE_IDS);
        for (RouteDefinition def : camel.getRouteDefinitions()) {
            String id = def.getId();
            Route route = camel.getRoute(id);
            assertThat(route.getEndpoint().getEndpointUri()).as(id).isEqualTo("direct://" + id);
            assertThat(route.getConfigurationId()).as(id).isEqualTo("api-errors");
            if (id.equals("get-health")) continue;
            List<BeanDefinition> steps = beanSteps(def);
            assertThat(steps).as(id).hasSize(3);
            assertThat(steps.get(0).getId()).isEqualTo(id + "-enter");
            assertThat(steps.get(0).getRef()).isEqualTo("apiGate");
            assertThat(steps.get(0).getMethod()).isEqualTo(id.equals("api-get-openapi") ? "enterPublic" : "enter");
            assertThat(steps.get(1).getId()).startsWith(id + "-");
            if (!id.equals("api-get-openapi")) {
                assertThat(steps.get(1).getMethod()).as(id).endsWith("(${exchangeProperty.relayRequest})");
            }
            assertThat(steps.get(2).getId()).isEqualTo(id + "-reply");
            assertThat(steps.get(2).getRef()).isEqualTo("apiGate");
            assertThat(steps.get(2).getMethod()).isEqualTo("reply");
            List<String> running = new ArrayList<>();
            route.filter("*").forEach(p -> running.add(((IdAware) p).getId()));
            assertThat(running).as(id).containsExactly(steps.get(0).getId(), steps.get(1).getId(), steps.get(2).getId());
        }
    }

    @Test
    void restVerbsCallTheRoutesAndDeclareJsonOnce() throws Exception {
        load();
        List<RestDefinition> rests = camel.getRestDefinitions();
        assertThat(rests).hasSize(1);
        RestDefinition rest = rests.get(0);
        assertThat(rest.getProduces()).isEqualTo("application/json");
        assertThat(rest.getVerbs()).hasSize(ROUTE_IDS.size());
        List<String> targets = new ArrayList<>();
        for (VerbDefinition verb : rest.getVerbs()) {
            assertThat(verb.getProduces()).as(verb.getId() + " inherits produces").isNull();
            targets.add(verb.getTo().getUri());
        }
        assertThat(targets).containsExactlyInAnyOrderElementsOf(ROUTE_IDS.stream().map(id -> "direct:" + id).toList());
        // what the REST DSL builds with API_ENABLED=true binds every verb to the rest-level produces
        rest.setDisabled("false");
        List<RouteDefinition> built = rest.asRouteDefinition(camel);
        assertThat(built).hasSize(ROUTE_IDS.size())
                .allSatisfy(r -> assertThat(r.getRestBindingDefinition().getProduces()).isEqualTo("application/json"));
    }

    @Test
    void restServiceIsDisabledExactlyWhenTheApiRoleIsOff() throws Exception {
        load();
        assertThat(camel.resolvePropertyPlaceholders("{{!relay.api.enabled}}")).isEqualTo("true");
        assertThat(camel.getRestDefinitions().get(0).getDisabled()).isEqualTo("{{!relay.api.enabled}}");
        assertThat(camel.getRoutes()).noneMatch(r -> r.getRouteController() != null && camel.getRouteController()
                .getRouteStatus(r.getRouteId()).isStarted());
    }

    @Test
    void eachOperationEntersThenCallsItsBeanWithTheRequestThenReplies() throws Exception {
        load();
        ApiGate gate = (ApiGate) beans.get("apiGate");
        ApiRequest request = mock(ApiRequest.class);
        doAnswer(call -> {
            call.getArgument(0, Exchange.class).setProperty(ApiGate.REQUEST, request);
            return null;
        }).when(gate).enter(any());
        doAnswer(call -> {
            call.getArgument(0, Exchange.class).setProperty(ApiGate.REQUEST, request);
            return null;
        }).when(gate).enterPublic(any());
        for (RouteDefinition def : camel.getRouteDefinitions()) {
            String id = def.getId();
            if (id.equals("get-health")) continue;
            BeanDefinition step = beanSteps(def).get(1);
            Object bean = beans.get(step.getRef());
            boolean withRequest = step.getMethod().contains("(");
            String methodName = withRequest ? step.getMethod().substring(0, step.getMethod().indexOf('(')) : step.getMethod();
            Method operation = withRequest ? bean.getClass().getMethod(methodName, ApiRequest.class)
                    : bean.getClass().getMethod(methodName);
            camel.getRouteController().startRoute(id);
            camel.createProducerTemplate().sendBody("direct:" + id, null);
            camel.getRouteController().stopRoute(id);

            InOrder order = inOrder(gate, bean);
            if (id.equals("api-get-openapi")) {
                order.verify(gate).enterPublic(any());
            } else {
                order.verify(gate).enter(any());
            }
            if (withRequest) {
                operation.invoke(order.verify(bean), request);
            } else {
                operation.invoke(order.verify(bean));
            }
            order.verify(gate).reply(any());
        }
        verify(gate, never()).fail(any());
    }

    @Test
    void anOperationThatThrowsGoesThroughApiErrors() throws Exception {
        load();
        ApiGate gate = (ApiGate) beans.get("apiGate");
        TenantsApi tenants = (TenantsApi) beans.get("tenantsApi");
        doThrow(new ApiException(404, "NOT_FOUND", "no such tenant")).when(tenants).get(any());
        camel.getRouteController().startRoute("api-get-tenant");
        Exchange answer = camel.createProducerTemplate().send("direct:api-get-tenant", e -> { });
        assertThat(answer.getException()).isNull();
        verify(gate).fail(any());
        verify(gate, never()).reply(any());
    }

    /** The route's own steps (after start its outputs also hold the onException of api-errors). */
    private static List<BeanDefinition> beanSteps(RouteDefinition def) {
        assertThat(def.getOutputs()).allMatch(o -> o instanceof BeanDefinition || o instanceof org.apache.camel.model.OnExceptionDefinition);
        return def.getOutputs().stream().filter(BeanDefinition.class::isInstance).map(BeanDefinition.class::cast).toList();
    }
}
