"""Spring functional endpoints: `RouterFunction` beans, builder and static forms, WebFlux and MVC."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanning.scanners.spring import MSG_UNRESOLVED_CONSTANT, SpringScanner
from scanning.tests.scanners.fixtures_js import by_key, keys, params, scan_files, scan_repo, write_repo

SCANNER = SpringScanner()
WEB = "src/main/java/com/acme/catalog/web"

CATALOG_WEBFLUX: dict[str, str] = {
    "build.gradle": """
        plugins { id 'org.springframework.boot' version '3.2.4' }
        dependencies { implementation 'org.springframework.boot:spring-boot-starter-webflux' }
    """,
    "src/main/resources/application.yml": """
        spring:
          webflux:
            base-path: /catalog
    """,
    f"{WEB}/CatalogRoutes.java": """
        package com.acme.catalog.web;

        import static org.springframework.web.reactive.function.server.RequestPredicates.*;
        import static org.springframework.web.reactive.function.server.RouterFunctions.route;

        import org.springframework.context.annotation.Bean;
        import org.springframework.context.annotation.Configuration;
        import org.springframework.http.HttpMethod;
        import org.springframework.http.MediaType;
        import org.springframework.web.reactive.function.server.RouterFunction;
        import org.springframework.web.reactive.function.server.RouterFunctions;
        import org.springframework.web.reactive.function.server.ServerResponse;

        @Configuration
        public class CatalogRoutes {
            static final String API = "/api/v1";

            @Bean
            public RouterFunction<ServerResponse> productRoutes(ProductHandler products) {
                return RouterFunctions.route()
                    .path(API + "/products", builder -> builder
                        .GET("", accept(MediaType.APPLICATION_JSON), products::list)
                        .GET("/{id}", products::get)
                        .POST("", products::create)
                        .nest(path("/{id}/reviews"), reviews -> {
                            reviews.GET("", products::reviews);
                            reviews.POST(products::addReview);
                        }))
                    .add(healthRoutes())
                    .filter((request, next) -> next.handle(request))
                    .build();
            }

            @Bean
            public RouterFunction<ServerResponse> categoryRoutes(CategoryHandler categories) {
                return route(GET(API + "/categories").and(accept(MediaType.APPLICATION_JSON)), categories::list)
                    .andRoute(method(HttpMethod.PUT).and(path(API + "/categories/{slug}")), categories::update)
                    .andNest(path(API + "/admin"), route(DELETE("/categories/{slug}"), categories::delete)
                        .andRoute(POST("/categories/reindex"), request -> ServerResponse.accepted().build()));
            }

            RouterFunction<ServerResponse> healthRoutes() {
                return route().GET("/health", request -> ServerResponse.ok().bodyValue("up")).build();
            }

            RouterFunction<ServerResponse> unusedRoutes(ProductHandler products) {
                return route().GET("/never-mounted", products::list).build();
            }
        }
    """,
    f"{WEB}/ProductHandler.java": """
        package com.acme.catalog.web;

        import org.springframework.stereotype.Component;
        import org.springframework.web.reactive.function.server.ServerRequest;
        import org.springframework.web.reactive.function.server.ServerResponse;
        import reactor.core.publisher.Mono;

        @Component
        public class ProductHandler {
            public Mono<ServerResponse> list(ServerRequest request) { return ServerResponse.ok().build(); }
            public Mono<ServerResponse> get(ServerRequest request) { return ServerResponse.ok().build(); }
        }
    """,
}

CATALOG_ENDPOINTS = {
    ("GET", "/catalog/api/v1/products"),
    ("GET", "/catalog/api/v1/products/{id}"),
    ("POST", "/catalog/api/v1/products"),
    ("GET", "/catalog/api/v1/products/{id}/reviews"),
    ("POST", "/catalog/api/v1/products/{id}/reviews"),
    ("GET", "/catalog/health"),
    ("GET", "/catalog/api/v1/categories"),
    ("PUT", "/catalog/api/v1/categories/{slug}"),
    ("DELETE", "/catalog/api/v1/admin/categories/{slug}"),
    ("POST", "/catalog/api/v1/admin/categories/reindex"),
}

SHOP_MVC: dict[str, str] = {
    "src/main/resources/application.properties": "server.servlet.context-path=/shop\n",
    "src/main/java/com/acme/shop/OrderRouter.java": """
        package com.acme.shop;

        import org.springframework.context.annotation.Bean;
        import org.springframework.context.annotation.Configuration;
        import org.springframework.web.servlet.function.RouterFunction;
        import org.springframework.web.servlet.function.RouterFunctions;
        import org.springframework.web.servlet.function.ServerResponse;

        @Configuration
        class OrderRouter {
            @Bean
            RouterFunction<ServerResponse> orders(OrderHandler handler) {
                String dynamic = System.getenv("ORDERS_PREFIX");
                return RouterFunctions.route()
                    .GET("/orders", handler::list)
                    .GET("/orders/{orderId}", handler::get)
                    .PATCH(dynamic + "/orders/{orderId}", handler::patch)
                    .route(RequestPredicates.path("/orders/export"), handler::export)
                    .build();
            }
        }
    """,
}


def test_webflux_router_beans_serve_exactly_their_routes(tmp_path: Path) -> None:
    endpoints, warnings, detected = scan_repo(SCANNER, write_repo(tmp_path, CATALOG_WEBFLUX))
    assert detected
    assert keys(endpoints) == CATALOG_ENDPOINTS
    assert warnings == []


def test_functional_routes_carry_handler_line_and_path_parameters() -> None:
    endpoints = by_key(scan_files(SCANNER, CATALOG_WEBFLUX)[0])
    review = endpoints[("POST", "/catalog/api/v1/products/{id}/reviews")]
    assert (review.handler, review.line, review.framework) == ("products::addReview", 27, "spring")
    assert params(review) == [("path", "id", True, {"type": "string"})]
    reindex = endpoints[("POST", "/catalog/api/v1/admin/categories/reindex")]
    assert reindex.handler == "request -> ServerResponse.accepted().build()"


def test_mvc_router_uses_the_servlet_context_path_and_warns_on_dynamic_paths() -> None:
    endpoints, warnings = scan_files(SCANNER, SHOP_MVC)
    assert keys(endpoints) == {
        ("GET", "/shop/orders"),
        ("GET", "/shop/orders/{orderId}"),
        # a predicate without a method serves every method
        *{(m, "/shop/orders/export") for m in ("GET", "POST", "PUT", "PATCH", "DELETE")},
    }
    assert [(w.line, w.message) for w in warnings] == [
        (17, MSG_UNRESOLVED_CONSTANT.format(expr="dynamic + '/orders/{orderId}'")),
    ]


SEGMENT = st.sampled_from(["users", "orders", "items", "v2", "{id}", "{slug}", "reports"])
VERB = st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.lists(SEGMENT, max_size=2),
                          st.lists(st.tuples(VERB, st.lists(SEGMENT, min_size=1, max_size=3)), min_size=1, max_size=4),
                          st.booleans()),
                min_size=1, max_size=4))
def test_property_generated_functional_route_tables_are_found_exactly(groups) -> None:
    """Routes grouped under `path(prefix, b -> ...)` (builder) or `andNest(path(prefix), ...)`
    (static form) come back exactly, with their prefixes."""
    expected: set[tuple[str, str]] = set()
    beans = []
    for g, (prefix_segments, routes, static_form) in enumerate(groups):
        prefix = "/" + "/".join(prefix_segments) if prefix_segments else ""
        rendered = []
        for r, (verb, segments) in enumerate(routes):
            path = "/" + "/".join(segments)
            expected.add((verb, prefix + path))
            if static_form:
                call = "route" if r == 0 else ".andRoute"
                rendered.append(f'{call}({verb}("{path}"), h::m{r})')
            else:
                rendered.append(f'.{verb}("{path}", h::m{r})')
        if static_form:
            inner = "\n            ".join(rendered)
            expr = f'route().nest(path("{prefix}"), () -> {inner}).build()' if prefix else inner
        else:
            inner = "\n                ".join(rendered)
            expr = f'route().path("{prefix}", b -> b{inner}).build()' if prefix else f"route(){inner}.build()"
        beans.append(f"    @Bean\n    RouterFunction<ServerResponse> r{g}(H h) {{\n        return {expr};\n    }}")
    source = "\n".join([
        "package gen;",
        "import static org.springframework.web.servlet.function.RequestPredicates.*;",
        "import static org.springframework.web.servlet.function.RouterFunctions.route;",
        "import org.springframework.web.servlet.function.RouterFunction;",
        "@Configuration",
        "public class Routes {", *beans, "}",
    ])
    endpoints, warnings = scan_files(SCANNER, {"src/main/java/gen/Routes.java": source})
    assert warnings == []
    assert keys(endpoints) == {(verb, path if path else "/") for verb, path in expected}
