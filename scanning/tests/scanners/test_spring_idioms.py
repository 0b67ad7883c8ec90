"""Spring idioms met in real applications (eladmin, JHipster, spring-petclinic): composed
mapping annotations, profile-naming configuration documents, Actuator endpoints."""
from __future__ import annotations

from scanning.scanners.spring import MSG_UNRESOLVED_PREFIX, SpringScanner
from scanning.tests.scanners.fixtures_js import by_key, keys, params, scan_files

SCANNER = SpringScanner()
HELPDESK = "src/main/java/com/acme/helpdesk"

# A helpdesk whose controllers use the application's own annotations: `@ApiController` (a
# `@RestController` with a base path) and `@AnonymousGetMapping`-style method annotations, as
# eladmin declares them, each in a file of its own.
HELPDESK_APP: dict[str, str] = {
    "pom.xml": """
        <project>
          <parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId></parent>
          <dependencies>
            <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency>
          </dependencies>
        </project>
    """,
    "src/main/resources/application.yml": """
        server:
          servlet:
            context-path: /helpdesk
    """,
    f"{HELPDESK}/annotation/AnonymousAccess.java": """
        package com.acme.helpdesk.annotation;

        import java.lang.annotation.*;

        @Documented
        @Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
        @Retention(RetentionPolicy.RUNTIME)
        public @interface AnonymousAccess {
        }
    """,
    f"{HELPDESK}/annotation/AnonymousGetMapping.java": """
        package com.acme.helpdesk.annotation;

        import java.lang.annotation.*;
        import org.springframework.core.annotation.AliasFor;
        import org.springframework.web.bind.annotation.RequestMapping;
        import org.springframework.web.bind.annotation.RequestMethod;

        @AnonymousAccess
        @Target(ElementType.METHOD)
        @Retention(RetentionPolicy.RUNTIME)
        @Documented
        @RequestMapping(method = RequestMethod.GET)
        public @interface AnonymousGetMapping {
            @AliasFor(annotation = RequestMapping.class)
            String[] value() default {};

            @AliasFor(annotation = RequestMapping.class)
            String[] path() default {};
        }
    """,
    f"{HELPDESK}/annotation/AnonymousPostMapping.java": """
        package com.acme.helpdesk.annotation;

        import java.lang.annotation.*;
        import org.springframework.core.annotation.AliasFor;
        import org.springframework.web.bind.annotation.RequestMapping;
        import org.springframework.web.bind.annotation.RequestMethod;

        @AnonymousAccess
        @Target(ElementType.METHOD)
        @Retention(RetentionPolicy.RUNTIME)
        @RequestMapping(method = RequestMethod.POST)
        public @interface AnonymousPostMapping {
            @AliasFor(annotation = RequestMapping.class)
            String[] value() default {};
        }
    """,
    f"{HELPDESK}/annotation/ProbeMapping.java": """
        package com.acme.helpdesk.annotation;

        import java.lang.annotation.*;
        import org.springframework.web.bind.annotation.RequestMapping;
        import org.springframework.web.bind.annotation.RequestMethod;

        /** A fixed route: the annotation names the path itself. */
        @Target(ElementType.METHOD)
        @Retention(RetentionPolicy.RUNTIME)
        @RequestMapping(path = ProbeMapping.PATH, method = {RequestMethod.GET, RequestMethod.HEAD})
        public @interface ProbeMapping {
            String PATH = "/probe";
        }
    """,
    f"{HELPDESK}/annotation/Audited.java": """
        package com.acme.helpdesk.annotation;

        import java.lang.annotation.*;

        @Target(ElementType.METHOD)
        @Retention(RetentionPolicy.RUNTIME)
        public @interface Audited {
            String value() default "";
        }
    """,
    f"{HELPDESK}/web/ApiController.java": """
        package com.acme.helpdesk.web;

        import java.lang.annotation.*;
        import org.springframework.web.bind.annotation.RequestMapping;
        import org.springframework.web.bind.annotation.RestController;

        @Target(ElementType.TYPE)
        @Retention(RetentionPolicy.RUNTIME)
        @RestController
        @RequestMapping("/api/v1")
        public @interface ApiController {
        }
    """,
    f"{HELPDESK}/web/TicketController.java": """
        package com.acme.helpdesk.web;

        import com.acme.helpdesk.annotation.AnonymousGetMapping;
        import com.acme.helpdesk.annotation.Audited;
        import org.springframework.web.bind.annotation.*;

        @ApiController
        public class TicketController {

            @AnonymousGetMapping("/tickets")
            public List<Ticket> list(@RequestParam(required = false) String status) { return null; }

            @AnonymousGetMapping(path = "/tickets/{ticketId}")
            public Ticket get(@PathVariable long ticketId) { return null; }

            @Audited("ticket created")
            @PostMapping("/tickets")
            public Ticket create(@RequestBody Ticket ticket) { return null; }

            @Audited("reindex")
            public void reindex() { }
        }
    """,
    f"{HELPDESK}/web/AuthController.java": """
        package com.acme.helpdesk.web;

        import com.acme.helpdesk.annotation.AnonymousPostMapping;
        import com.acme.helpdesk.annotation.ProbeMapping;
        import org.springframework.web.bind.annotation.*;

        @RestController
        @RequestMapping("/auth")
        public class AuthController {

            @AnonymousPostMapping(value = "/login")
            public String login(@RequestBody Credentials credentials) { return ""; }

            @ProbeMapping
            public String probe() { return "ok"; }
        }
    """,
    f"{HELPDESK}/web/ApiExceptionHandler.java": """
        package com.acme.helpdesk.web;

        import org.springframework.web.bind.annotation.ExceptionHandler;
        import org.springframework.web.bind.annotation.RestControllerAdvice;
        import com.acme.helpdesk.annotation.AnonymousGetMapping;

        @RestControllerAdvice
        public class ApiExceptionHandler {
            @ExceptionHandler(IllegalStateException.class)
            public String conflict(IllegalStateException e) { return e.getMessage(); }

            @AnonymousGetMapping("/advice-is-not-served")
            public String notServed() { return ""; }
        }
    """,
    f"{HELPDESK}/jobs/ReindexJob.java": """
        package com.acme.helpdesk.jobs;

        import com.acme.helpdesk.annotation.AnonymousGetMapping;
        import org.springframework.stereotype.Component;

        @Component
        public class ReindexJob {
            @AnonymousGetMapping("/job-is-not-served")
            public void run() { }
        }
    """,
}


