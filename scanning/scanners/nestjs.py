"""NestJS endpoint scanner: decorated controller classes read from tree-sitter TypeScript trees.

Shares the one-walk extraction of the Express and Fastify scanners; the walk records classes
with their decorators, decorated methods and parameters, and DTO fields. Linking serves every
``@Controller(path)`` class: ``@Get/@Post/@Put/@Patch/@Delete/@All/@Head/@Options(path)`` and
``@Sse(path)`` (a GET) methods, under ``app.setGlobalPrefix(prefix, { exclude })`` (from the
bootstrap file; excluded routes, matched like Nest's path-to-regexp patterns, stay unprefixed;
``process.env.X ?? 'api'`` is its fallback, ``configService.get('app.apiPrefix')`` the default
of the ``registerAs('app', ...)`` namespace), under the module path ``RouterModule.register(routes)``
gives the module listing the controller (a module may register itself), and, when
``app.enableVersioning({ type: VersioningType.URI })`` is on, under the URI versions of
``@Controller({ path, version })``, method ``@Version()`` or ``defaultVersion``: a version list
serves each version, ``VERSION_NEUTRAL`` the unversioned path. A controller also serves the
routes of the classes it extends (a mixin function's class too), unless it redefines the
method. Paths may be constants, members of constant objects, or enum members, imported or not.
Test files (``*.spec.ts``, ``test/``...) set up applications of their own: their controllers,
prefixes and versioning are not the server's.

Parameters: ``@Param('id')`` (typed by its parse pipe), ``@Query('q')``, ``@Query() dto`` (one query parameter per DTO field),
``@Headers('x-y')``. ``@Body() dto`` becomes a JSON Schema from the DTO class or interface:
TypeScript types plus class-validator decorators (``@IsOptional``, ``@IsEmail``,
``@MinLength``, ``@IsEnum``...). Auth: ``@UseGuards(...)`` with an auth-looking guard on the
method or class, unless the method is ``@Public()``.
"""
from __future__ import annotations

import re
from typing import Any

from scanning.scanners._treesitter import (
    JS_MARKER,
    JsProgram,
    is_auth_name,
)
from scanning.scanners.base import (
    DiscoveredEndpoint,
    Parameter,
    RepositoryIndex,
    ScanWarning,
    SourceFile,
    join_paths,
    path_parameter_names,
)
from scanning.scanners.express import (
    JsFrameworkScanner,
    literal_strings,
    wants_js,
)

VERBS = {"Get": ("GET",), "Post": ("POST",), "Put": ("PUT",), "Patch": ("PATCH",), "Delete": ("DELETE",),
         "Head": ("HEAD",), "Options": ("OPTIONS",), "Sse": ("GET",), "All": ("GET", "POST", "PUT", "PATCH", "DELETE")}
PIPES = {"ParseIntPipe": {"type": "integer"}, "ParseFloatPipe": {"type": "number"},
         "ParseBoolPipe": {"type": "boolean"}, "ParseUUIDPipe": {"type": "string", "format": "uuid"}}
PUBLIC = re.compile(r"^(Public|AllowAnonymous|SkipAuth)$")
_TS_SCALARS = {"string": {"type": "string"}, "number": {"type": "number"}, "boolean": {"type": "boolean"},
               "Date": {"type": "string", "format": "date-time"}, "any": {}, "unknown": {}, "object": {"type": "object"}}
_VALIDATORS: dict[str, dict[str, Any]] = {
    "IsString": {"type": "string"}, "IsInt": {"type": "integer"}, "IsNumber": {"type": "number"},
    "IsBoolean": {"type": "boolean"}, "IsEmail": {"type": "string", "format": "email"},
    "IsUUID": {"type": "string", "format": "uuid"}, "IsUrl": {"type": "string", "format": "uri"},
    "IsDateString": {"type": "string", "format": "date-time"}, "IsISO8601": {"type": "string", "format": "date-time"},
    "IsPositive": {"exclusiveMinimum": 0}, "IsNotEmpty": {}, "IsArray": {"type": "array"},
}
_BOUNDS = {"MinLength": "minLength", "MaxLength": "maxLength", "Min": "minimum", "Max": "maximum",
           "ArrayMinSize": "minItems", "ArrayMaxSize": "maxItems"}

