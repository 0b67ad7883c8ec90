"""Django / Django REST framework endpoint scanner: parses ``urls.py`` chains with `ast`.

Nothing is imported or executed. Linking starts at ``ROOT_URLCONF`` (read from any
settings module) — or, when no settings module names one, at every module defining
``urlpatterns`` that no other module includes — and follows ``path``/``re_path``/``url``
entries through ``include("app.urls")`` (module strings resolved to files),
``include(module)``, ``include([...])``, ``include((patterns, "app"))`` and
``include(router.urls)``, ``include((build_urlpatterns(client), "app"))`` of a project
function building and returning its list (list literals, list comprehensions, local lists
grown by ``append``/``extend``/``+=``, under ``if``s too). The call's
arguments are bound in what the function returns, and its loops over them are unrolled when
they are literal lists or tuples (``[path(f"{prefix}/{name}/", view) for name, view in
views]``, ``for i, pattern in enumerate(patterns): urls.append(path(pattern,
view.as_view()))``; routes formatted as ``"%s/<int:pk>/" % prefix[0]`` are read too); a
route built from what is not bound is a warning. A module-level list included by name
(``include(api_patterns)``, ``common_patterns + plugin_patterns``) is read as it is once the
module has run: grown by ``append``/``extend``/``+=`` (under ``if``s too), its loops unrolled
over literal iterables; a loop over anything else (``for app in apps.get_app_configs()``, a
plugin registry) is only known at run time and is a warning, not a guess. Django joins a
prefix and what it includes by concatenation: under a prefix ending in a parameter with no
``/`` after it (``(?P<ns>[_]{0})``), an included ``cart/`` continues that segment
(``{ns}cart/``). A urls package whose
``__init__.py`` re-exports ``urlpatterns``
(``from .base import urlpatterns`` or ``*``) serves the submodule's patterns, and an
included module without ``urlpatterns`` is a warning. A urls module never reached from a
root is not served and not reported. Namespaces are irrelevant to paths and ignored.

Hook registries (Wagtail's ``register_admin_urls``): ``for fn in hooks.get_hooks("name"):
urls = fn(); if urls: urlpatterns += urls`` (or ``+= fn()``, ``.extend(fn())``) adds what
every module-level function registered under that name returns, when ``get_hooks`` resolves
to a project function and the registration to the ``register`` function of the same module:
``@hooks.register("name", order=...)`` or ``hooks.register("name", fn)``. The function's own
``if``s become the conditions of its routes; the test of the returned value (``if urls:``)
does not. When the settings install apps of the repository, only the modules of installed
apps count (the nearest directory with an ``apps.py`` must be one of them): a registry finds
its hook modules through INSTALLED_APPS. ``include(patterns)`` of a variable holding a
``([...], "app_name")`` pair serves the list.

Conditional routes: an entry added to a urlpatterns list under ``if`` (``urlpatterns +=``,
``append``/``extend``/``insert``, an assignment), a ``router.register`` under ``if``, and
everything such an entry includes, carry the tests as ``conditions``, outermost first (an
``else`` branch ``not (test)``). When an ``if`` and its ``else`` both assign ``urlpatterns``,
each branch's entries get their branch's condition; entries assigned before an assignment
under ``if a`` stay, under ``not (a)``.

Methods:

* function views: ``@api_view([...])``, ``@require_http_methods([...])``,
  ``@require_GET``/``@require_POST``/``@require_safe``; a plain function view with no method
  information is reported as GET only (a documented rule: it answers every method, GET is
  the one a client is meant to use);
* class views: the handlers (``get``, ``post``...) defined by the class and its own bases,
  plus the methods of DRF generic views (``ListCreateAPIView`` → GET, POST;
  ``RetrieveUpdateDestroyAPIView`` → GET, PUT, PATCH, DELETE; the whole table below) and of
  Django's generic views (``TemplateView`` → GET, ``FormView``/``CreateView`` → GET, POST...),
  restricted by ``http_method_names``; simplejwt's token views (``TokenObtainPairView``...)
  are POST; django-oauth-toolkit's (``AuthorizationView`` GET/POST/PUT, ``TokenView`` POST,
  the application views...) and django-formtools' wizards (GET, POST) are known too, also as
  bases of a project's view; any other view class outside the scanned tree is a warning;
* ``ViewSet.as_view({"get": "list"})`` → the mapping's methods;
* a view is also reached through a name bound to it (``login = LoginView.as_view()`` in
  views.py, routed as ``views.login``), and through a classmethod of the view class or its
  bases named ``as_<something>_view`` (``SessionView.as_api_view(client=c)``, a project's
  wrapper around ``cls.as_view``); ``as_view(http_method_names=[...])`` restricts the methods;
  ``RedirectView`` answers GET, POST, PUT, PATCH and DELETE (it defines them all);
* ``DefaultRouter``/``SimpleRouter`` registrations: the list route (GET list, POST create)
  and the detail route ``{lookup}`` (GET retrieve, PUT update, PATCH partial_update, DELETE
  destroy), limited to the actions the viewset has (``ModelViewSet`` all,
  ``ReadOnlyModelViewSet`` list+retrieve, mixins, methods it defines), plus
  ``@action(detail=..., methods=[...], url_path=...)`` routes (the parameters by keyword or
  position, ``@action(["post"], detail=False)``; also imported as another name, ``drf_action``) and ``@x.mapping.<method>``;
  the lookup is ``lookup_url_kwarg`` or ``lookup_field`` or ``pk``; a ``DefaultRouter`` also
  serves its API root (GET) at the prefix it is included under. HEAD/OPTIONS are not reported.
  A project subclass of one (a class named ``...Router`` deriving from it) serves the same,
  without the root when it sets ``include_root_view = False``; a subclass's own ``routes =
  [Route(url=r"^{prefix}/add/$", mapping={"get": "create"}), DynamicRoute(...)]`` replace
  DRF's: each ``Route`` serves the mapped methods whose action the viewset defines (any method
  name, ``bulk_create``), each ``DynamicRoute`` the ``@action`` routes of its ``detail``; a
  template with another field than ``{prefix}``/``{lookup}``/``{url_path}``/
  ``{trailing_slash}`` is a warning. What the ``__init__`` of such a subclass (or of its
  bases, base first) does to ``self.routes`` is applied: ``self.routes[0].mapping.update({"put":
  "bulk_update"})`` (``routes[i]`` is DRF's list, list-``@action``, detail and
  detail-``@action`` route in that order, or the subclass's own ``i``-th), ``.mapping[m] = a``,
  ``.mapping.pop(m)``, ``self.routes = [...]``/``self.routes + [...]``, ``+=``, ``append``/
  ``extend``/``insert``, ``self.routes[i] = Route(...)``; any other change is a warning. (DRF's
  routes are class-level: an in-place change also reaches other routers of the process, which
  is not modelled.)

Path parameters: ``<int:x>`` → integer, ``<slug:x>`` → string with the slug pattern,
``<uuid:x>`` → string/uuid, others string; regex groups ``(?P<x>\\d+)``/``[0-9]+`` → integer,
other groups → string with the group's pattern; a router lookup is an integer when it is
``pk``/``id`` (Django's default auto primary key) or its ``lookup_value_regex`` is numeric.

Schemas: DRF generic views and viewsets with a ``serializer_class`` get the serializer's
request schema as the body of POST/PUT/PATCH (PATCH without ``required``) and its response
schema as the 200/201 response (an array for ``list``, wrapped in ``count/next/previous/
results`` when a pagination class applies); DELETE answers 204.

Auth: ``@login_required``-style decorators (also as URL wrappers ``login_required(view)``),
``LoginRequiredMixin``/``PermissionRequiredMixin``/``UserPassesTestMixin``,
``@method_decorator(login_required, ...)`` on the class, DRF ``permission_classes`` (class
attribute, ``@permission_classes``, ``@action(permission_classes=...)``) else
``REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]`` (DRF's default is ``AllowAny``): ``AllowAny``
→ public, ``IsAuthenticatedOrReadOnly`` → public for GET only, anything else → required.
With Django 5.1's ``LoginRequiredMiddleware`` in ``MIDDLEWARE`` every view requires login
unless it is ``@login_not_required`` (or one of the auth views Django exempts itself).
drf-nested-routers' ``NestedSimpleRouter(parent, "posts", lookup="post")`` hangs its routes
under ``posts/{post_<parent lookup>}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from scanning.scanners._python import (
    PythonFrameworkScanner,
    Expr,
    PythonProject,
    Ref,
    SchemaBuilder,
    SerializerSchemaBuilder,
    arg,
    call_func,
    const,
    last,
    list_items,
    name_of,
    prefer_non_test,
    substitute,
)
from scanning.scanners.base import (
    DiscoveredEndpoint,
    Parameter,
    ScanWarning,
    join_paths,
    path_parameter_names,
)

_REPORTED = ("GET", "POST", "PUT", "PATCH", "DELETE")
DRF_GENERICS: dict[str, list[str]] = {
    "CreateAPIView": ["POST"],
    "ListAPIView": ["GET"],
    "RetrieveAPIView": ["GET"],
    "DestroyAPIView": ["DELETE"],
    "UpdateAPIView": ["PUT", "PATCH"],
    "ListCreateAPIView": ["GET", "POST"],
    "RetrieveUpdateAPIView": ["GET", "PUT", "PATCH"],
    "RetrieveDestroyAPIView": ["GET", "DELETE"],
    "RetrieveUpdateDestroyAPIView": ["GET", "PUT", "PATCH", "DELETE"],
}
DJANGO_GENERICS: dict[str, list[str]] = {
    **{
        name: ["GET"]
        for name in (
            "TemplateView",
            "ListView",
            "DetailView",
            "ArchiveIndexView",
            "YearArchiveView",
            "MonthArchiveView",
            "WeekArchiveView",
            "DayArchiveView",
            "TodayArchiveView",
            "DateDetailView",
            "PasswordResetDoneView",
            "PasswordResetCompleteView",
            "PasswordChangeDoneView",
            # The `Base*` views hold the handlers (`BaseListView.get`); projects derive
            # their own template handling from them (`class IndexView(MyTemplateMixin, BaseListView)`).
            "BaseListView",
            "BaseDetailView",
            "BaseDateListView",
            "BaseArchiveIndexView",
            "BaseYearArchiveView",
            "BaseMonthArchiveView",
            "BaseWeekArchiveView",
            "BaseDayArchiveView",
            "BaseTodayArchiveView",
            "BaseDateDetailView",
        )
    },
    # ProcessFormView: `put` handles the form as `post` does.
    **{
        name: ["GET", "POST", "PUT"]
        for name in (
            "FormView",
            "CreateView",
            "UpdateView",
            "LoginView",
            "PasswordChangeView",
            "PasswordResetView",
            "PasswordResetConfirmView",
            "ProcessFormView",
            "BaseFormView",
            "BaseCreateView",
            "BaseUpdateView",
        )
    },
    # BaseDeleteView: `get` shows the confirmation, `post` submits it, DeletionMixin's `delete`.
    "DeleteView": ["GET", "POST", "DELETE"],
    "BaseDeleteView": ["GET", "POST", "DELETE"],
    "DeletionMixin": ["POST", "DELETE"],
    "LogoutView": ["POST"],
    # RedirectView.get/post/put/patch/delete (and head, options) all redirect.
    "RedirectView": ["GET", "POST", "PUT", "PATCH", "DELETE"],
}
# Views of third-party packages that are commonly mounted as they are, by the dotted name
# they are imported under; a view outside the scanned tree is otherwise unknown.
_KNOWN_EXTERNAL_VIEWS = {
    f"rest_framework_simplejwt.views.{name}": ["POST"]
    for name in (
        "TokenObtainPairView",
        "TokenRefreshView",
        "TokenVerifyView",
        "TokenBlacklistView",
        "TokenObtainSlidingView",
        "TokenRefreshSlidingView",
    )
}
# django-oauth-toolkit's views (django-oauth-toolkit 2.x and 3.x), mounted as they are or
# subclassed: `oauth2_provider.views` re-exports them from its submodules.
_OAUTH2_PROVIDER_VIEWS = {
    "base": {"AuthorizationView": ["GET", "POST", "PUT"], "TokenView": ["POST"], "RevokeTokenView": ["POST"]},
    "application": {
        "ApplicationRegistration": ["GET", "POST", "PUT"],
        "ApplicationDetail": ["GET"],
        "ApplicationList": ["GET"],
        "ApplicationDelete": ["GET", "POST", "DELETE"],
        "ApplicationUpdate": ["GET", "POST", "PUT"],
    },
    "introspect": {"IntrospectTokenView": ["GET", "POST"]},
    "oidc": {
        "ConnectDiscoveryInfoView": ["GET"],
        "JwksInfoView": ["GET"],
        "UserInfoView": ["GET", "POST"],
        "RPInitiatedLogoutView": ["GET", "POST", "PUT"],
    },
    "token": {"AuthorizedTokensListView": ["GET"], "AuthorizedTokenDeleteView": ["GET", "POST", "DELETE"]},
}
_KNOWN_EXTERNAL_VIEWS.update(
    {
        f"oauth2_provider.views{module}.{name}": methods
        for submodule, views in _OAUTH2_PROVIDER_VIEWS.items()
        for name, methods in views.items()
        for module in ("", f".{submodule}")
    }
)
# django-formtools' form wizards: `WizardView.get` starts the wizard, `post` submits a step.
_KNOWN_EXTERNAL_VIEWS.update(
    {
        f"formtools.wizard.views.{name}": ["GET", "POST"]
        for name in (
            "WizardView",
            "SessionWizardView",
            "CookieWizardView",
            "NamedUrlWizardView",
            "NamedUrlSessionWizardView",
            "NamedUrlCookieWizardView",
        )
    }
)
# `action(methods=None, detail=None, url_path=None, url_name=None, **kwargs)`
_ACTION_PARAMETERS = ("methods", "detail", "url_path", "url_name")
_VIEWSET_BASES = {"ViewSet", "GenericViewSet", "ModelViewSet", "ReadOnlyModelViewSet", "ViewSetMixin"}
_VIEWSET_ACTIONS = {
    "ModelViewSet": ["list", "create", "retrieve", "update", "partial_update", "destroy"],
    "ReadOnlyModelViewSet": ["list", "retrieve"],
    "ListModelMixin": ["list"],
    "CreateModelMixin": ["create"],
    "RetrieveModelMixin": ["retrieve"],
    "UpdateModelMixin": ["update", "partial_update"],
    "DestroyModelMixin": ["destroy"],
}
_STANDARD_ACTIONS = ("list", "create", "retrieve", "update", "partial_update", "destroy")
_ROUTER_KINDS = frozenset(
    {
        "DefaultRouter",
        "SimpleRouter",
        "ExtendedSimpleRouter",
        "ExtendedDefaultRouter",
        "NestedSimpleRouter",
        "NestedDefaultRouter",
    }
)
# A router route: (URL template, {method: action} or None for a DynamicRoute (@action), detail).
_RouteSpec = tuple[str, dict[str, str] | None, bool]
# DRF's SimpleRouter.routes.
_DRF_ROUTES: list[_RouteSpec] = [
    ("^{prefix}{trailing_slash}$", {"get": "list", "post": "create"}, False),
    ("^{prefix}/{url_path}{trailing_slash}$", None, False),
    (
        "^{prefix}/{lookup}{trailing_slash}$",
        {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"},
        True,
    ),
    ("^{prefix}/{lookup}/{url_path}{trailing_slash}$", None, True),
]
_GENERIC_ACTIONS = {"POST": "create", "PUT": "update", "PATCH": "partial_update", "DELETE": "destroy"}
_AUTH_DECORATORS = {
    "login_required",
    "permission_required",
    "staff_member_required",
    "user_passes_test",
    "superuser_required",
    "otp_required",
}
_AUTH_MIXINS = {"LoginRequiredMixin", "PermissionRequiredMixin", "UserPassesTestMixin", "AccessMixin"}
# Views Django 5.1 marks @login_not_required itself.
_LOGIN_NOT_REQUIRED_VIEWS = {
    "LoginView",
    "PasswordResetView",
    "PasswordResetDoneView",
    "PasswordResetConfirmView",
    "PasswordResetCompleteView",
}
_READ_ONLY_PERMISSIONS = {"IsAuthenticatedOrReadOnly", "DjangoModelPermissionsOrAnonReadOnly"}
_SAFE = {"GET", "HEAD", "OPTIONS"}
_SLUG = r"^[-a-zA-Z0-9_]+$"
_CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
_NUMERIC_REGEX = re.compile(r"(\\d|\[0-9\])(\+|\{\d+(,\d*)?\}|\*)")


def django_route(route: str, *, regex: bool) -> tuple[str, dict[str, dict[str, Any]]]:
    """A Django route (or regex) as a `{name}` path plus the schemas of its parameters."""
    schemas: dict[str, dict[str, Any]] = {}
    if not regex:

        def converter(match: re.Match[str]) -> str:
            kind = match.group("conv")
            schemas[match.group("name")] = {
                "int": {"type": "integer"},
                "slug": {"type": "string", "pattern": _SLUG},
                "uuid": {"type": "string", "format": "uuid"},
            }.get(kind or "str", {"type": "string"})
            return "{" + match.group("name") + "}"

        return _CONVERTER.sub(converter, route), schemas
    text = route[1:] if route.startswith("^") else route
    for suffix in ("\\Z", "$"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    out, position = [], 0
    while True:
        start = text.find("(?P<", position)
        if start < 0:
            out.append(text[position:])
            break
        out.append(text[position:start])
        name_end = text.find(">", start)
        depth, cursor = 1, name_end + 1
        while cursor < len(text) and depth:
            if text[cursor] == "\\":
                cursor += 2
                continue
            depth += {"(": 1, ")": -1}.get(text[cursor], 0)
            cursor += 1
        name, inner = text[start + 4 : name_end], text[name_end + 1 : cursor - 1]
        schemas[name] = (
            {"type": "integer"}
            if _NUMERIC_REGEX.fullmatch(inner)
            else {"type": "string", "pattern": f"^{inner}$"}
        )
        out.append("{" + name + "}")
        position = cursor
    text = "".join(out)
    if text.endswith("/?"):
        text = text[:-2]
    return re.sub(r"\\([./-])", r"\1", text), schemas


@dataclass
class _Context:
    parts: list[str] = field(default_factory=list)
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict)
    stack: list[str] = field(default_factory=list)
    auth: str = ""
    conditions: list[str] = field(default_factory=list)  # the `if` tests the routes here sit under
    # The last part is an include prefix ending in a parameter with no `/` after it
    # (`(?P<ns>[_]{0})`, `<slug:lang>`). Django joins patterns by concatenating them, so what is
    # included there continues that segment (`{ns}cart/`) rather than starting a new one.
    glued: bool = False

    def under(
        self, text: str, schemas: dict[str, dict[str, Any]], auth: str = "", *, glue: bool = False
    ) -> _Context:
        parts, glued = [*self.parts, text], glue
        if self.glued and not text:
            parts, glued = list(self.parts), True  # `re_path(r"", include(...))` adds nothing to glue to
        elif self.glued and not text.startswith("/"):
            parts = [*self.parts[:-1], self.parts[-1] + text]
        return _Context(
            parts, {**self.schemas, **schemas}, self.stack, auth or self.auth, self.conditions, glued
        )

    def guarded(self, conditions: list[str]) -> _Context:
        if not conditions:
            return self
        return _Context(
            self.parts, self.schemas, self.stack, self.auth, [*self.conditions, *conditions], self.glued
        )


def _guarded(item: tuple[str, str, Expr], conditions: list[str], *, after: bool = False) -> tuple[str, str, Expr]:
    """A urlpatterns entry that is only there under `conditions`: its expression wrapped as
    ``{"guarded": [...], "e": entry}`` (unwrapped by `_entry`), conditions of an entry already
    guarded inside them (or, `after`, around them)."""
    if not conditions:
        return item
    file, scope, e = item
    if "guarded" in e:
        inner = e["guarded"]
        conditions = [*inner, *conditions] if after else [*conditions, *inner]
        e = e["e"]
    return (file, scope, {"guarded": list(conditions), "e": e})


def _conditional_set(
    old: list[tuple[str, str, Expr]], new: list[tuple[str, str, Expr]], conditions: list[str]
) -> list[tuple[str, str, Expr]]:
    """`urlpatterns = new` under `conditions`: the new entries are there under them, the old
    ones under the negation of the innermost one, except entries of a sibling branch (an
    ``if``/``else`` both assigning) which the branch does not reach, entries the new value
    passes through (``urlpatterns = [debug] + urlpatterns``), and entries under that very
    condition, which this assignment replaces."""
    innermost = conditions[-1]
    negated = f"not ({innermost})"
    passed = {id(item) for item in new}
    out: list[tuple[str, str, Expr]] = []
    for item in old:
        if id(item) in passed:
            continue
        have = item[2].get("guarded", ())
        if negated in have or any(innermost == f"not ({h})" for h in have):
            out.append(item)
        elif innermost not in have:
            out.append(_guarded(item, [negated], after=True))
    kept = {id(item) for item in old}
    out += [item if id(item) in kept else _guarded(item, conditions) for item in new]
    return out


def _route_segments(url: str, dynamic: bool) -> list[str] | None:
    """A router URL template's segments (`{prefix}`, `{lookup}`, `{url_path}` or literal text);
    None when it cannot be read (another template field, or `{url_path}` where it has no meaning)."""
    text = url.removeprefix("^").removesuffix("$").replace("{trailing_slash}", "").strip("/")
    segments = text.split("/")
    if segments[0] != "{prefix}" or ("{url_path}" in segments) != dynamic:
        return None
    for segment in segments:
        if "{" in segment and segment not in ("{prefix}", "{lookup}", "{url_path}"):
            return None
    return segments


@dataclass
class _Router:
    key: tuple[str, str, str]
    kind: str
    line: int
    registrations: list[tuple[str, str, Expr]] = field(default_factory=list)  # file, scope, register call
    nested: tuple[str, str, Expr] | None = None  # drf-nested-routers: (file, scope, constructor call)
    root_view: bool = True  # a DefaultRouter's API root; `include_root_view = False` in a subclass
    routes: list[_RouteSpec] = field(default_factory=lambda: _DRF_ROUTES)  # a subclass's own `routes`


# Where list views filter: query parameters read here belong to the list (or GET) endpoint.
_QUERYSET_METHODS = ("get_queryset", "filter_queryset")


class DjangoScanner(PythonFrameworkScanner):
    name = "django"
    manifest_names = ("django", "Django", "djangorestframework")
    import_names = frozenset({"django", "rest_framework"})

    def linker(self, project: PythonProject) -> _Linker:
        return _Linker(project)


class _Linker:
    def __init__(self, project: PythonProject) -> None:
        self.project = project
        self.serializers = SerializerSchemaBuilder(project)
        self.warnings: list[ScanWarning] = []
        self._warned: set[tuple[str, str, int]] = set()
        self.out: list[DiscoveredEndpoint] = []
        self.seen: set[tuple[str, str]] = set()
        self.visited: set[str] = set()
        self.emit = True
        self.default_permissions: list[str] = ["AllowAny"]
        self.default_permissions_label = ""
        self.default_pagination = False
        self.login_required_middleware = False
        self.routers: dict[tuple[str, str, str], _Router] = {}
        # `if X: router.register(...)`: the register call (by identity) -> the tests around it.
        self.registration_conditions: dict[int, list[str]] = {}
        # Hook registries: (registry module, hook name) -> the functions registered for it.
        self.hooks: dict[tuple[str, str], list[tuple[str, str, int, list[str]]]] = {}
        self.app_dirs: list[str] | None = None

    # -- entry --

    def run(self) -> tuple[list[DiscoveredEndpoint], list[ScanWarning]]:
        roots = self._settings()
        self._collect_routers()
        if not roots:
            roots = self._unincluded_urlconfs()
        self.emit = True
        for root in roots:
            self._urlconf(root, _Context(stack=[root]))
        for file, message, line in self.serializers.warnings:
            self._warn(file, message, line)
        return self.out, self.warnings

    def _warn(self, file: str, message: str, line: int = 0) -> None:
        if self.emit and (file, message, line) not in self._warned:
            self._warned.add((file, message, line))
            self.warnings.append(ScanWarning(file, message, line))

    def _settings(self) -> list[str]:
        roots: list[str] = []
        declared_in: dict[str, str] = {}
        for path, facts in self.project.facts.items():
            for assign in facts["assigns"]:
                if assign["s"]:
                    continue
                if "ROOT_URLCONF" in assign["t"]:
                    module = self.project.eval_str(path, "", assign["v"])
                    target = self.project.module_file(module, "") if module else None
                    if target is None:
                        self._warn(
                            path, f"ROOT_URLCONF {module!r} does not resolve to a module", assign["line"]
                        )
                    elif target not in roots:
                        roots.append(target)
                        declared_in[target] = path
                if "MIDDLEWARE" in assign["t"]:
                    names = [self.project.eval_str(path, "", e) or "" for e in list_items(assign["v"]) or []]
                    if any(n.endswith(".LoginRequiredMiddleware") for n in names):
                        self.login_required_middleware = True
                if "REST_FRAMEWORK" in assign["t"] and "dict" in (assign["v"] or {}):
                    self._rest_framework(path, assign["v"])
        # Test settings often point ROOT_URLCONF at test-only URLconfs.
        kept = prefer_non_test([declared_in[r] for r in roots])
        return [r for r in roots if declared_in[r] in kept]

    def _rest_framework(self, path: str, value: Expr) -> None:
        for key, item in value["dict"]:
            name = const(key)
            if name == "DEFAULT_PERMISSION_CLASSES":
                classes = [
                    self.project.eval_str(path, "", e) for e in self.project.eval_list(path, "", item) or []
                ]
                self.default_permissions = [last(c) for c in classes if c]
                self.default_permissions_label = (
                    f"DEFAULT_PERMISSION_CLASSES=[{', '.join(self.default_permissions)}]"
                )
            elif name == "DEFAULT_PAGINATION_CLASS":
                self.default_pagination = const(item) is not None

    def _unincluded_urlconfs(self) -> list[str]:
        candidates = [
            path
            for path, facts in self.project.facts.items()
            if any(a["s"] == "" and "urlpatterns" in a["t"] for a in facts["assigns"])
        ]
        included: set[str] = set()
        self.emit = False
        for path in candidates:
            self.visited = set()
            self._urlconf(path, _Context(stack=[path]))
            included |= self.visited - {path}
        self.out, self.seen, self.visited = [], set(), set()
        return prefer_non_test([p for p in candidates if p not in included])

    # -- urlpatterns --

    def _urlconf(self, path: str, context: _Context) -> None:
        self.visited.add(path)
        for file, scope, item in self._urlpatterns(path):
            self._entry(file, scope, item, context)

    def _urlpatterns(self, path: str, depth: int = 0) -> list[tuple[str, str, Expr]]:
        events = self._list_events(path, "", "urlpatterns")
        items: list[tuple[str, str, Expr]] = []
        if not events or events[0][1] != "set":
            # `from .base import urlpatterns` (or `*`) in a urls package's `__init__.py`.
            items = self._imported_urlpatterns(path, depth)
        return self._apply_events(path, "", events, items, 0)

    def _list_events(
        self, path: str, scope: str, name: str, loops: bool = False
    ) -> list[tuple[int, str, Expr, list[str]]]:
        """How a list variable of `scope` is built: assignments, `+=`, append/extend/insert,
        in line order, each with the `if` tests around it; with `loops`, the value of a call
        made in a `for` loop is `{"loop": loop, "e": value}`."""
        facts = self.project.facts[path]
        events: list[tuple[int, str, Expr, list[str]]] = []
        for assign in facts["assigns"]:
            if assign["s"] == scope and name in assign["t"]:
                events.append((assign["line"], "set", assign["v"], assign.get("if", [])))
        for aug in facts["augassigns"]:
            if aug["s"] == scope and aug["t"] == name and aug["op"] == "Add":
                hooked = self._hooked(path, scope, aug, aug["v"]) if "loop" in aug else None
                if hooked is not None:
                    events += [(aug["line"], "extend", v, c) for v, c in hooked]
                    continue
                events.append((aug["line"], "extend", aug["v"], aug.get("if", [])))
        methods = (f"{name}.append", f"{name}.extend", f"{name}.insert")
        for call in facts["calls"]:
            func = call_func(call["e"])
            if call["s"] == scope and func in methods:
                kind = func.rsplit(".", 1)[1]
                value = call["e"] if kind == "insert" else arg(call["e"], 0)
                if kind == "extend" and "loop" in call:
                    hooked = self._hooked(path, scope, call, value)
                    if hooked is not None:
                        events += [(call["e"]["line"], "extend", v, c) for v, c in hooked]
                        continue
                if loops and "loop" in call and value is not None:
                    value = {"loop": call["loop"], "e": value}
                events.append((call["e"]["line"], kind, value, call.get("if", [])))
        events.sort(key=lambda e: e[0])
        return events

    # -- hook registries --

    def _hooked(
        self, path: str, scope: str, record: dict[str, Any], value: Expr | None
    ) -> list[tuple[Expr, list[str]]] | None:
        """A list grown in a loop over a hook registry (`for fn in hooks.get_hooks("urls"):
        urls = fn(); if urls: urlpatterns += urls`): what each function registered under that
        name returns, as a call of it, with the conditions around the `+=` and around the
        function. None when the loop is not over a registry's hooks or the value is not what
        the loop's function returns. A test of the returned value itself (`if urls:`) is
        dropped: it only skips a hook that returns nothing."""
        loop = record["loop"]
        target, iterable = loop["t"], loop["it"]
        if "in" in loop or not isinstance(target, str) or not call_func(iterable):
            return None
        getter = self.project.resolve_expr(path, scope, iterable["call"])
        hook = self.project.eval_str(path, scope, arg(iterable, 0, "hook_name"))
        if getter is None or getter.kind != "function" or getter.rest or hook is None:
            return None
        returned = name_of(value) if value is not None else None
        if returned and returned != target:
            value = self._loop_assigned(path, scope, loop, returned, record)
        if value is None or name_of(value.get("call")) != target or value["args"] or value["kw"]:
            return None
        conditions = [c for c in record.get("if", []) if c != returned]
        out: list[tuple[Expr, list[str]]] = []
        for file, function, line, guards in self._registered(getter.file, hook):
            call = {"call": {"n": function}, "args": [], "kw": {}, "line": line}
            out.append(({"at": [file, ""], "e": call}, conditions + guards))
        return out

    def _loop_assigned(
        self, path: str, scope: str, loop: dict[str, Any], name: str, before: dict[str, Any]
    ) -> Expr | None:
        """The value last assigned to `name` in the body of `loop` before `before`."""
        line = before.get("line", before.get("e", {}).get("line", 0))
        value: Expr | None = None
        for assign in self.project.facts[path]["assigns"]:
            if (
                assign["s"] == scope
                and assign.get("loop", {}).get("line") == loop["line"]
                and name in assign["t"]
                and assign["line"] < line
            ):
                value = assign["v"]
        return value

    def _registered(self, registry: str, hook: str) -> list[tuple[str, str, int, list[str]]]:
        """The module-level functions registered under `hook` with the `register` function of
        the `registry` module: decorated `@hooks.register(hook)` (other arguments allowed) or
        passed to `hooks.register(hook, fn)`; only in the modules of installed apps when the
        settings list any app of the repository (a registry discovers its hook modules
        through INSTALLED_APPS)."""
        key = (registry, hook)
        if key in self.hooks:
            return self.hooks[key]
        found: list[tuple[str, str, int, list[str]]] = []
        for path, facts in self.project.facts.items():
            if not self._installed(path):
                continue
            for function in facts["functions"]:
                if function["s"] == "" and any(
                    self._registers(path, d, registry, hook) for d in function["dec"]
                ):
                    found.append((path, function["name"], function["line"], function.get("if", [])))
            for call in facts["calls"]:
                e = call["e"]
                if call["s"] == "" and len(e["args"]) >= 2 and self._registers(path, e, registry, hook):
                    ref = self.project.resolve_expr(path, "", e["args"][1])
                    if ref is not None and ref.kind == "function" and not ref.rest and ref.scope == "":
                        found.append((ref.file, ref.name, e["line"], call.get("if", [])))
        self.hooks[key] = found
        return found

    def _registers(self, path: str, e: Expr | None, registry: str, hook: str) -> bool:
        """Whether `e` is a call of `registry`'s `register` with `hook` as its first argument."""
        if not call_func(e) or not e["args"]:  # type: ignore[index]
            return False
        ref = self.project.resolve_expr(path, "", e["call"])  # type: ignore[index]
        return (
            ref is not None
            and ref.kind == "function"
            and ref.name == "register"
            and ref.file == registry
            and not ref.rest
            and self.project.eval_str(path, "", e["args"][0]) == hook  # type: ignore[index]
        )

    def _installed(self, path: str) -> bool:
        """Whether the module belongs to an installed app: the nearest directory above it that
        is an installed app or a Django app (it has an `apps.py`) is an installed one. A module
        in no app, or any module when no installed app is in the repository, counts."""
        if self.app_dirs is None:
            self.app_dirs = self._installed_app_dirs()
        if not self.app_dirs:
            return True
        directory = path
        while "/" in directory:
            directory = directory.rsplit("/", 1)[0]
            if f"{directory}/" in self.app_dirs:
                return True
            if f"{directory}/apps.py" in self.project.facts:
                return False
        return True

    def _installed_app_dirs(self) -> list[str]:
        """The directories (with a trailing slash) of the INSTALLED_APPS that are modules of the
        repository (`"shop.catalog"`, `"shop.catalog.apps.CatalogConfig"`), in non-test
        settings."""
        declared: dict[str, list[Expr]] = {}
        for path, facts in self.project.facts.items():
            for assign in facts["assigns"]:
                if assign["s"] == "" and "INSTALLED_APPS" in assign["t"]:
                    declared.setdefault(path, []).extend(self.project.eval_list(path, "", assign["v"]) or [])
            for aug in facts["augassigns"]:
                if aug["s"] == "" and aug["t"] == "INSTALLED_APPS" and aug["op"] == "Add":
                    declared.setdefault(path, []).extend(self.project.eval_list(path, "", aug["v"]) or [])
        dirs: list[str] = []
        for path in prefer_non_test(list(declared)):
            for e in declared[path]:
                dotted = self.project.eval_str(path, "", e)
                while dotted:
                    file = self.project.module_file(dotted, "")
                    if file is not None:
                        directory = file.rsplit("/", 1)[0] + "/" if "/" in file else ""
                        if directory and directory not in dirs:
                            dirs.append(directory)
                        break
                    dotted = dotted.rpartition(".")[0]
        return dirs

    def _apply_events(
        self,
        path: str,
        scope: str,
        events: list[tuple[int, str, Expr, list[str]]],
        items: list[tuple[str, str, Expr]],
        depth: int,
        own: str = "urlpatterns",
    ) -> list[tuple[str, str, Expr]]:
        for line, kind, value, conditions in events:
            if kind == "set":
                new = self._patterns(
                    path, scope, value, depth, current=items, replacing=True, line=line, own=own
                )
                items = _conditional_set(items, new, conditions) if conditions else new
            elif kind == "extend":
                added = self._patterns(path, scope, value, depth, current=items, line=line, own=own)
                items += [_guarded(i, conditions) for i in added]
            elif kind == "append":
                if value is not None:
                    items.append(_guarded((path, scope, value), conditions))
            elif kind == "insert":
                item = arg(value, 1)
                index = const(arg(value, 0), 0)
                if item is not None:
                    items.insert(index if isinstance(index, int) else 0, _guarded((path, scope, item), conditions))
        return items

    def _built_patterns(
        self, ref: Ref, depth: int, call: tuple[str, str, Expr] | None = None
    ) -> list[tuple[str, str, Expr]]:
        """The patterns a project function builds and returns (`def build_urlpatterns(client)`,
        `include((build_urlpatterns(Client.APP), "headless"))`). Given the call (where it is
        read, and the call), the parameters are bound to its arguments in what the function
        returns (its list literal, comprehension, or the list it appends to), and the loops
        building it (`for pattern in patterns: urls.append(path(pattern, view))`,
        `[path(f"{prefix}/{name}/", view) for name, view in views]`, over `enumerate(...)` too)
        are unrolled over literal lists and tuples. A route or view that depends on what is not
        bound (a local list it includes, a loop over something else) stays unknown and is
        warned about where it is read."""
        inner = f"{ref.scope}.{ref.name}" if ref.scope else ref.name
        bindings = self._call_bindings(ref, *call) if call is not None else {}
        items: list[tuple[str, str, Expr]] = []
        for returned in ref.obj["rl"]:
            if "n" in returned:
                events: list[tuple[int, str, Expr, list[str]]] = []
                for line, kind, value, conditions in self._list_events(ref.file, inner, returned["n"], loops=True):
                    if isinstance(value, dict) and "loop" in value:
                        unrolled = self._unrolled(ref.file, inner, value["loop"], value["e"], bindings)
                        events += [(line, kind, e, conditions) for e in unrolled]
                    else:
                        events.append((line, kind, substitute(value, bindings), conditions))
                items += self._apply_events(ref.file, inner, events, [], depth + 1)
            elif "comp" in returned:
                for value in self._unrolled(ref.file, inner, returned, returned["comp"], bindings):
                    items.append((ref.file, inner, value))
            else:
                items += self._patterns(ref.file, inner, substitute(returned, bindings), depth + 1)
        return items

    @staticmethod
    def _call_bindings(ref: Ref, path: str, scope: str, call: Expr) -> dict[str, Expr]:
        """A function's parameters bound to a call's arguments (or their defaults), each with
        where it is read; none when the call unpacks `*args` or `**kwargs`."""
        if any(a is None or "star" in a for a in call["args"]) or "**" in call["kw"]:
            return {}
        bindings: dict[str, Expr] = {}
        for index, parameter in enumerate(ref.obj["args"]):
            name = parameter["name"]
            if index < len(call["args"]):
                bindings[name] = {"at": [path, scope], "e": call["args"][index]}
            elif name in call["kw"]:
                bindings[name] = {"at": [path, scope], "e": call["kw"][name]}
            elif "def" in parameter:
                bindings[name] = {"at": [ref.file, ref.scope], "e": parameter["def"]}
        return bindings

    def _unrolled(
        self, path: str, scope: str, loop: dict[str, Any], e: Expr, bindings: dict[str, Expr]
    ) -> list[Expr]:
        """`e` once per item of the loop around it (`{"t": names, "it": iterable}`), the loop's
        names bound to the item; `e` as it is, its loop names unbound, when the items are not
        known."""
        names = loop["t"]
        targets = {names} if isinstance(names, str) else set(names)
        outer = {name: value for name, value in bindings.items() if name not in targets}
        e = substitute(e, outer)
        items = None if "in" in loop else self._loop_items(path, scope, substitute(loop["it"], outer))
        if items is None:
            return [e]
        out: list[Expr] = []
        for item in items:
            if isinstance(names, str):
                out.append(substitute(e, {names: item}))
                continue
            values = self._unpacked(item, len(names))
            if values is None:
                return [e]
            out.append(substitute(e, dict(zip(names, values, strict=True))))
        return out

    def _loop_items(self, path: str, scope: str, e: Expr | None, depth: int = 0) -> list[Expr] | None:
        """The items of a literal list or tuple (or a module constant holding one, or
        `enumerate()` of one), each with where it is read; None when they are not known."""
        path, scope, e = self.project.located(path, scope, e)
        if e is None or depth > 8:
            return None
        if call_func(e) == "enumerate" and len(e["args"]) == 1 and not e["kw"]:
            items = self._loop_items(path, scope, e["args"][0], depth + 1)
            if items is None:
                return None
            return [{"at": [path, scope], "e": {"list": [{"c": i}, item]}} for i, item in enumerate(items)]
        if "list" in e:
            if any(item is None or "star" in item for item in e["list"]):
                return None
            return [{"at": [path, scope], "e": item} for item in e["list"]]
        name = name_of(e)
        if name:
            ref = self.project.resolve(path, scope, name)
            if ref is not None and ref.kind == "assign" and not ref.rest and not ref.scope:
                return self._loop_items(ref.file, ref.scope, ref.obj["v"], depth + 1)
        return None

    def _unpacked(self, item: Expr, count: int) -> list[Expr] | None:
        """The values `for a, b in ...` binds from one item, each with where it is read."""
        path, scope, value = self.project.located("", "", item)
        values = list_items(value)
        if values is None or len(values) != count or any(v is None or "star" in v for v in values):
            return None
        return [v if "at" in v else {"at": [path, scope], "e": v} for v in values]

    def _imported_urlpatterns(self, path: str, depth: int) -> list[tuple[str, str, Expr]]:
        """The urlpatterns a module re-exports from another module of the repository."""
        ref = self.project.resolve(path, "", "urlpatterns")
        if ref is not None and ref.kind == "assign" and ref.file == path:
            return []
        if ref is not None and ref.kind == "assign" and not ref.rest and ref.scope == "" and depth < 12:
            return self._urlpatterns(ref.file, depth + 1)
        if ref is None or ref.name == "urlpatterns":
            self._warn(path, "included module defines no urlpatterns")
        else:
            self._warn(path, f"urlpatterns imported from {ref.name}, which cannot be resolved statically")
        return []

    def _patterns(
        self,
        path: str,
        scope: str,
        e: Expr | None,
        depth: int = 0,
        current: list[tuple[str, str, Expr]] | None = None,
        replacing: bool = False,
        line: int = 0,
        own: str = "urlpatterns",
    ) -> list[tuple[str, str, Expr]]:
        """The entries of a urlpatterns expression; `current` is what the module list being built
        (`own`, `urlpatterns` or one it includes) holds so far, `replacing` when the expression
        is assigned to it (rather than added)."""
        path, scope, e = self.project.located(path, scope, e)  # a helper's bound argument
        if e is None or depth > 12:
            return []
        if current is not None and name_of(e) == own and scope == "":
            # `urlpatterns = format_suffix_patterns(urlpatterns)` refers to the list built so far.
            return list(current)
        if "list" in e:
            out: list[tuple[str, str, Expr]] = []
            for item in e["list"]:
                if item is not None and "star" in item:
                    out += self._patterns(path, scope, item["star"], depth + 1, current, replacing, own=own)
                elif item is not None:
                    out.append((path, scope, item))
            return out
        if e.get("op") == "Add":
            return [
                *self._patterns(path, scope, e["l"], depth + 1, current, replacing, own=own),
                *self._patterns(path, scope, e["r"], depth + 1, current, replacing, own=own),
            ]
        name = name_of(e)
        if name:
            if name.endswith(".urls"):
                router = self._router(path, scope, name[: -len(".urls")])
                if router is not None:
                    return [(path, scope, {"router": list(router)})]
            ref = self.project.resolve(path, scope, name)
            if ref is not None and ref.kind == "assign" and not ref.rest and ref.scope:
                # A list a function builds (`patterns = []`, `patterns.append(path(...))`).
                events = self._list_events(ref.file, ref.scope, ref.name)
                return self._apply_events(ref.file, ref.scope, events, [], depth + 1)
            if ref is not None and ref.kind == "assign" and not ref.rest:
                grown = None if ref.scope else self._module_list(ref, depth)
                if grown is not None:
                    return grown
                return self._patterns(ref.file, ref.scope, ref.obj["v"], depth + 1)
            if ref is not None and ref.kind == "module":
                return self._urlpatterns(ref.file)
        if call_func(e):
            kind = self.project.canonical(path, scope, e["call"])
            if kind == "format_suffix_patterns":
                return self._patterns(path, scope, arg(e, 0, "urlpatterns"), depth + 1, current, own=own)
            if kind == "i18n_patterns":
                return [(path, scope, a) for a in e["args"] if a is not None]
            if kind in ("static", "staticfiles_urlpatterns", "debug_toolbar_urls"):
                return []
            if kind in ("path", "re_path", "url"):
                return [(path, scope, e)]
            ref = self.project.resolve_expr(path, scope, e["call"])
            if ref is not None and ref.kind == "function" and not ref.rest:
                if "ri" in ref.obj:
                    # `urlpatterns = decorate_urlpatterns(urlpatterns, require_admin)`: a
                    # function returning its parameter unchanged is its argument.
                    passed = self._returned_argument(ref, e)
                    if passed is not None:
                        return self._patterns(path, scope, passed, depth + 1, current, replacing, own=own)
                if "rl" in ref.obj:
                    return self._built_patterns(ref, depth, (path, scope, e))
            if (
                replacing
                and current
                and (ref is None or ref.kind == "external")
                and any(name_of(a) == "urlpatterns" for a in e["args"])
            ):
                # `urlpatterns = wrap(urlpatterns)` with `wrap` outside the scanned tree: a
                # function given the list built so far is taken to keep its routes (as
                # wrapping helpers do). A project function that returns something else
                # replaces them.
                self._warn(
                    path,
                    f"urlpatterns passed through {call_func(e)}(), which cannot be resolved statically; "
                    f"the {len(current)} entries collected before it are kept as they are",
                    e.get("line", 0),
                )
                return list(current)
        # a bare name has no line of its own: the statement's (`patterns += module_patterns`)
        line = e.get("line", line) if isinstance(e, dict) else line
        if replacing and current:
            self._warn(
                path,
                "urlpatterns reassigned from an expression that cannot be resolved statically; "
                f"the {len(current)} entries collected before it are dropped",
                line,
            )
        else:
            self._warn(path, "urlpatterns built from an expression that cannot be resolved statically", line)
        return []

    def _module_list(self, ref: Ref, depth: int) -> list[tuple[str, str, Expr]] | None:
        """A module-level list grown after it is assigned (`api_patterns = []`, then
        `api_patterns.append(path(...))`, `+=`, `extend`), as it is once the module has run; None
        when it is only assigned. What is added in a loop is unrolled over a literal iterable; a
        loop over anything else (`for app in apps.get_app_configs()`, a plugin registry) only
        runs at run time: it is warned about at its line and its routes are not reported."""
        events = self._list_events(ref.file, "", ref.name, loops=True)
        if all(kind == "set" for _line, kind, _value, _conditions in events):
            return None
        kept: list[tuple[int, str, Expr, list[str]]] = []
        for line, kind, value, conditions in events:
            if not (isinstance(value, dict) and "loop" in value):
                kept.append((line, kind, value, conditions))
                continue
            loop = value["loop"]
            items = None if "in" in loop else self._loop_items(ref.file, "", loop["it"])
            if items is None:
                iterable = loop["it"]
                func = call_func(iterable)
                shown = f"{func}()" if func else name_of(iterable) or "an expression"
                self._warn(
                    ref.file,
                    f"URL patterns added to {ref.name} in a loop over {shown}, "
                    "which is only known at run time; their routes are not reported",
                    line,
                )
                continue
            kept += [(line, kind, e, conditions) for e in self._unrolled(ref.file, "", loop, value["e"], {})]
        return self._apply_events(ref.file, "", kept, [], depth + 1, own=ref.name)

    @staticmethod
    def _returned_argument(ref: Ref, call: Expr) -> Expr | None:
        """The argument a call passes to the parameter its function returns (`ri`)."""
        names = [a["name"] for a in ref.obj["args"]]
        index = names.index(ref.obj["ri"])
        if any(a is not None and "star" in a for a in call["args"][:index]):
            return None  # `f(*items, urlpatterns)`: which argument lands there is not known
        return arg(call, index, ref.obj["ri"])

    def _entry(self, path: str, scope: str, e: Expr, context: _Context) -> None:
        if "guarded" in e:
            context, e = context.guarded(e["guarded"]), e["e"]
        if "router" in e:
            self._router_routes(tuple(e["router"]), context)  # type: ignore[arg-type]
            return
        if not call_func(e):
            self._warn(path, "unrecognized urlpatterns entry", 0)
            return
        kind = self.project.canonical(path, scope, e["call"])
        if kind not in ("path", "re_path", "url"):
            self._warn(path, f"unrecognized urlpatterns entry {call_func(e)}()", e["line"])
            return
        route = self.project.eval_str(path, scope, arg(e, 0, "route" if kind != "url" else "regex"))
        if route is None:
            self._warn(path, "URL route is not a constant string; its views are not reported", e["line"])
            return
        text, schemas = django_route(route, regex=kind != "path")
        view = arg(e, 1, "view")
        if (name_of(view) or "").endswith("site.urls"):
            return  # the Django admin site: its many pages are not API endpoints
        if call_func(view) and self.project.canonical(path, scope, view["call"]) == "include":  # type: ignore[index]
            under = context.under(text, schemas, glue=text.endswith("}"))  # a parameter, no `/` after it
            self._include(path, scope, view, under, e["line"])  # type: ignore[arg-type]
            return
        self._view(path, scope, view, context.under(text, schemas), e["line"])

    def _include(self, path: str, scope: str, call: Expr, context: _Context, line: int) -> None:
        target = arg(call, 0, "arg")
        items = list_items(target)
        if items is None and name_of(target):
            # `patterns = ([path(...)], "snippets")`, `include(patterns)`: a local or module
            # variable holding the `(patterns, app_name)` pair.
            ref = self.project.resolve(path, scope, name_of(target))  # type: ignore[arg-type]
            if ref is not None and ref.kind == "assign" and not ref.rest:
                pair = list_items(ref.obj["v"])
                if pair and len(pair) in (2, 3) and isinstance(const(pair[1]), str) and "list" in (pair[0] or {}):
                    target, items = {"at": [ref.file, ref.scope], "e": pair[0]}, None
        if (
            items
            and len(items) in (2, 3)
            and isinstance(const(items[1]), str)
            and (
                not call_func(items[0])
                or self.project.canonical(path, scope, items[0]["call"]) not in ("path", "re_path", "url")
            )
        ):
            target = items[0]  # include((patterns_or_module, "app_name"))
        module = self.project.eval_str(path, scope, target)
        if module is not None:
            file = self.project.module_file(module, path, lenient=True)
            if file is None:
                self._warn(path, f"include({module!r}) does not resolve to a module in the repository", line)
                return
            self._enter(file, context, path, line)
            return
        name = name_of(target)
        if name:
            ref = self.project.resolve(path, scope, name)
            if ref is not None and ref.kind == "module":
                self._enter(ref.file, context, path, line)
                return
        for file, item_scope, item in self._patterns(path, scope, target, line=line):
            self._entry(file, item_scope, item, context)

    def _enter(self, file: str, context: _Context, origin: str, line: int) -> None:
        if file in context.stack:
            self._warn(origin, "include() cycle", line)
            return
        self._urlconf(
            file,
            _Context(
                context.parts,
                context.schemas,
                [*context.stack, file],
                context.auth,
                context.conditions,
                context.glued,
            ),
        )

    # -- views --

    def _view(self, path: str, scope: str, view: Expr | None, context: _Context, line: int) -> None:
        if not self.emit:
            return  # finding roots only needs the include graph
        auth = context.auth
        shown = name_of(view)
        # Where the view expression is read; the endpoint stays at the route (`path`, `line`).
        at_path, at_scope = path, scope
        for _ in range(8):
            at_path, at_scope, view = self.project.located(at_path, at_scope, view)
            if isinstance(view, dict) and isinstance(view.get("call"), dict) and "at" in view["call"]:
                # `view.as_view()` in a URL helper, `view` bound to the caller's class.
                at_path, at_scope, func = self.project.located(at_path, at_scope, view["call"])
                view = {**view, "call": func}
            while call_func(view) is not None or (
                isinstance(view, dict) and "call" in view and "n" not in view["call"]
            ):
                func = call_func(view)
                if func and self._view_factory(at_path, at_scope, func) is not None:
                    break
                wrapper = last(func) if func else ""
                if wrapper in _AUTH_DECORATORS:
                    auth = f"{wrapper}()"
                inner = arg(view, 0)  # type: ignore[arg-type]
                if inner is None:
                    break
                view = inner
            # `login = LoginView.as_view()` in views.py, routed as `views.login`.
            alias = self.project.resolve_expr(at_path, at_scope, view)
            if alias is None or alias.kind != "assign" or alias.rest or alias.obj["v"] is None:
                break
            at_path, at_scope, view = alias.file, alias.scope, alias.obj["v"]
        func = call_func(view)
        ref = self._view_factory(at_path, at_scope, func) if func else None
        if ref is not None:
            if ref.kind != "class" and ref.kind != "external":
                self._warn(path, f"view class {func.rsplit('.', 1)[0]} cannot be resolved", line)  # type: ignore[union-attr]
                return
            mapping = None
            first = arg(view, 0, "actions")  # type: ignore[arg-type]
            if first is not None and "dict" in first:
                try:
                    mapping = {
                        str(k).upper(): str(v)
                        for k, v in self.project.literal(at_path, at_scope, first).items()
                    }
                except (ValueError, AttributeError):
                    mapping = None
            allowed = None
            if "http_method_names" in view["kw"]:  # type: ignore[index]
                # `as_view(http_method_names=[...])` sets the class attribute for this route.
                try:
                    allowed = [
                        str(m).lower()
                        for m in self.project.literal(at_path, at_scope, view["kw"]["http_method_names"])  # type: ignore[index]
                    ]
                except (ValueError, TypeError):
                    allowed = None
            self._class_view(ref, path, line, context, auth, mapping, allowed)
            return
        ref = self.project.resolve_expr(at_path, at_scope, view)
        if ref is not None and ref.kind == "function" and not ref.rest:
            self._function_view(ref, path, line, context, auth)
            return
        self._warn(path, f"view {shown or name_of(view) or 'expression'} cannot be resolved", line)

    def _view_factory(self, path: str, scope: str, func: str) -> Ref | None:
        """The class of `X.as_view`, or of `X.as_api_view` when that is a classmethod of X or
        of its ancestors (`@classmethod`/`@classonlymethod`) named `as_<something>_view` (a
        project's own wrapper around
        `cls.as_view(...)`); a Ref that is neither class nor external when X is unresolved;
        None when `func` is no view factory."""
        if "." not in func:
            return None
        owner, method = func.rsplit(".", 1)
        if method != "as_view" and not (method.startswith("as_") and method.endswith("_view")):
            return None
        ref = self.project.resolve(path, scope, owner)
        if method == "as_view":
            return ref if ref is not None and not ref.rest else Ref("unresolved")
        if ref is None or ref.rest or ref.kind != "class":
            return None
        for cls in self.project.ancestors(ref):
            if cls.kind != "class":
                continue
            for candidate in cls.obj["methods"]:
                if candidate["name"] == method and any(
                    last(name_of(d)) in ("classmethod", "classonlymethod") for d in candidate["dec"]
                ):
                    return ref
        return None

    def _function_view(self, ref: Ref, path: str, line: int, context: _Context, auth: str) -> None:
        methods = ["GET"]
        drf = False
        permissions: list[str] | None = None
        exempt = False
        labels: list[str] = [auth] if auth else []
        for decorator in ref.obj["dec"]:
            name = last(call_func(decorator) or name_of(decorator) or "")
            if name in ("api_view", "require_http_methods"):
                drf = drf or name == "api_view"
                try:
                    values = self.project.literal(ref.file, ref.scope, arg(decorator, 0, "http_method_names"))
                    methods = [str(v).upper() for v in values]
                except ValueError:
                    methods = ["GET"]
            elif name in ("require_GET", "require_safe"):
                methods = ["GET"]
            elif name == "require_POST":
                methods = ["POST"]
            elif name == "permission_classes":
                permissions = self._permission_names(ref.file, ref.scope, arg(decorator, 0))
            elif name in _AUTH_DECORATORS:
                labels.append(f"@{name}")
            elif name == "login_not_required":
                exempt = True
        for method in methods:
            if method not in _REPORTED:
                continue
            required, label = self._auth(
                method, labels, drf, permissions, "@permission_classes", exempt=exempt
            )
            queries = self.project.facts[ref.file].get("queries", {}).get(str(ref.obj["line"]))
            self._emit(method, context, path, line, ref.name, required, label, queries=queries)

    def _class_view(
        self,
        ref: Ref,
        path: str,
        line: int,
        context: _Context,
        auth: str,
        mapping: dict[str, str] | None,
        allowed_override: list[str] | None = None,
    ) -> None:
        chain = self.project.ancestors(ref)
        names = [last(r.name) if r.kind == "external" else r.name for r in chain]
        drf = any(n in ("APIView", "GenericAPIView", *DRF_GENERICS, *_VIEWSET_BASES) for n in names)
        labels = [auth] if auth else []
        labels += [n for n in names if n in _AUTH_MIXINS][:1]
        exempt = any(n in _LOGIN_NOT_REQUIRED_VIEWS for n in names)
        for cls in chain:
            if cls.kind == "class":
                for decorator in cls.obj["dec"]:
                    if call_func(decorator) and last(call_func(decorator)) == "method_decorator":
                        wrapped = arg(decorator, 0, "decorator")
                        inner = last(call_func(wrapped) or name_of(wrapped) or "")
                        if inner in _AUTH_DECORATORS:
                            labels.append(f"method_decorator({inner})")
                        elif inner == "login_not_required":
                            exempt = True
        permissions = self._class_permissions(chain)
        serializer = self._class_attr_ref(chain, "serializer_class")
        if mapping is not None:
            actions = mapping
        else:
            actions = {}
            generic = next((n for n in names if n in DRF_GENERICS), None)
            for method in DRF_GENERICS.get(generic or "", []):
                actions[method] = (
                    "list"
                    if method == "GET" and "List" in generic
                    else ("retrieve" if method == "GET" else _GENERIC_ACTIONS[method])
                )  # type: ignore[operator]
            # Django's generic views by name, wherever they are in the ancestry (each adds the
            # handlers it defines, as in the MRO); the routed class itself only when it is
            # Django's (a project's own `class LoginView(APIView)` with a `post` is not
            # `auth.LoginView`).
            for i, n in enumerate(names):
                if n in DJANGO_GENERICS and (i or chain[0].kind == "external"):
                    for method in DJANGO_GENERICS[n]:
                        actions.setdefault(method, "")
            for cls in chain:
                if cls.kind != "class":
                    for method in _KNOWN_EXTERNAL_VIEWS.get(cls.name, ()):
                        actions.setdefault(method, "")
                    continue
                for method in cls.obj["methods"]:
                    upper = method["name"].upper()
                    if upper in _REPORTED:
                        actions.setdefault(upper, "")
            allowed = allowed_override or self._class_attr_literal(chain, "http_method_names")
            if isinstance(allowed, list):
                actions = {m: a for m, a in actions.items() if m.lower() in allowed}
        if not actions:
            if ref.kind == "external":
                self._warn(
                    path,
                    f"view {ref.name} is defined outside the scanned tree; its HTTP methods are unknown",
                    line,
                )
            else:
                self._warn(path, f"view {ref.name} defines no HTTP handler", line)
            return
        handler = ref.name if ref.kind == "class" else last(ref.name)
        for method, action in actions.items():
            if method not in _REPORTED:
                continue
            required, label = self._auth(
                method, labels, drf, permissions, "permission_classes", exempt=exempt
            )
            if action:
                body, responses = self._action_schemas(action, method, serializer, chain)
            else:
                body, responses = (self._handler_body(method, serializer) if drf else None), {}
            lists = action == "list" or (not action and method == "GET")
            queries = self._reads(chain, (method.lower(), action, *(_QUERYSET_METHODS if lists else ())))
            self._emit(method, context, path, line, handler, required, label, body, responses, queries)

    def _reads(self, chain: list[Ref], names: tuple[str, ...]) -> list[dict[str, Any]]:
        """Query parameters read by the first definition of each of `names` along the class
        chain (a handler `get`, an action `list`, `get_queryset`...)."""
        reads: dict[str, dict[str, Any]] = {}
        for name in names:
            for cls in chain if name else ():
                if cls.kind != "class":
                    continue
                method = next((m for m in cls.obj["methods"] if m["name"] == name), None)
                if method is not None:
                    for read in self.project.facts[cls.file].get("queries", {}).get(str(method["line"]), ()):
                        reads.setdefault(read["name"], read)
                    break
        return list(reads.values())

    def _handler_body(self, method: str, serializer: Ref | None) -> dict[str, Any] | None:
        """A hand-written `post`/`put`/`patch` of a DRF view with a `serializer_class` reads it."""
        if method not in ("POST", "PUT", "PATCH") or not self.serializers.is_serializer(serializer):
            return None
        request, _response = self.serializers.schemas(serializer)  # type: ignore[arg-type]
        return request if method != "PATCH" else {k: v for k, v in request.items() if k != "required"}

    # -- DRF routers --

    def _collect_routers(self) -> None:
        for path, facts in self.project.facts.items():
            for assign in facts["assigns"]:
                if not call_func(assign["v"]):
                    continue
                kind = self.project.canonical(path, assign["s"], assign["v"]["call"])
                chain: list[Ref] = []
                if kind not in _ROUTER_KINDS and kind.endswith("Router"):
                    # A project subclass: `class ApiRouter(DefaultRouter): include_root_view = False`.
                    kind, chain = self._router_subclass(path, assign["s"], assign["v"]["call"])
                if kind in ("DefaultRouter", "SimpleRouter", "ExtendedSimpleRouter", "ExtendedDefaultRouter"):
                    no_root = self._class_attr_literal(chain, "include_root_view") is False
                    root_view = "Default" in kind and not no_root
                    routes = self._router_table(chain)
                    for target in assign["t"]:
                        key = (path, assign["s"], target)
                        self.routers[key] = _Router(
                            key,
                            "DefaultRouter" if "Default" in kind else "SimpleRouter",
                            assign["line"],
                            root_view=root_view,
                            routes=routes,
                        )
                elif kind in ("NestedSimpleRouter", "NestedDefaultRouter"):
                    for target in assign["t"]:
                        key = (path, assign["s"], target)
                        self.routers[key] = _Router(
                            key, "Nested", assign["line"], nested=(path, assign["s"], assign["v"])
                        )
        for path, facts in self.project.facts.items():
            for call in facts["calls"]:
                func = call_func(call["e"])
                if func and func.endswith(".register"):
                    key = self._router(path, call["s"], func[: -len(".register")])
                    if key is not None:
                        self.routers[key].registrations.append((path, call["s"], call["e"]))
                        if "if" in call:
                            self.registration_conditions[id(call["e"])] = call["if"]

    def _router_subclass(self, path: str, scope: str, func: Expr) -> tuple[str, list[Ref]]:
        """The DRF router a project router class derives from, and its ancestry."""
        ref = self.project.class_ref(path, scope, func)
        if ref is None or ref.kind != "class":
            return "", []
        chain = self.project.ancestors(ref)
        for cls in chain[1:]:
            name = last(cls.name) if cls.kind == "external" else cls.name
            if name in _ROUTER_KINDS:
                return name, chain
        return "", []

    def _router_table(self, chain: list[Ref]) -> list[_RouteSpec]:
        """A router class's routes: DRF's, or a subclass's own `routes = [Route(url=...,
        mapping={...}), DynamicRoute(...)]`, as the `__init__`s along its ancestry change them
        (`self.routes[0].mapping.update({"put": "bulk_update"})`), base classes first: each is
        taken to call `super().__init__()` before its own changes."""
        table = self._class_routes(chain)
        for cls in reversed(chain):
            if cls.kind != "class":
                continue
            init = next((m for m in cls.obj["methods"] if m["name"] == "__init__"), None)
            for edit in init.get("routes", ()) if init is not None else ():
                edited = self._edited_routes(cls, table, edit)
                if edited is None:
                    message = (
                        f"router route change in {cls.name}.__init__ cannot be read statically; "
                        "it is not applied"
                    )
                    self._warn(cls.file, message, edit["line"])
                else:
                    table = edited
        return table

    def _class_routes(self, chain: list[Ref]) -> list[_RouteSpec]:
        found = self._class_attr(chain, "routes")
        if found is None:
            return _DRF_ROUTES
        cls, value = found
        line = cls.obj["line"]
        items = self.project.eval_list(cls.file, cls.scope, value)
        if items is None:
            message = "router routes are not a literal list; DRF's default routes are reported"
            self._warn(cls.file, message, line)
            return _DRF_ROUTES
        routes: list[_RouteSpec] = []
        for item in items:
            if item is not None and call_func(item):
                route = self._route_spec(cls, item, line)
                if route is not None:
                    routes.append(route)
        return routes

    def _route_spec(self, cls: Ref, item: Expr, line: int) -> _RouteSpec | None:
        """A `Route(url=..., mapping={...}, detail=...)` or `DynamicRoute(...)`; None (warned)
        when it cannot be read."""
        url = self.project.eval_str(cls.file, cls.scope, arg(item, 0, "url"))
        try:
            detail = self.project.literal(cls.file, cls.scope, item["kw"].get("detail"))
        except ValueError:
            detail = None
        if detail is None and url is not None:
            detail = "{lookup}" in url
        if self.project.canonical(cls.file, cls.scope, item["call"]) == "DynamicRoute":
            mapping: Any = None
        else:
            try:
                mapping = self.project.literal(cls.file, cls.scope, arg(item, 1, "mapping"))
            except ValueError:
                mapping = None
            if not isinstance(mapping, dict):
                message = "router route mapping is not a literal dict; its routes are not reported"
                self._warn(cls.file, message, line)
                return None
            mapping = {str(method): str(action) for method, action in mapping.items()}
        if url is None or not isinstance(detail, bool) or _route_segments(url, mapping is None) is None:
            self._warn(
                cls.file,
                f"router route {url or '<dynamic>'} cannot be read statically; its routes are not reported",
                line,
            )
            return None
        return url, mapping, detail

    def _edited_routes(
        self, cls: Ref, table: list[_RouteSpec], edit: dict[str, Any]
    ) -> list[_RouteSpec] | None:
        """The route table after one change an `__init__` makes to `self.routes`; None when the
        change cannot be read. The table is copied, never changed in place (DRF's is shared)."""
        line = edit["line"]
        if "add" in edit:
            added = self._route_list(cls, edit["v"], table, line)
            return None if added is None or name_of(edit["add"]) != "self.routes" else [*table, *added]
        if "set" in edit:
            target = edit["set"]
            if name_of(target) == "self.routes":
                return self._route_list(cls, edit["v"], table, line)
            owner = target.get("sub")
            if name_of(owner) == "self.routes":  # `self.routes[1] = Route(...)`
                index = self._route_index(cls, target["idx"], table)
                replaced = self._route_list(cls, {"list": [edit["v"]]}, table, line)
                if index is None or not replaced:
                    return None
                return [*table[:index], *replaced, *table[index + 1 :]]
            # `self.routes[0].mapping["put"] = "bulk_update"`
            index = self._mapping_index(cls, owner, table)
            method = const(target.get("idx"))
            action = const(edit["v"])
            if index is None or not isinstance(method, str) or not isinstance(action, str):
                return None
            return self._with_mapping(table, index, {method: action}, ())
        call = edit["call"]
        func = call["call"]
        name = name_of(func) or ""
        if name in ("self.routes.append", "self.routes.extend", "self.routes.insert"):
            kind = name.rsplit(".", 1)[1]
            position: Any = len(table)
            if kind == "insert":
                position, items = const(arg(call, 0)), {"list": [arg(call, 1)]}
            else:
                items = arg(call, 0) if kind == "extend" else {"list": [arg(call, 0)]}
            added = self._route_list(cls, items, table, line)
            if added is None or not isinstance(position, int) or position < 0:
                return None
            return [*table[:position], *added, *table[position:]]
        if "attr" not in func or func["attr"] not in ("update", "pop"):
            return None
        index = self._mapping_index(cls, func["of"], table)
        if index is None:
            return None
        if func["attr"] == "pop":
            method = const(arg(call, 0))
            return self._with_mapping(table, index, {}, (method,)) if isinstance(method, str) else None
        if "**" in call["kw"] or len(call["args"]) > 1:
            return None
        try:
            changes = dict(self.project.literal(cls.file, cls.scope, arg(call, 0))) if call["args"] else {}
            changes.update({k: self.project.literal(cls.file, cls.scope, v) for k, v in call["kw"].items()})
        except (ValueError, TypeError):
            return None
        if not all(isinstance(v, str) for v in changes.values()):
            return None
        return self._with_mapping(table, index, {str(k): v for k, v in changes.items()}, ())

    def _route_list(
        self, cls: Ref, e: Expr | None, table: list[_RouteSpec], line: int
    ) -> list[_RouteSpec] | None:
        """The routes of a list expression in an `__init__`: literals of `Route(...)`, the
        current `self.routes`, `list(...)` of one, and `+` of them."""
        if e is None:
            return None
        if name_of(e) == "self.routes":
            return list(table)
        if e.get("op") == "Add":
            left = self._route_list(cls, e["l"], table, line)
            right = self._route_list(cls, e["r"], table, line)
            return None if left is None or right is None else left + right
        if call_func(e) == "list" and len(e["args"]) == 1:
            return self._route_list(cls, e["args"][0], table, line)
        items = e["list"] if "list" in e else self.project.eval_list(cls.file, cls.scope, e)
        if items is None:
            return None
        routes: list[_RouteSpec] = []
        for item in items:
            if item is not None and "star" in item:
                inner = self._route_list(cls, item["star"], table, line)
                if inner is None:
                    return None
                routes += inner
                continue
            if item is None or not call_func(item):
                return None
            route = self._route_spec(cls, item, line)  # an unreadable route is warned and left out
            if route is not None:
                routes.append(route)
        return routes

    def _mapping_index(self, cls: Ref, e: Expr | None, table: list[_RouteSpec]) -> int | None:
        """The index of `self.routes[i].mapping` into the table, when its route has a mapping."""
        if not isinstance(e, dict) or e.get("attr") != "mapping":
            return None
        owner = e["of"]
        if not isinstance(owner, dict) or name_of(owner.get("sub")) != "self.routes":
            return None
        index = self._route_index(cls, owner["idx"], table)
        return index if index is not None and table[index][1] is not None else None

    def _route_index(self, cls: Ref, e: Expr | None, table: list[_RouteSpec]) -> int | None:
        try:
            index = self.project.literal(cls.file, cls.scope, e)
        except ValueError:
            return None
        if not isinstance(index, int) or not -len(table) <= index < len(table):
            return None
        return index % len(table)

    @staticmethod
    def _with_mapping(
        table: list[_RouteSpec], index: int, changes: dict[str, str], removed: tuple[str, ...]
    ) -> list[_RouteSpec]:
        url, mapping, detail = table[index]
        mapping = {m: a for m, a in {**(mapping or {}), **changes}.items() if m not in removed}
        return [*table[:index], (url, mapping, detail), *table[index + 1 :]]

    def _router(self, path: str, scope: str, name: str) -> tuple[str, str, str] | None:
        ref = self.project.resolve(path, scope, name)
        if ref is not None and ref.kind == "assign" and not ref.rest and ref.key in self.routers:
            return ref.key
        return None

    def _router_base(self, key: tuple[str, str, str], context: _Context, depth: int = 0) -> _Context | None:
        """Where a router's routes start: a nested router hangs under its parent's detail route."""
        router = self.routers[key]
        if router.nested is None:
            return context
        file, scope, call = router.nested
        parent = self._router(file, scope, name_of(arg(call, 0, "parent_router")) or "")
        parent_prefix = self.project.eval_str(file, scope, arg(call, 1, "parent_prefix"))
        lookup = self.project.eval_str(file, scope, call["kw"].get("lookup"))
        if parent is None or parent_prefix is None or lookup is None or depth > 8:
            self._warn(
                file, "nested router cannot be resolved statically; its routes are not reported", call["line"]
            )
            return None
        base = self._router_base(parent, context, depth + 1)
        if base is None:
            return None
        parent_lookup, parent_schema = "pk", {"type": "integer"}
        for reg_file, reg_scope, reg in self.routers[parent].registrations:
            if self.project.eval_str(reg_file, reg_scope, arg(reg, 0, "prefix")) == parent_prefix:
                viewset = self.project.class_ref(reg_file, reg_scope, arg(reg, 1, "viewset"))
                if viewset is not None and viewset.kind == "class":
                    parent_lookup, parent_schema = self._lookup(self.project.ancestors(viewset))
        kwarg = f"{lookup}_{parent_lookup}"
        text, schemas = django_route(parent_prefix, regex=True)
        return base.under(text, schemas).under("{" + kwarg + "}", {kwarg: parent_schema})

    def _lookup(self, chain: list[Ref]) -> tuple[str, dict[str, Any]]:
        lookup = str(
            self._class_attr_literal(chain, "lookup_url_kwarg")
            or self._class_attr_literal(chain, "lookup_field")
            or "pk"
        )
        regex = self._class_attr_literal(chain, "lookup_value_regex")
        if isinstance(regex, str):
            if _NUMERIC_REGEX.fullmatch(regex):
                return lookup, {"type": "integer"}
            return lookup, {"type": "string", "pattern": f"^{regex}$"}
        return lookup, {"type": "integer"} if lookup in ("pk", "id") else {"type": "string"}

    def _router_routes(self, key: tuple[str, str, str], context: _Context) -> None:
        if not self.emit:
            return
        router = self.routers[key]
        base = self._router_base(key, context)
        if base is None:
            return
        context = base
        if router.kind == "DefaultRouter" and router.root_view:
            required, label = self._auth("GET", [context.auth] if context.auth else [], True, None, "")
            self._emit("GET", context, key[0], router.line, "APIRootView", required, label)
        for file, scope, call in router.registrations:
            prefix = self.project.eval_str(file, scope, arg(call, 0, "prefix"))
            if prefix is None:
                self._warn(
                    file, "router prefix is not a constant string; its routes are not reported", call["line"]
                )
                continue
            viewset = self.project.class_ref(file, scope, arg(call, 1, "viewset"))
            if viewset is None or viewset.kind != "class":
                self._warn(file, "registered viewset cannot be resolved", call["line"])
                continue
            text, schemas = django_route(prefix, regex=True)
            guarded = context.guarded(self.registration_conditions.get(id(call), []))
            self._viewset_routes(viewset, file, call["line"], guarded, (text, schemas), router.routes)

    def _viewset_routes(
        self,
        viewset: Ref,
        file: str,
        line: int,
        base: _Context,
        prefix: tuple[str, dict[str, dict[str, Any]]],
        routes: list[_RouteSpec],
    ) -> None:
        chain = self.project.ancestors(viewset)
        names = [last(r.name) if r.kind == "external" else r.name for r in chain]
        actions: list[str] = []
        for name in names:
            actions += _VIEWSET_ACTIONS.get(name, [])
        extra: list[dict[str, Any]] = []
        mappings: dict[str, list[str]] = {}
        for cls in chain:
            if cls.kind != "class":
                continue
            for method in cls.obj["methods"]:
                actions.append(method["name"])
                for decorator in method["dec"]:
                    func = call_func(decorator) or ""
                    if (last(func) == "action" and "." not in func.replace("decorators.", "")) or (
                        # `from rest_framework.decorators import action as drf_action`
                        "." not in func
                        and func.endswith("action")
                        and self.project.canonical(cls.file, cls.scope, decorator["call"]) == "action"
                    ):
                        extra.append({"cls": cls, "method": method, "dec": decorator})
                    elif ".mapping." in func:
                        mappings.setdefault(func.split(".mapping.")[0], []).append(
                            func.rsplit(".", 1)[1].upper()
                        )
        lookup, lookup_schema = self._lookup(chain)
        allowed = self._class_attr_literal(chain, "http_method_names")
        allowed_methods = {str(m).upper() for m in allowed} if isinstance(allowed, list) else set(_REPORTED)
        permissions = self._class_permissions(chain)
        serializer = self._class_attr_ref(chain, "serializer_class")
        labels = [base.auth] if base.auth else []
        handler = viewset.name

        def route_context(segments: list[str], url_path: str = "") -> _Context:
            context = base
            for segment in segments:
                if segment == "{prefix}":
                    context = context.under(*prefix)
                elif segment == "{lookup}":
                    context = context.under("{" + lookup + "}", {lookup: lookup_schema})
                else:
                    text = url_path if segment == "{url_path}" else segment
                    context = context.under(*django_route(text, regex=True))
            return context

        for url, mapping, _detail in routes:
            if mapping is None:
                continue
            for http_method, action in mapping.items():
                method = http_method.upper()
                if action in actions and method in allowed_methods:
                    required, label = self._auth(method, labels, True, permissions, "permission_classes")
                    body, responses = self._action_schemas(action, method, serializer, chain)
                    queries = self._reads(chain, (action, *(_QUERYSET_METHODS if action == "list" else ())))
                    self._emit(
                        method,
                        route_context(_route_segments(url, False) or []),
                        file,
                        line,
                        f"{handler}.{action}",
                        required,
                        label,
                        body,
                        responses,
                        queries,
                    )
        for item in extra:
            cls, method, decorator = item["cls"], item["method"], item["dec"]
            kwargs = SchemaBuilder(self.project).literal_kwargs(cls.file, cls.scope, decorator)
            for name, value in zip(_ACTION_PARAMETERS, decorator["args"], strict=False):
                # `@action(["post"], detail=False)`: DRF's parameters may be given positionally.
                if name not in kwargs:
                    try:
                        kwargs[name] = self.project.literal(cls.file, cls.scope, value)
                    except ValueError:
                        pass
            methods = [str(m).upper() for m in kwargs.get("methods", ["get"])]
            methods += mappings.get(method["name"], [])
            url_path = str(kwargs.get("url_path", method["name"]))
            on_detail = kwargs.get("detail") is True
            dynamic = [url for url, mapping, detail in routes if mapping is None and detail is on_detail]
            action_permissions = (
                self._permission_names(cls.file, cls.scope, decorator["kw"]["permission_classes"])
                if "permission_classes" in decorator["kw"]
                else permissions
            )
            action_serializer = serializer
            if "serializer_class" in decorator["kw"]:
                action_serializer = self.project.class_ref(
                    cls.file, cls.scope, decorator["kw"]["serializer_class"]
                )
            for url, http in ((url, m) for url in dynamic for m in dict.fromkeys(methods)):
                if http not in _REPORTED or http not in allowed_methods:
                    continue
                required, label = self._auth(http, labels, True, action_permissions, "permission_classes")
                body, responses = self._action_schemas("extra", http, action_serializer, chain)
                queries = self.project.facts[cls.file].get("queries", {}).get(str(method["line"]))
                self._emit(
                    http,
                    route_context(_route_segments(url, True) or [], url_path),
                    cls.file,
                    decorator["line"],
                    f"{handler}.{method['name']}",
                    required,
                    label,
                    body,
                    responses,
                    queries,
                )

    # -- class attributes --

    def _class_attr(self, chain: list[Ref], name: str) -> tuple[Ref, Expr] | None:
        for cls in chain:
            if cls.kind != "class":
                continue
            for fld in reversed(cls.obj["fields"]):
                if fld["name"] == name and fld["v"] is not None:
                    return cls, fld["v"]
        return None

    def _class_attr_literal(self, chain: list[Ref], name: str) -> Any:
        found = self._class_attr(chain, name)
        if found is None:
            return None
        try:
            return self.project.literal(found[0].file, found[0].scope, found[1])
        except ValueError:
            return None

    def _class_attr_ref(self, chain: list[Ref], name: str) -> Ref | None:
        found = self._class_attr(chain, name)
        if found is None:
            return None
        return self.project.class_ref(found[0].file, found[0].scope, found[1])

    def _class_permissions(self, chain: list[Ref]) -> list[str] | None:
        found = self._class_attr(chain, "permission_classes")
        if found is None:
            return None
        return self._permission_names(found[0].file, found[0].scope, found[1])

    def _permission_names(self, path: str, scope: str, e: Expr | None) -> list[str]:
        items = self.project.eval_list(path, scope, e)
        if items is None:
            return ["<dynamic>"]
        names: list[str] = []

        def flatten(item: Expr | None) -> None:
            if item is None:
                return
            if item.get("op") in ("BitOr", "BitAnd"):
                flatten(item["l"])
                flatten(item["r"])
            elif call_func(item):
                names.append(self.project.canonical(path, scope, item["call"]))
            else:
                names.append(self.project.canonical(path, scope, item) or "<dynamic>")

        for item in items:
            flatten(item)
        return names

    # -- auth and schemas --

    def _auth(
        self,
        method: str,
        labels: list[str],
        drf: bool,
        permissions: list[str] | None,
        source: str,
        *,
        exempt: bool = False,
    ) -> tuple[bool, str]:
        labels = [label for label in labels if label]
        if labels:
            return True, ", ".join(dict.fromkeys(labels))
        if self.login_required_middleware and not exempt:
            # Django 5.1's middleware guards every view, DRF ones included, unless exempted.
            return True, "LoginRequiredMiddleware"
        if not drf:
            return False, ""
        if permissions is None:
            permissions, label = self.default_permissions, self.default_permissions_label
        else:
            label = f"{source}=[{', '.join(permissions)}]"
        if all(p == "AllowAny" for p in permissions):
            return False, ""
        if all(p in _READ_ONLY_PERMISSIONS or p == "AllowAny" for p in permissions) and method in _SAFE:
            return False, ""
        return True, label

    def _action_schemas(
        self, action: str, method: str, serializer: Ref | None, chain: list[Ref]
    ) -> tuple[dict[str, Any] | None, dict[str, dict[str, Any]]]:
        status = {"create": "201", "destroy": "204"}.get(action, "200")
        if action == "extra" and method == "DELETE":
            status = "200"
        if serializer is None or not self.serializers.is_serializer(serializer):
            return None, {status: {"description": ""}}
        request, response = self.serializers.schemas(serializer)
        body: dict[str, Any] | None = None
        if method in ("POST", "PUT", "PATCH"):
            body = request if method != "PATCH" else {k: v for k, v in request.items() if k != "required"}
        if action == "destroy":
            return body, {status: {"description": ""}}
        if action == "list":
            response = {"type": "array", "items": response}
            pagination = self._class_attr(chain, "pagination_class")
            paginated = self.default_pagination if pagination is None else const(pagination[1], 0) is not None
            if paginated:
                response = {
                    "type": "object",
                    "properties": {
                        "count": {"type": "integer"},
                        "next": {"type": ["string", "null"], "format": "uri"},
                        "previous": {"type": ["string", "null"], "format": "uri"},
                        "results": response,
                    },
                    "required": ["count", "next", "previous", "results"],
                }
        return body, {status: {"description": "", "schema": response}}

    def _emit(
        self,
        method: str,
        context: _Context,
        file: str,
        line: int,
        handler: str,
        required: bool,
        label: str,
        body: dict[str, Any] | None = None,
        responses: dict[str, dict[str, Any]] | None = None,
        queries: list[dict[str, Any]] | None = None,
    ) -> None:
        if not self.emit:
            return
        path = join_paths(*context.parts)
        if (method, path) in self.seen:
            return
        self.seen.add((method, path))
        names = path_parameter_names(path)
        self.out.append(
            DiscoveredEndpoint(
                method=method,
                path=path,
                framework="django",
                file=file,
                line=line,
                handler=handler,
                parameters=[
                    *(Parameter(name, "path", True, dict(context.schemas.get(name, {"type": "string"})))
                      for name in names),
                    *(Parameter(read["name"], "query", read["required"], dict(read["schema"]))
                      for read in queries or () if read["name"] not in names),
                ],
                request_body=body,
                responses=responses or {},
                auth_required=required,
                auth=label,
                conditions=list(context.conditions),
            )
        )