def test_it_serves_composed_mapping_annotations_of_the_application() -> None:
    endpoints, warnings = scan_files(SCANNER, HELPDESK_APP)
    assert keys(endpoints) == {
        ("GET", "/helpdesk/api/v1/tickets"),
        ("GET", "/helpdesk/api/v1/tickets/{ticketId}"),
        ("POST", "/helpdesk/api/v1/tickets"),
        ("POST", "/helpdesk/auth/login"),
        ("GET", "/helpdesk/auth/probe"),
        ("HEAD", "/helpdesk/auth/probe"),
    }
    assert warnings == []


def test_it_reads_parameters_of_methods_mapped_by_a_composed_annotation() -> None:
    endpoints = by_key(scan_files(SCANNER, HELPDESK_APP)[0])
    ticket = endpoints[("GET", "/helpdesk/api/v1/tickets/{ticketId}")]
    assert (ticket.handler, ticket.file) == ("TicketController.get", f"{HELPDESK}/web/TicketController.java")
    assert params(ticket) == [("path", "ticketId", True, {"type": "integer"})]
    assert params(endpoints[("GET", "/helpdesk/api/v1/tickets")]) == [("query", "status", False, {"type": "string"})]


def test_an_interface_method_mapped_by_a_composed_annotation_is_inherited() -> None:
    files = {
        **HELPDESK_APP,
        f"{HELPDESK}/web/StatusApi.java": """
            package com.acme.helpdesk.web;

            import com.acme.helpdesk.annotation.AnonymousGetMapping;

            public interface StatusApi {
                @AnonymousGetMapping("/status")
                String status();
            }
        """,
        f"{HELPDESK}/web/StatusController.java": """
            package com.acme.helpdesk.web;

            @ApiController
            public class StatusController implements StatusApi {
                @Override
                public String status() { return "up"; }
            }
        """,
    }
    status = by_key(scan_files(SCANNER, files)[0])[("GET", "/helpdesk/api/v1/status")]
    assert status.handler == "StatusApi.status"