_TEST_FILE = re.compile(r"(^|/)(tests?|e2e|__tests__)/|\.(spec|test|e2e-spec|e2e)\.[cm]?[jt]sx?$")
# `config.get('app.apiPrefix')` as `describe` names a call: callee and its first argument
_CONFIG_READ = re.compile(r"\.(?:get|getOrThrow)\('([\w.-]+)'\)$")
# (global prefix, exclusions from it: (path pattern, request method name or "ALL"))
_Prefix = tuple[str, list[tuple[re.Pattern[str], str]]]

MSG_DYNAMIC_PATH = "controller or route path is not a literal string; skipped"
MSG_DYNAMIC_MODULE_ROUTES = "RouterModule routes are not a literal array of paths; their module paths are not applied"


class NestJSScanner(JsFrameworkScanner):
    name = "nestjs"
    dependency_names = frozenset({"@nestjs/core", "@nestjs/common"})
    import_names = frozenset({"@nestjs/common"})

    def wants(self, source: SourceFile) -> bool:
        return wants_js(source) and source.extension in (".ts", ".mts", ".js", ".json")

    def link(
        self, facts: dict[str, dict[str, Any]], index: RepositoryIndex
    ) -> tuple[list[DiscoveredEndpoint], list[ScanWarning]]:
        return _NestLinker(facts).run()


def _exclusion_pattern(path: str) -> re.Pattern[str]:
    """What path-to-regexp makes of an excluded route: `:name` one segment, `(.*)` and `*`
    anything, case-insensitive, an optional trailing slash."""
    out = ""
    for token in re.split(r"(\(\.\*\)|\*|:\w+\??)", "/" + path.lstrip("/")):
        if token in ("(.*)", "*"):
            out += ".*"
        elif token.startswith(":"):
            out += "[^/]+" if not token.endswith("?") else "[^/]*"
        else:
            out += re.escape(token)
    return re.compile(out.rstrip("/") + "/?$", re.IGNORECASE)


def _option_desc(value: Any) -> dict[str, Any]:
    """An object literal's JSON value as an argument descriptor: `@Controller({ path })` takes
    the same strings, arrays and constants (`path: ROUTES.USERS`) as `@Controller(path)`."""
    if isinstance(value, str):
        return {"t": "str", "v": value}
    if isinstance(value, list):
        return {"t": "arr", "v": [_option_desc(item) for item in value]}
    marker = value.get(JS_MARKER) if isinstance(value, dict) else None
    if isinstance(marker, dict):
        return {"t": "ref", "ref": marker.get("ref"), "name": marker.get("name", "")}
    return {"t": "dyn"}


