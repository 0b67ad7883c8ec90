"""Fixture repositories for the Spring Boot scanner (scan helpers live in fixtures_js)."""
from __future__ import annotations

JAVA = "src/main/java/com/acme/inventory"

SPRING_INVENTORY: dict[str, str] = {
    "pom.xml": """
        <project>
          <parent>
            <groupId>org.springframework.boot</groupId>
            <artifactId>spring-boot-starter-parent</artifactId>
            <version>3.2.4</version>
          </parent>
          <artifactId>inventory</artifactId>
          <dependencies>
            <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency>
            <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-validation</artifactId></dependency>
          </dependencies>
        </project>
    """,
    "src/main/resources/application.yml": """
        spring:
          application:
            name: inventory
        server:
          port: 8081
          servlet:
            context-path: /inventory
        ---
        spring:
          config:
            activate:
              on-profile: local
        server:
          servlet:
            context-path: /local-only
    """,
    "src/test/resources/application.properties": "server.servlet.context-path=/test-only\n",
    f"{JAVA}/InventoryApplication.java": """
        package com.acme.inventory;

        import org.springframework.boot.SpringApplication;
        import org.springframework.boot.autoconfigure.SpringBootApplication;

        @SpringBootApplication
        public class InventoryApplication {
            public static void main(String[] args) {
                SpringApplication.run(InventoryApplication.class, args);
            }
        }
    """,
    f"{JAVA}/web/ApiPaths.java": """
        package com.acme.inventory.web;

        public final class ApiPaths {
            public static final String API = "/api";
            public static final String PRODUCTS = API + "/products";
            private ApiPaths() {}
        }
    """,
    f"{JAVA}/web/ProductController.java": """
        package com.acme.inventory.web;

        import com.acme.inventory.dto.CreateProductRequest;
        import com.acme.inventory.dto.ProductDto;
        import jakarta.validation.Valid;
        import jakarta.validation.constraints.Max;
        import jakarta.validation.constraints.Min;
        import java.util.List;
        import java.util.Optional;
        import org.springframework.http.HttpStatus;
        import org.springframework.http.ResponseEntity;
        import org.springframework.security.access.prepost.PreAuthorize;
        import org.springframework.web.bind.annotation.*;

        @RestController
        @RequestMapping(ApiPaths.PRODUCTS)
        public class ProductController {
            private static final String BY_ID = "/{productId}";

            private final ProductService service;

            public ProductController(ProductService service) {
                this.service = service;
            }

            @GetMapping
            public List<ProductDto> list(
                    @RequestParam(defaultValue = "0") @Min(0) int page,
                    @RequestParam(name = "size", required = false, defaultValue = "20") @Max(100) Integer pageSize,
                    @RequestParam Optional<String> q) {
                return service.list(page, pageSize, q);
            }

            @GetMapping(BY_ID)
            public ResponseEntity<ProductDto> get(@PathVariable long productId,
                                                  @RequestHeader(value = "X-Tenant-Id") String tenant) {
                return ResponseEntity.of(service.find(productId));
            }

            @PostMapping(consumes = "application/json")
            @ResponseStatus(HttpStatus.CREATED)
            @PreAuthorize("hasRole('ADMIN')")
            public ProductDto create(@Valid @RequestBody CreateProductRequest request) {
                return service.create(request);
            }

            @RequestMapping(value = BY_ID, method = {RequestMethod.PUT, RequestMethod.PATCH})
            @PreAuthorize("hasAnyRole('ADMIN', 'EDITOR')")
            public ProductDto update(@PathVariable("productId") Long id, @RequestBody CreateProductRequest request) {
                return service.update(id, request);
            }

            @DeleteMapping(path = BY_ID)
            @ResponseStatus(HttpStatus.NO_CONTENT)
            @Secured("ROLE_ADMIN")
            public void delete(@PathVariable Long productId) {
                service.delete(productId);
            }

            @GetMapping(value = {"/export.csv", "/export"})
            public String export(@CookieValue(name = "session", required = false) String session) {
                return service.exportCsv();
            }

            @GetMapping(FeatureFlags.SEARCH_PATH)
            public List<ProductDto> searchBeta(@RequestParam String q) {
                return service.search(q);
            }
        }
    """,
    f"{JAVA}/web/WarehouseController.java": """
        package com.acme.inventory.web;

        import com.acme.inventory.dto.StockLevel;
        import jakarta.annotation.security.PermitAll;
        import org.springframework.stereotype.Controller;
        import org.springframework.web.bind.annotation.*;

        @Controller
        @RequestMapping(path = "/warehouses")
        public class WarehouseController {
            @GetMapping
            @ResponseBody
            public java.util.List<StockLevel> search(WarehouseFilter filter, String region, HttpServletRequest request) {
                return java.util.List.of();
            }

            @GetMapping("/{warehouseId:[0-9]+}/stock")
            @ResponseBody
            @PermitAll
            public StockLevel stock(@PathVariable String warehouseId) {
                return new StockLevel();
            }

            @PostMapping("/{warehouseId}/restock")
            @ResponseBody
            public void restock(@PathVariable String warehouseId, @RequestBody java.util.List<StockLevel> levels) {
            }
        }
    """,
    f"{JAVA}/web/HealthApi.java": """
        package com.acme.inventory.web;

        import org.springframework.web.bind.annotation.GetMapping;
        import org.springframework.web.bind.annotation.RequestMapping;

        @RequestMapping("/status")
        public interface HealthApi {
            @GetMapping("/live")
            String live();
        }
    """,
    f"{JAVA}/web/HealthController.java": """
        package com.acme.inventory.web;

        import org.springframework.web.bind.annotation.RestController;

        @RestController
        public class HealthController implements HealthApi {
            @Override
            public String live() {
                return "UP";
            }
        }
    """,
    f"{JAVA}/web/ProductService.java": """
        package com.acme.inventory.web;

        import org.springframework.stereotype.Service;
        import org.springframework.web.bind.annotation.GetMapping;

        @Service
        public class ProductService {
            // Not a controller: a stray mapping annotation here serves nothing.
            @GetMapping("/not-served")
            public String notServed() { return ""; }
        }
    """,
    f"{JAVA}/web/LegacyController.java": """
        package com.acme.inventory.web;

        import org.springframework.web.bind.annotation.*;

        @RestController
        @RequestMapping("/legacy")
        public class LegacyController {
            @GetMapping("/ok")
            public String ok() { return "ok"; }

            @GetMapping("/broken")
            public String broken() {
                return "unterminated;
            }
        }
    """,
    f"{JAVA}/dto/CreateProductRequest.java": """
        package com.acme.inventory.dto;

        import com.fasterxml.jackson.annotation.JsonProperty;
        import jakarta.validation.constraints.*;
        import java.math.BigDecimal;
        import java.util.List;

        public record CreateProductRequest(
                @NotBlank @Size(min = 2, max = 80) String name,
                @JsonProperty("sku_code") @Pattern(regexp = "[A-Z]{3}-[0-9]{4}") @NotNull String sku,
                @NotNull @DecimalMin("0.01") BigDecimal price,
                @Min(0) @Max(10000) int quantity,
                Category category,
                @Size(max = 10) List<String> tags,
                Dimensions dimensions,
                @Email String supplierEmail) {
        }
    """,
    f"{JAVA}/dto/Dimensions.java": """
        package com.acme.inventory.dto;

        public class Dimensions {
            private static final long serialVersionUID = 1L;
            @NotNull
            private Double width;
            private Double height;
            private boolean fragile;
        }
    """,
    f"{JAVA}/dto/Category.java": """
        package com.acme.inventory.dto;

        public enum Category { HARDWARE, SOFTWARE, SERVICES }
    """,
    f"{JAVA}/dto/ProductDto.java": """
        package com.acme.inventory.dto;

        import com.fasterxml.jackson.annotation.JsonIgnore;
        import java.util.UUID;

        public class ProductDto extends BaseDto {
            private String name;
            @JsonIgnore
            private String internalNote;
        }
    """,
    f"{JAVA}/dto/BaseDto.java": """
        package com.acme.inventory.dto;

        public abstract class BaseDto {
            protected java.util.UUID id;
            protected java.time.Instant createdAt;
        }
    """,
    f"{JAVA}/web/WarehouseFilter.java": """
        package com.acme.inventory.web;

        public class WarehouseFilter {
            @NotBlank
            private String city;
            @Min(1)
            private Integer minCapacity;
        }
    """,
    f"{JAVA}/dto/StockLevel.java": """
        package com.acme.inventory.dto;

        public class StockLevel {
            private String sku;
            private long onHand;
        }
    """,
}