# --- configuration documents ------------------------------------------------------------------

def test_a_document_that_activates_profiles_still_applies() -> None:
    files = {
        "src/main/resources/config/application.yml": """
            spring:
              application:
                name: board
              profiles:
                # filled in by the build
                active: #spring.profiles.active#
            server:
              servlet:
                context-path: /board
            ---
            spring:
              profiles: legacy
            server:
              servlet:
                context-path: /legacy-only
            ---
            spring:
              config:
                activate:
                  on-profile: dev
            server:
              servlet:
                context-path: /dev-only
        """,
        "src/main/java/b/BoardController.java": """
            package b;
            @RestController
            @RequestMapping("/cards")
            public class BoardController { @GetMapping public String cards() { return ""; } }
        """,
    }
    assert keys(scan_files(SCANNER, files)[0]) == {("GET", "/board/cards")}


# --- Actuator ---------------------------------------------------------------------------------

SHOP = "shop/src/main/java/com/acme/shop"
BILLING = "billing/src/main/java/com/acme/billing"

STORE: dict[str, str] = {
    "pom.xml": """
        <project>
          <parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId></parent>
          <modules><module>shop</module><module>billing</module></modules>
        </project>
    """,
    "shop/pom.xml": """
        <project>
          <artifactId>shop</artifactId>
          <dependencies>
            <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency>
            <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-actuator</artifactId></dependency>
          </dependencies>
        </project>
    """,
    "shop/src/main/resources/application.yml": """
        server:
          servlet:
            context-path: /shop
        management:
          endpoints:
            web:
              base-path: /manage
              exposure:
                include: [ "health", "info", "loggers", "prometheus", "logfile" ]
              path-mapping:
                health: status
    """,
    f"{SHOP}/ShopApplication.java": """
        package com.acme.shop;

        import org.springframework.boot.SpringApplication;
        import org.springframework.boot.autoconfigure.SpringBootApplication;

        @SpringBootApplication
        public class ShopApplication {
            public static void main(String[] args) { SpringApplication.run(ShopApplication.class, args); }
        }
    """,
    f"{SHOP}/web/CartController.java": """
        package com.acme.shop.web;

        @RestController
        @RequestMapping("/cart")
        public class CartController { @GetMapping public String cart() { return ""; } }
    """,
    "billing/pom.xml": """
        <project>
          <artifactId>billing</artifactId>
          <dependencies>
            <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency>
          </dependencies>
        </project>
    """,
    "billing/src/main/resources/application.properties": "management.endpoints.web.exposure.include=*\n",
    f"{BILLING}/BillingApplication.java": """
        package com.acme.billing;

        @SpringBootApplication
        public class BillingApplication {
            public static void main(String[] args) { SpringApplication.run(BillingApplication.class, args); }
        }
    """,
}


def test_it_serves_the_actuator_endpoints_the_configuration_exposes() -> None:
    endpoints, warnings = scan_files(SCANNER, STORE)
    # billing has no actuator dependency; prometheus needs a registry and logfile a log file
    assert keys(endpoints) == {
        ("GET", "/shop/cart"),
        ("GET", "/shop/manage"),
        ("GET", "/shop/manage/status"),
        ("GET", "/shop/manage/status/{path}"),
        ("GET", "/shop/manage/info"),
        ("GET", "/shop/manage/loggers"),
        ("GET", "/shop/manage/loggers/{name}"),
        ("POST", "/shop/manage/loggers/{name}"),
    }
    assert warnings == []
    loggers = by_key(endpoints)[("POST", "/shop/manage/loggers/{name}")]
    assert (loggers.handler, loggers.file) == ("actuator:loggers", f"{SHOP}/ShopApplication.java")
    assert params(loggers) == [("path", "name", True, {"type": "string"})]