def _deco(decorators: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    return next((d for d in decorators if d["name"] == name), None)


class _NestLinker:
    def __init__(self, facts: dict[str, dict[str, Any]]) -> None:
        self.facts = {path: f for path, f in facts.items() if "classes" in f}
        self.program = JsProgram(facts)
        self.warnings: list[ScanWarning] = []
        self.types: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        self.enums: dict[str, list[Any]] = {}
        for file in sorted(self.facts):
            for cls in self.facts[file]["classes"]:
                self.types.setdefault(cls["name"], []).append((file, cls))
            for enum_name, values in self.facts[file].get("enums", {}).items():
                self.enums.setdefault(enum_name, values)

    def strings(self, file: str, desc: dict[str, Any] | None) -> list[str] | None:
        if desc is None:
            return [""]
        return literal_strings(self.program, file, desc)

    def run(self) -> tuple[list[DiscoveredEndpoint], list[ScanWarning]]:
        prefix: _Prefix = ("", [])
        versioning = None
        for file, call in self.bootstrap_calls("setGlobalPrefix"):
            values = self.strings(file, call["args"][0])
            if values is None and "ref" in call["args"][0]:
                # `process.env.API_PREFIX ?? 'api'`: what is served when the option is not set
                fallback = self.program.fallback(file, call["args"][0]["ref"])
                values = [fallback[1]] if fallback is not None and isinstance(fallback[1], str) else None
            if values is None:
                values = self.config_value(call["args"][0])
            if values is None:
                self.warnings.append(ScanWarning(file, "global prefix is not a literal string", call["line"]))
            else:
                prefix = (values[0], self.prefix_exclusions(file, call))
            break
        for file, call in self.bootstrap_calls("enableVersioning"):
            versioning = self.versioning(file, call)
            break
        module_paths = self.module_paths()
        endpoints: dict[tuple[str, str], DiscoveredEndpoint] = {}
        for file in sorted(self.facts):
            f = self.facts[file]
            for cls in f["classes"]:
                controller = _deco(cls["decorators"], "Controller")
                if controller is None or _TEST_FILE.search(file):
                    continue  # a controller a test declares is mounted by the test, never by the server
                module_path = module_paths.get((file, cls["line"]), "")
                for endpoint in self.controller(file, cls, controller, prefix, versioning, module_path):
                    endpoints.setdefault(endpoint.key, endpoint)
            if f.get("errors") and "@nestjs/common" in f.get("packages", ()):
                error = f["errors"][0]
                self.warnings.append(ScanWarning(file, error["message"] + "; declarations in it may be missed",
                                                 error["line"]))
        return list(endpoints.values()), self.warnings

    def config_value(self, desc: dict[str, Any]) -> list[str] | None:
        """`configService.getOrThrow('app.apiPrefix')`: the default the `registerAs('app', ...)`
        namespace gives `apiPrefix` (see `_nest_config`), when exactly one namespace has it."""
        match = _CONFIG_READ.search(desc.get("name", "")) if desc.get("t") == "ref" else None
        if match is None or "." not in match.group(1):
            return None
        namespace, key = match.group(1).split(".", 1)
        found = {f["config"][namespace][key] for f in self.facts.values()
                 if key in f.get("config", {}).get(namespace, {})}
        return [found.pop()] if len(found) == 1 else None

    # --- RouterModule ------------------------------------------------------------------

    def module_paths(self) -> dict[tuple[str, int], str]:
        """The path `RouterModule.register([{ path, module, children }])` gives each controller:
        the path of the module that lists it in `@Module({ controllers })`, children's paths
        joined under their parents'. Classes are keyed by (file, line)."""
        controllers: dict[tuple[str, int], list[tuple[str, int]]] = {}
        for file in sorted(self.facts):
            for cls in self.facts[file]["classes"]:
                module = _deco(cls["decorators"], "Module")
                options = module["args"][0] if module and module["args"] else None
                listed = options["v"].get("controllers") if options and options["t"] == "obj" else None
                if isinstance(listed, list):
                    controllers[(file, cls["line"])] = [
                        key for item in listed if (key := self.class_key(file, item)) is not None]
        paths: dict[tuple[str, int], str] = {}
        for file in sorted(self.facts):
            for call in self.facts[file]["calls"]:
                if call["m"] != "register" or not call["args"]:
                    continue
                if self.program.resolve(file, call["owner"]) != ("pkg", "@nestjs/core", ("RouterModule",)):
                    continue
                found = self.route_list(file, call["args"][0])
                if found is None:
                    self.warnings.append(ScanWarning(file, MSG_DYNAMIC_MODULE_ROUTES, call["line"]))
                    continue
                routes_file, routes = found
                self.register(routes_file, routes, "", paths, call["line"])
        return {controller: paths[module] for module, listed in controllers.items() if module in paths
                for controller in listed}

    def route_list(self, file: str, desc: dict[str, Any]) -> tuple[str, list[Any]] | None:
        """The routes array of `register(...)`, written inline or held by a (maybe imported)
        constant, with the file it is written in: the modules it names are imported there."""
        if desc["t"] == "arr":
            return file, [item["v"] for item in desc["v"] if item.get("t") == "obj"]
        ref = desc.get("ref") if desc["t"] == "ref" else None
        for _ in range(20):  # `export { routes } from './routes'` chains, bounded
            if ref is None:
                return None
            if ref.get("k") == "lit":
                return (file, ref["v"]) if isinstance(ref["v"], list) else None
            if ref.get("k") != "imp":
                return None
            target = self.program.resolve_module(file, ref["src"])
            found = self.program.export(target, ref["name"], 0) if target is not None else None
            if found is None:
                return None
            file, ref = found
        return None

    def register(self, file: str, routes: list[Any], parent: str, paths: dict[tuple[str, int], str],
                 line: int) -> None:
        for route in routes:
            if not isinstance(route, dict) or JS_MARKER in route:
                # `children: [CatsModule]`: the module lives at its parent's path
                key = self.class_key(file, route)
                if key is not None:
                    paths.setdefault(key, parent)
                continue
            path = route.get("path", "")
            marker = path.get(JS_MARKER) if isinstance(path, dict) else None
            if isinstance(marker, dict):  # `{ path: ROUTE_PREFIX, module: AppModuleV2 }`
                target = self.program.resolve(file, marker.get("ref"))
                path = target[1] if target is not None and target[0] == "lit" else None
            if not isinstance(path, str):
                self.warnings.append(ScanWarning(file, MSG_DYNAMIC_MODULE_ROUTES, line))
                continue
            joined = join_paths(parent, path)
            key = self.class_key(file, route.get("module"))
            if key is not None:
                paths.setdefault(key, joined)
            children = route.get("children")
            if isinstance(children, list):
                self.register(file, children, joined, paths, line)

    def class_key(self, file: str, value: Any) -> tuple[str, int] | None:
        """(file, line) of the class a `{"__js__": ...}` value names, when it resolves to one."""
        marker = value.get(JS_MARKER) if isinstance(value, dict) else None
        if not isinstance(marker, dict):
            return None
        target = self.program.resolve(file, marker.get("ref"))
        if target is None or target[0] != "class":
            return None
        return target[1], int(target[2][1:].split(":", 1)[0])  # class ids are "k<line>:<column>"

    def prefix_exclusions(self, file: str, call: dict[str, Any]) -> list[tuple[re.Pattern[str], str]]:
        """`setGlobalPrefix('api', { exclude: ['health', { path: 'hooks/(.*)', method: RequestMethod.POST }] })`:
        (path pattern, Nest request method name or "ALL") pairs, for the literal entries."""
        options = call["args"][1] if len(call["args"]) > 1 and call["args"][1]["t"] == "obj" else None
        listed = options["v"].get("exclude") if options is not None else None
        out: list[tuple[re.Pattern[str], str]] = []
        for item in listed if isinstance(listed, list) else []:
            path, method = (item, "ALL") if isinstance(item, str) else (
                (item.get("path"), item.get("method")) if isinstance(item, dict) else (None, None))
            if isinstance(method, dict):
                marker = method.get(JS_MARKER)
                method = marker.get("name", "").rsplit(".", 1)[-1] if isinstance(marker, dict) else None
            if isinstance(path, str) and isinstance(method, str):
                out.append((_exclusion_pattern(path), method.upper()))
        return out

    def bootstrap_calls(self, method: str) -> list[tuple[str, dict[str, Any]]]:
        """The `app.<method>(...)` calls with arguments, the application's own first: on the app
        `NestFactory.create` makes, then outside test files; e2e tests set up apps of their own
        (`moduleFixture.createNestApplication()`), with prefixes the server never serves."""
        found = [(file, call) for file in sorted(self.facts) for call in self.facts[file]["calls"]
                 if call["m"] == method and call["args"]]

        def rank(entry: tuple[str, dict[str, Any]]) -> tuple[int, int]:
            file, call = entry
            target = self.program.resolve(file, call["owner"])
            created = target is not None and target[0] == "call" and target[3:4] == (
                ("pkg", "@nestjs/core", ("NestFactory", "create")),)
            return (0 if created else 1, 1 if _TEST_FILE.search(file) else 0)

        return sorted(found, key=rank)

    def versioning(self, file: str, call: dict[str, Any]) -> dict[str, Any] | None:
        """`app.enableVersioning({ type: VersioningType.URI, prefix, defaultVersion })` — URI only:
        the other types route by header or media type, on unversioned paths."""
        options = call["args"][0]["v"] if call["args"][0]["t"] == "obj" else {}
        kind = options.get("type")
        kind_name = kind.get("__js__", {}).get("name", "") if isinstance(kind, dict) else ""
        if kind is None or kind_name.endswith("URI"):
            segment_prefix = options.get("prefix", "v")
            return {"default": self.versions(file, options.get("defaultVersion")),
                    "prefix": segment_prefix if isinstance(segment_prefix, str) else ""}
        return None

    def versions(self, file: str, value: Any) -> list[str] | None:
        """The versions a `version:` option or `@Version()` argument names, `""` standing for
        `VERSION_NEUTRAL`; None when absent or not statically known. Takes argument descriptors
        and the JSON values of object literals alike."""
        if isinstance(value, str):
            return [value]
        if isinstance(value, list):
            out: list[str] = []
            for item in value:
                found = self.versions(file, item)
                if found is None:
                    return None
                out.extend(found)
            return out or None
        if not isinstance(value, dict):
            return None
        if value.get("t") in ("str", "arr"):
            return self.versions(file, value["v"])
        marker = value.get(JS_MARKER) if JS_MARKER in value else value if value.get("t") == "ref" else None
        if not isinstance(marker, dict):
            return None
        target = self.program.resolve(file, marker.get("ref"))
        if target is not None and target[0] == "pkg" and target[1] == "@nestjs/common" \
                and target[2] == ("VERSION_NEUTRAL",):
            return [""]
        if target is not None and target[0] == "lit" and isinstance(target[1], (str, list)):
            return self.versions(file, target[1])
        return None

    def controller(self, file: str, cls: dict[str, Any], controller: dict[str, Any], prefix: _Prefix,
                   versioning: dict[str, Any] | None, module_path: str) -> list[DiscoveredEndpoint]:
        args = controller["args"]
        versions: list[str] | None = versioning["default"] if versioning else None
        base_desc = args[0] if args else None
        if base_desc is not None and base_desc["t"] == "obj":
            options = base_desc["v"]
            base_desc = None
            if "path" in options:
                base_desc = _option_desc(options["path"])
            if versioning is not None and "version" in options:
                versions = self.versions(file, options["version"]) or versions
        bases = self.strings(file, base_desc)
        if bases is None:
            self.warnings.append(ScanWarning(file, MSG_DYNAMIC_PATH, cls["line"]))
            return []
        global_prefix, exclusions = prefix
        out: list[DiscoveredEndpoint] = []
        for method_file, method in self.route_methods(file, cls):
            verb = next((d for d in method["decorators"] if d["name"] in VERBS), None)
            if verb is None or method.get("err"):
                continue
            paths = self.strings(method_file, verb["args"][0] if verb["args"] else None)
            if paths is None:
                self.warnings.append(ScanWarning(method_file, MSG_DYNAMIC_PATH, method["line"]))
                continue
            # @Version('2') on a method overrides the controller's version(s)
            override = _deco(method["decorators"], "Version")
            method_versions = versions
            if versioning is not None and override and override["args"]:
                method_versions = self.versions(method_file, override["args"][0]) or versions
            segments = [versioning["prefix"] + v if v else "" for v in method_versions] \
                if versioning is not None and method_versions else [""]
            for segment in segments:
                for base in bases:
                    for path in paths:
                        # Nest's order: global prefix, version, module path, controller, route
                        unprefixed = join_paths(segment, module_path, base, path)
                        # exclusions are matched on the path without its URI version
                        bare = join_paths(module_path, base, path) if segment else unprefixed
                        for http in VERBS[verb["name"]]:
                            # an @All route is RequestMethod.ALL to Nest: only ALL exclusions match it
                            request_method = "ALL" if verb["name"] == "All" else http
                            excluded = any(pattern.match(bare) and excluded_method in ("ALL", request_method)
                                           for pattern, excluded_method in exclusions)
                            full = unprefixed if excluded else join_paths(global_prefix, unprefixed)
                            out.append(self.endpoint(http, full, method_file, cls, method))
        return out

    def route_methods(self, file: str, cls: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        """The class's decorated methods and those it inherits (`class UsersController extends
        CrudController<User>`), with the file each is written in. Nest reads a method's route
        from the most derived definition of its name, so a base method the class redefines is
        left out."""
        out: list[tuple[str, dict[str, Any]]] = []
        seen: set[str] = set()
        klass_file, klass = file, cls
        for _ in range(8):  # inheritance chains are short; a cycle is a mistake in the scanned code
            for method in klass["methods"]:
                if method["name"] not in seen:
                    seen.add(method["name"])
                    out.append((klass_file, method))
            base = self.base_class(klass_file, klass)
            if base is None:
                break
            klass_file, klass = base
        return out

    def base_class(self, file: str, cls: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        """The class `cls` extends: the one its base ref resolves to, else (a base from a
        package, a mixin) by name, the one declared in the same file, else the first of that name.
        A mixin, `extends ReadOnlyController<Tag>(Tag)`, is the first class written in the function."""
        target = self.program.resolve(file, cls["base"]) if cls.get("base") else None
        if target is not None and target[0] == "class":
            line = int(target[2][1:].split(":", 1)[0])  # class ids are "k<line>:<column>"
            found = next((c for c in self.facts.get(target[1], {}).get("classes", ()) if c["line"] == line), None)
            return (target[1], found) if found is not None and found is not cls else None
        if target is not None and target[0] == "pkg":
            return None  # a package's class: its routes are not in the scanned sources
        extends = cls["extends"] or ""
        name = re.match(r"[\w$]*", extends).group(0)  # type: ignore[union-attr]
        candidates = [(f, c) for f, c in self.types.get(name, []) if c["kind"] == "class" and c is not cls]
        if not candidates and extends != name:
            for fn_file in sorted(self.facts):
                lines = [fn["line"] for fn in self.facts[fn_file].get("fns", {}).values() if fn.get("name") == name]
                inner = [c for c in self.facts[fn_file]["classes"] if lines and c["kind"] == "class"
                         and c["line"] > lines[0]]
                if inner:
                    candidates.append((fn_file, min(inner, key=lambda c: c["line"])))
        if not candidates:
            return None
        return next(((f, c) for f, c in candidates if f == file), candidates[0])

    def endpoint(self, http: str, path: str, file: str, cls: dict[str, Any],
                 method: dict[str, Any]) -> DiscoveredEndpoint:
        path_params: dict[str, dict[str, Any]] = {}
        parameters: list[Parameter] = []
        body: dict[str, Any] | None = None
        for param in method["params"]:
            for deco in param["decorators"]:
                name_desc = deco["args"][0] if deco["args"] and deco["args"][0]["t"] == "str" else None
                pipes = [a.get("name", "") for a in deco["args"] if a["t"] == "ref"]
                if deco["name"] == "Param" and name_desc is not None:
                    path_params[name_desc["v"]] = self.pipe_schema(pipes)
                elif deco["name"] == "Query" and name_desc is not None:
                    schema = self.pipe_schema(pipes) if pipes else self.ts_schema(param["type"], file, set())
                    parameters.append(Parameter(name_desc["v"], "query", False, schema))
                elif deco["name"] == "Query" and param["type"] is not None:
                    schema = self.ts_schema(param["type"], file, set())
                    required = set(schema.get("required", []))
                    for prop, prop_schema in schema.get("properties", {}).items():
                        parameters.append(Parameter(prop, "query", prop in required, prop_schema))
                elif deco["name"] == "Headers" and name_desc is not None:
                    parameters.append(Parameter(name_desc["v"], "header", False, {"type": "string"}))
                elif deco["name"] == "Body" and param["type"] is not None:
                    body = self.ts_schema(param["type"], file, set())
        auth_required, auth = self.auth(cls, method)
        code = next((str(d["args"][0]["v"]) for d in method["decorators"]
                     if d["name"] == "HttpCode" and d["args"] and d["args"][0]["t"] == "lit"), None)
        code = code or ("201" if http == "POST" else "200")
        returns = method.get("returns")
        response: dict[str, Any] = {"description": ""}
        if returns is not None:
            schema = self.ts_schema(returns, file, set())
            if schema:
                response["schema"] = schema
        return DiscoveredEndpoint(
            method=http, path=path, framework="nestjs", file=file, line=method["line"],
            handler=f"{cls['name']}.{method['name']}",
            parameters=[Parameter(n, "path", True, path_params.get(n, {"type": "string"}))
                        for n in path_parameter_names(path)] + parameters,
            request_body=body, responses={code: response}, auth_required=auth_required, auth=auth,
        )

    @staticmethod
    def pipe_schema(pipes: list[str]) -> dict[str, Any]:
        for pipe in pipes:
            name = pipe.removeprefix("new ").split("(")[0]
            if name in PIPES:
                return dict(PIPES[name])
        return {"type": "string"}

    @staticmethod
    def auth(cls: dict[str, Any], method: dict[str, Any]) -> tuple[bool | None, str]:
        if any(PUBLIC.match(d["name"]) for d in method["decorators"]):
            return False, "@" + next(d["name"] for d in method["decorators"] if PUBLIC.match(d["name"]))
        for holder in (method, cls):
            guards = _deco(holder["decorators"], "UseGuards")
            if guards is not None:
                names = [a.get("name", "") for a in guards["args"]]
                auth = next((n for n in names if is_auth_name(n)), "")
                if auth:
                    return True, f"@UseGuards({auth})"
        return None, ""

    def ts_schema(self, type_: dict[str, Any] | None, file: str, seen: set[str]) -> dict[str, Any]:
        if type_ is None:
            return {}
        name, args = type_["n"], type_["a"]
        if name in _TS_SCALARS:
            return dict(_TS_SCALARS[name])
        if name == "[]" or name == "Array":
            return {"type": "array", "items": self.ts_schema(args[0], file, seen) if args else {}}
        if name in ("Promise", "Observable", "Partial", "Readonly"):
            return self.ts_schema(args[0], file, seen) if args else {}
        if name == "lit":
            return {"const": type_.get("v")}
        if name == "|":
            members = [m for m in args if m["n"] not in ("undefined", "null")]
            if members and all(m["n"] == "lit" for m in members):
                values = [m.get("v") for m in members]
                kinds = {type(v).__name__ for v in values}
                schema: dict[str, Any] = {"enum": values}
                if kinds == {"str"}:
                    schema = {"type": "string", "enum": values}
                return schema
            if len(members) == 1:
                return self.ts_schema(members[0], file, seen)
            return {"anyOf": [self.ts_schema(m, file, seen) for m in members]}
        if name in self.enums:
            values = self.enums[name]
            return {"type": "string", "enum": values} if all(isinstance(v, str) for v in values) else {
                "enum": values}
        candidates = self.types.get(name, [])
        if not candidates:
            return {"type": "object"} if name not in ("void", "undefined") else {}
        class_file, cls = next(((f, c) for f, c in candidates if f == file), candidates[0])
        if cls["name"] in seen:
            return {"type": "object"}
        seen = seen | {cls["name"]}
        properties: dict[str, Any] = {}
        required: list[str] = []
        chain = [cls]
        while chain[-1]["extends"] and chain[-1]["extends"] in self.types and len(chain) < 8:
            chain.append(self.types[chain[-1]["extends"]][0][1])
        for klass in reversed(chain):
            for field in klass["fields"]:
                decorators = {d["name"]: d for d in field["decorators"]}
                schema = self.ts_schema(field["type"], class_file, seen)
                for deco_name, deco in decorators.items():
                    if deco_name in _VALIDATORS:
                        schema.update(_VALIDATORS[deco_name])
                    if deco_name in _BOUNDS and deco["args"] and deco["args"][0]["t"] == "lit":
                        schema[_BOUNDS[deco_name]] = deco["args"][0]["v"]
                    if deco_name == "Length" and deco["args"]:
                        bounds = [a.get("v") for a in deco["args"] if a["t"] == "lit"]
                        for key, value in zip(("minLength", "maxLength"), bounds):
                            schema[key] = value
                    if deco_name == "IsEnum" and deco["args"] and deco["args"][0]["t"] == "ref":
                        values = self.enum_values(class_file, deco["args"][0])
                        if values is not None:
                            schema = {"type": "string", "enum": values} if all(
                                isinstance(v, str) for v in values) else {"enum": values}
                properties[field["name"]] = schema
                if not field["optional"] and "IsOptional" not in decorators:
                    required.append(field["name"])
        out: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            out["required"] = required
        return out

    def enum_values(self, file: str, desc: dict[str, Any]) -> list[Any] | None:
        target = self.program.resolve(file, desc["ref"])
        if target is not None and target[0] == "lit" and isinstance(target[1], dict):
            return list(target[1].values())
        return None