SPRING_INVENTORY_ENDPOINTS: set[tuple[str, str]] = {
    ("GET", "/inventory/api/products"),
    ("GET", "/inventory/api/products/{productId}"),
    ("POST", "/inventory/api/products"),
    ("PUT", "/inventory/api/products/{productId}"),
    ("PATCH", "/inventory/api/products/{productId}"),
    ("DELETE", "/inventory/api/products/{productId}"),
    ("GET", "/inventory/api/products/export.csv"),
    ("GET", "/inventory/api/products/export"),
    ("GET", "/inventory/warehouses"),
    ("GET", "/inventory/warehouses/{warehouseId}/stock"),
    ("POST", "/inventory/warehouses/{warehouseId}/restock"),
    ("GET", "/inventory/status/live"),
    ("GET", "/inventory/legacy/ok"),
}

CREATE_PRODUCT_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 2, "maxLength": 80},
        "sku_code": {"type": "string", "pattern": "[A-Z]{3}-[0-9]{4}"},
        "price": {"type": "number", "minimum": 0.01},
        "quantity": {"type": "integer", "minimum": 0, "maximum": 10000},
        "category": {"type": "string", "enum": ["HARDWARE", "SOFTWARE", "SERVICES"]},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 10},
        "dimensions": {
            "type": "object",
            "properties": {"width": {"type": "number"}, "height": {"type": "number"}, "fragile": {"type": "boolean"}},
            "required": ["width"],
        },
        "supplierEmail": {"type": "string", "format": "email"},
    },
    "required": ["name", "sku_code", "price"],
}

PRODUCT_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "createdAt": {"type": "string", "format": "date-time"},
        "name": {"type": "string"},
    },
}