def test_actuator_defaults_to_health_under_the_actuator_base_path() -> None:
    files = {**STORE, "shop/src/main/resources/application.yml": "server:\n  port: 8081\n"}
    actuator = {key for key in keys(scan_files(SCANNER, files)[0]) if key[1] != "/cart"}
    assert actuator == {("GET", "/actuator"), ("GET", "/actuator/health"), ("GET", "/actuator/health/{path}")}


def test_actuator_honours_exclusions_disabled_endpoints_and_a_management_port() -> None:
    files = {
        **STORE,
        "shop/src/main/resources/application.properties": "\n".join([
            "server.servlet.context-path=/shop",
            "management.server.port=9090",
            "management.endpoints.web.exposure.include=*",
            "management.endpoints.web.exposure.exclude=env,beans,heapdump,threaddump,conditions,mappings",
            "management.endpoint.caches.enabled=false",
            "management.endpoint.configprops.access=none",
            "logging.file.name=shop.log",
        ]),
        "shop/src/main/resources/application.yml": "",
    }
    actuator = {key for key in keys(scan_files(SCANNER, files)[0]) if not key[1].startswith("/shop")}
    assert actuator == {
        ("GET", "/actuator"), ("GET", "/actuator/health"), ("GET", "/actuator/health/{path}"),
        ("GET", "/actuator/info"), ("GET", "/actuator/scheduledtasks"), ("GET", "/actuator/logfile"),
        ("GET", "/actuator/loggers"), ("GET", "/actuator/loggers/{name}"), ("POST", "/actuator/loggers/{name}"),
        ("GET", "/actuator/metrics"), ("GET", "/actuator/metrics/{requiredMetricName}"),
    }


# --- controllers of interfaces openapi-generator makes at build time ------------------------

LIBRARY = "library/src/main/java/com/acme/library"
LIBRARY_APP: dict[str, str] = {
    "library/pom.xml": """
        <project>
          <artifactId>library</artifactId>
          <build><plugins><plugin>
            <groupId>org.openapitools</groupId><artifactId>openapi-generator-maven-plugin</artifactId>
            <configuration>
              <inputSpec>${project.basedir}/src/main/resources/openapi.yml</inputSpec>
              <generatorName>spring</generatorName>
              <configOptions><interfaceOnly>true</interfaceOnly></configOptions>
            </configuration>
          </plugin></plugins></build>
        </project>
    """,
    "library/src/main/resources/application.properties": "server.servlet.context-path=/library/\n",
    "library/src/main/resources/openapi.yml": """
        openapi: 3.0.1
        info:
          title: Library
          version: '1.0'
        paths:
          /books:
            get:
              operationId: listBooks
              parameters:
                - name: author
                  in: query
                  schema:
                    type: string
              responses:
                200:
                  description: The books.
            post:
              operationId: addBook
              responses:
                201:
                  description: Added.
          /books/{bookId}:
            get:
              operationId: getBook
              responses:
                200:
                  description: The book.
            delete:
              operationId: deleteBook
              responses:
                204:
                  description: Deleted.
          /loans:
            post:
              operationId: lendBook
              responses:
                201:
                  description: Lent.
    """,
    f"{LIBRARY}/web/BookController.java": """
        package com.acme.library.web;

        import com.acme.library.api.BooksApi;
        import com.acme.library.dto.BookDto;
        import org.springframework.http.ResponseEntity;
        import org.springframework.web.bind.annotation.*;

        @RestController
        @RequestMapping("/api")
        public class BookController implements BooksApi {

            @Override
            public ResponseEntity<List<BookDto>> listBooks(String author) { return null; }

            @Override
            public ResponseEntity<BookDto> addBook(BookDto bookDto) { return null; }

            @Override
            public ResponseEntity<BookDto> getBook(Long bookId) { return null; }

            // not an override: a helper sharing an operation's name maps nothing
            public ResponseEntity<Void> deleteBook(Long bookId) { return null; }

            @GetMapping("/books/export")
            public String export() { return ""; }
        }
    """,
    f"{LIBRARY}/web/LoanController.java": """
        package com.acme.library.web;

        @RestController
        @RequestMapping("/api")
        public class LoanController implements LoanOperations {
            @Override
            public String lendBook(String isbn) { return ""; }
        }
    """,
    f"{LIBRARY}/web/LoanOperations.java": """
        package com.acme.library.web;

        /** Declared here, so not generated: its methods map only what they say they map. */
        public interface LoanOperations {
            String lendBook(String isbn);
        }
    """,
    "reports/src/main/java/com/acme/reports/ReportController.java": """
        package com.acme.reports;

        @RestController
        public class ReportController implements ReportsApi {
            @Override
            public String listBooks() { return ""; }
        }
    """,
}


def test_it_maps_overrides_of_generated_interfaces_by_operation_id() -> None:
    endpoints, warnings = scan_files(SCANNER, LIBRARY_APP)
    # deleteBook is no override, lendBook overrides a declared interface, and reports has no spec
    assert keys(endpoints) == {
        ("GET", "/library/api/books"),
        ("POST", "/library/api/books"),
        ("GET", "/library/api/books/{bookId}"),
        ("GET", "/library/api/books/export"),
    }
    assert warnings == []


def test_parameters_of_a_generated_operation_bind_as_the_interface_declares_them() -> None:
    endpoints = by_key(scan_files(SCANNER, LIBRARY_APP)[0])
    assert params(endpoints[("GET", "/library/api/books/{bookId}")]) == [("path", "bookId", True, {"type": "integer"})]
    assert params(endpoints[("GET", "/library/api/books")]) == [("query", "author", False, {"type": "string"})]
    added = endpoints[("POST", "/library/api/books")]
    assert (added.handler, added.request_body, params(added)) == ("BookController.addBook", {"type": "object"}, [])


# --- bodies: Jackson root wrapping, Spring Data pages -----------------------------------------

CONDUIT = "src/main/java/io/conduit"
CONDUIT_APP: dict[str, str] = {
    "src/main/resources/application.properties": (
        "spring.jackson.deserialization.UNWRAP_ROOT_VALUE=true\n"
        "spring.jackson.serialization.wrap-root-value=true\n"
    ),
    f"{CONDUIT}/api/UsersApi.java": """
        package io.conduit.api;

        import com.fasterxml.jackson.annotation.JsonRootName;
        import javax.validation.Valid;
        import javax.validation.constraints.NotBlank;
        import org.springframework.http.ResponseEntity;
        import org.springframework.web.bind.annotation.*;

        @RestController
        public class UsersApi {
            @RequestMapping(path = "/users/login", method = RequestMethod.POST)
            public ResponseEntity<Profile> login(@Valid @RequestBody LoginParam loginParam) { return null; }

            @GetMapping("/users")
            public ResponseEntity<Page<Profile>> users(Pageable pageable) { return null; }

            @GetMapping("/tags")
            public List<String> tags() { return null; }
        }

        @JsonRootName("user")
        class LoginParam {
            @NotBlank private String email;
            @NotBlank private String password;
        }
    """,
    f"{CONDUIT}/api/Profile.java": """
        package io.conduit.api;

        public record Profile(String username, String bio) {}
    """,
}
PROFILE = {"type": "object", "properties": {"username": {"type": "string"}, "bio": {"type": "string"}}}


def test_root_wrapping_puts_bodies_under_their_root_name() -> None:
    endpoints = by_key(scan_files(SCANNER, CONDUIT_APP)[0])
    login = endpoints[("POST", "/users/login")]
    assert login.request_body == {"type": "object", "required": ["user"], "properties": {"user": {
        "type": "object", "required": ["email", "password"],
        "properties": {"email": {"type": "string"}, "password": {"type": "string"}}}}}
    # no @JsonRootName: Jackson names the root after the class
    assert login.responses["200"]["schema"] == {"type": "object", "properties": {"Profile": PROFILE},
                                                "required": ["Profile"]}
    assert endpoints[("GET", "/tags")].responses["200"]["schema"] == {"type": "array", "items": {"type": "string"}}


def test_without_root_wrapping_bodies_are_bare_and_pages_have_their_counters() -> None:
    files = {**CONDUIT_APP, "src/main/resources/application.properties": "spring.jackson.default-property-inclusion=non_null\n"}
    endpoints = by_key(scan_files(SCANNER, files)[0])
    assert endpoints[("POST", "/users/login")].responses["200"]["schema"] == PROFILE
    page = endpoints[("GET", "/users")].responses["200"]["schema"]
    assert page["properties"]["content"] == {"type": "array", "items": PROFILE}
    assert {name for name, schema in page["properties"].items() if schema == {"type": "integer"}} == {
        "size", "number", "numberOfElements", "totalElements", "totalPages"}


MALL = "mall-portal/src/main/java/com/macro/mall/portal"
MALL_APP: dict[str, str] = {
    "mall-common/src/main/java/com/macro/mall/common/api/CommonResult.java": """
        package com.macro.mall.common.api;

        public class CommonResult<T> {
            private long code;
            private String message;
            private T data;

            public static <T> CommonResult<T> success(T data) { return new CommonResult<T>(); }
        }
    """,
    "mall-common/src/main/java/com/macro/mall/common/api/CommonPage.java": """
        package com.macro.mall.common.api;

        public class CommonPage<T extends Serializable> {
            private Integer pageNum;
            private Long total;
            private List<T> list;
        }
    """,
    f"{MALL}/domain/ReadHistory.java": """
        package com.macro.mall.portal.domain;

        public class ReadHistory implements Serializable {
            private String productName;
        }
    """,
    f"{MALL}/controller/ReadHistoryController.java": """
        package com.macro.mall.portal.controller;

        import com.macro.mall.common.api.CommonPage;
        import com.macro.mall.common.api.CommonResult;
        import com.macro.mall.portal.domain.ReadHistory;

        @Controller
        @RequestMapping("/member/readHistory")
        public class ReadHistoryController {
            @RequestMapping(value = "/list", method = RequestMethod.GET)
            @ResponseBody
            public CommonResult<CommonPage<ReadHistory>> list(@RequestParam(defaultValue = "1") Integer pageNum) {
                return null;
            }

            @RequestMapping(value = "/clear", method = RequestMethod.POST)
            @ResponseBody
            public CommonResult clear() { return null; }
        }
    """,
}


def test_generic_wrappers_carry_their_type_arguments_into_the_response_schema() -> None:
    endpoints = by_key(scan_files(SCANNER, MALL_APP)[0])
    envelope = {"code": {"type": "integer"}, "message": {"type": "string"}}
    assert endpoints[("GET", "/member/readHistory/list")].responses["200"]["schema"] == {
        "type": "object", "properties": {**envelope, "data": {"type": "object", "properties": {
            "pageNum": {"type": "integer"}, "total": {"type": "integer"},
            "list": {"type": "array", "items": {"type": "object", "properties": {"productName": {"type": "string"}}}},
        }}}}
    # a raw wrapper: its data is any value
    assert endpoints[("POST", "/member/readHistory/clear")].responses["200"]["schema"] == {
        "type": "object", "properties": {**envelope, "data": {}}}


def test_springdoc_serves_its_documents_and_ui_at_the_configured_paths() -> None:
    springdoc = "<dependency><groupId>org.springdoc</groupId><artifactId>springdoc-openapi-starter-webmvc-{}</artifactId></dependency>"
    files = {
        **STORE,
        "billing/pom.xml": f"<project><artifactId>billing</artifactId><dependencies>{springdoc.format('ui')}</dependencies></project>",
        "billing/src/main/resources/application.properties": "\n".join([
            "server.servlet.context-path=/billing",
            "springdoc.api-docs.path=/api-docs",
            "springdoc.swagger-ui.path=/docs.html",
        ]),
        "shop/pom.xml": f"<project><artifactId>shop</artifactId><dependencies>{springdoc.format('api')}</dependencies></project>",
        "shop/src/main/resources/application.yml": "springdoc:\n  api-docs:\n    enabled: false\n",
    }
    endpoints = scan_files(SCANNER, files)[0]
    # shop has the documents switched off and no actuator any more; billing has no controllers
    assert keys(endpoints) == {
        ("GET", "/cart"),
        ("GET", "/billing/api-docs"), ("GET", "/billing/api-docs.yaml"),
        ("GET", "/billing/docs.html"), ("GET", "/billing/api-docs/swagger-config"),
    }
    assert by_key(endpoints)[("GET", "/billing/docs.html")].handler == "springdoc:swagger-ui"


def test_test_sources_are_not_served_and_a_property_reference_context_path_takes_its_default() -> None:
    files = {
        "src/main/resources/application.yml": "server:\n  servlet:\n    context-path: ${CONTEXT_PATH:/board}\n",
        "src/main/java/b/BoardController.java": """
            package b;
            @RestController
            public class BoardController { @GetMapping("/cards") public String cards() { return ""; } }
        """,
        # JHipster's MockMvc fixture: a controller of the test sources
        "src/test/java/b/errors/ExceptionTranslatorTestController.java": """
            package b.errors;
            @RestController
            public class ExceptionTranslatorTestController {
                @GetMapping("/api/exception-translator-test/access-denied") public void denied() { }
            }
        """,
        "src/integrationTest/java/b/ProbeController.java": """
            package b;
            @RestController
            public class ProbeController { @GetMapping("/probe") public void probe() { } }
        """,
    }
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == {("GET", "/board/cards")}
    assert warnings == []


def test_an_unresolvable_context_path_is_a_warning() -> None:
    files = {
        "src/main/resources/application.properties": "server.servlet.context-path=${CONTEXT_PATH}\n",
        "src/main/java/b/BoardController.java": """
            package b;
            @RestController
            public class BoardController { @GetMapping("/cards") public String cards() { return ""; } }
        """,
    }
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == {("GET", "/cards")}
    assert [(w.file, w.message) for w in warnings] == [
        ("src/main/java/b/BoardController.java", MSG_UNRESOLVED_PREFIX.format(path="${CONTEXT_PATH}"))]


def test_active_profiles_overlay_their_documents_and_application_profile_files() -> None:
    files = {
        "src/main/resources/application.yml": """
            spring:
              profiles:
                active: prod,metrics
            server:
              servlet:
                context-path: /shop
            ---
            spring:
              config:
                activate:
                  on-profile: metrics
            management:
              endpoints:
                web:
                  exposure:
                    include: health,metrics
            ---
            spring:
              config:
                activate:
                  on-profile: dev
            server:
              servlet:
                context-path: /dev-only
        """,
        "src/main/resources/application-prod.properties": "server.servlet.context-path=/store\napi.version=v2\n",
        "src/main/resources/application-dev.yml": "server:\n  servlet:\n    context-path: /dev-file-only\n",
        "pom.xml": "<project><dependencies><dependency><artifactId>spring-boot-starter-actuator</artifactId>"
                   "</dependency></dependencies></project>",
        "src/main/java/s/ShopApplication.java": """
            package s;
            @SpringBootApplication
            public class ShopApplication { }
        """,
        "src/main/java/s/CartController.java": """
            package s;
            @RestController
            @RequestMapping("/${api.version}/cart")
            public class CartController { @GetMapping public String cart() { return ""; } }
        """,
    }
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == {
        ("GET", "/store/v2/cart"),
        ("GET", "/store/actuator"), ("GET", "/store/actuator/health"), ("GET", "/store/actuator/health/{path}"),
        ("GET", "/store/actuator/metrics"), ("GET", "/store/actuator/metrics/{requiredMetricName}"),
    }
    assert warnings == []


def test_a_broken_openapi_document_maps_nothing_and_warns_nothing() -> None:
    files = {**LIBRARY_APP, "library/src/main/resources/openapi.yml": "openapi: 3.0.1\npaths: [unclosed\n"}
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == {("GET", "/library/api/books/export")}
    assert warnings == []


def test_a_pageable_binds_page_size_and_sort_query_parameters() -> None:
    files = {
        "src/main/resources/application.yml": """
            spring:
              data:
                web:
                  pageable:
                    one-indexed-parameters: true
                    max-page-size: 100
        """,
        "src/main/java/r/RoleController.java": """
            package r;
            @RestController
            @RequestMapping("/api/roles")
            public class RoleController {
                @GetMapping
                public ResponseEntity<Object> list(RoleQueryCriteria criteria, Pageable pageable) { return null; }

                @GetMapping("/all")
                public ResponseEntity<Object> all(@PageableDefault(value = 50, sort = {"level"}) Pageable pageable) {
                    return null;
                }

                @GetMapping("/names")
                public List<String> names(@org.springdoc.core.annotations.ParameterObject Sort sort) { return null; }
            }
        """,
        "src/main/java/r/RoleQueryCriteria.java": "package r;\npublic class RoleQueryCriteria { private String blurry; }\n",
    }
    endpoints = by_key(scan_files(SCANNER, files)[0])
    sort = ("query", "sort", False, {"type": "array", "items": {"type": "string"}})
    assert params(endpoints[("GET", "/api/roles")]) == [
        ("query", "blurry", False, {"type": "string"}),
        ("query", "page", False, {"type": "integer", "minimum": 1, "default": 1}),
        ("query", "size", False, {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}),
        sort,
    ]
    assert params(endpoints[("GET", "/api/roles/all")])[1] == (
        "query", "size", False, {"type": "integer", "minimum": 1, "maximum": 100, "default": 50})
    assert params(endpoints[("GET", "/api/roles/names")]) == [sort]


def test_an_unannotated_array_of_simple_values_is_a_query_parameter() -> None:
    files = {
        "ruoyi-admin/src/main/java/com/ruoyi/web/SysUserController.java": """
            package com.ruoyi.web;
            @RestController
            @RequestMapping("/system/user")
            public class SysUserController extends BaseController {
                @PutMapping("/authRole")
                public AjaxResult insertAuthRole(Long userId, Long[] roleIds, List<String> tags, SysDept[] depts) {
                    return null;
                }
            }
        """,
    }
    grant = by_key(scan_files(SCANNER, files)[0])[("PUT", "/system/user/authRole")]
    assert params(grant) == [
        ("query", "userId", False, {"type": "integer"}),
        ("query", "roleIds", False, {"type": "array", "items": {"type": "integer"}}),
        ("query", "tags", False, {"type": "array", "items": {"type": "string"}}),
    ]


CRUD = "src/main/java/com/acme/crm"
CRUD_APP: dict[str, str] = {
    f"{CRUD}/web/CrudController.java": """
        package com.acme.crm.web;

        public abstract class CrudController<T, ID> implements Exportable<T> {
            @GetMapping("/{id}")
            public ResponseEntity<T> get(@PathVariable ID id) { return null; }

            @PostMapping
            public T create(@Valid @RequestBody T entity) { return null; }

            @GetMapping
            public Page<T> list(Pageable pageable) { return null; }
        }
    """,
    f"{CRUD}/web/Exportable.java": """
        package com.acme.crm.web;

        public interface Exportable<R> {
            @GetMapping("/export")
            List<R> export();
        }
    """,
    f"{CRUD}/web/CustomerController.java": """
        package com.acme.crm.web;

        import com.acme.crm.domain.Customer;

        @RestController
        @RequestMapping("/customers")
        public class CustomerController extends CrudController<Customer, Long> {
            @GetMapping("/vip")
            public List<Customer> vip() { return null; }
        }
    """,
    f"{CRUD}/domain/Customer.java": """
        package com.acme.crm.domain;

        public class Customer {
            @NotBlank private String name;
        }
    """,
}


def test_a_generic_base_controller_serves_its_subclass_types() -> None:
    endpoints = by_key(scan_files(SCANNER, CRUD_APP)[0])
    customer = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}
    assert set(endpoints) == {("GET", "/customers/{id}"), ("POST", "/customers"), ("GET", "/customers"),
                              ("GET", "/customers/export"), ("GET", "/customers/vip")}
    got = endpoints[("GET", "/customers/{id}")]
    assert (got.handler, params(got), got.responses["200"]["schema"]) == (
        "CrudController.get", [("path", "id", True, {"type": "integer"})], customer)
    assert endpoints[("POST", "/customers")].request_body == customer
    assert endpoints[("GET", "/customers")].responses["200"]["schema"]["properties"]["content"]["items"] == customer
    assert endpoints[("GET", "/customers/export")].responses["200"]["schema"] == {"type": "array", "items": customer}
