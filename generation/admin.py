"""Review console for test cases: filter, read a test beside its endpoint's contract, act in bulk.

Every change goes through `generation.services.test_cases`, so the admin obeys the same review
workflow, versioning and all-or-nothing bulk rules as the API. Generation jobs are shown
read-only; provider credentials are edited through `generation.services.generation`, and
their keys can be set or removed here but never read back.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from generation.codegen import render_test_module
from generation.models import GenerationJob, ProviderCredential, TestCase, TestCaseVersion
from generation.models.test_cases import parse_public_id
from generation.services import generation as generation_services
from generation.services import test_cases as services
from generation.validators import BASE_URL_MAX_LENGTH, validate_base_url, validate_base_url_address
from projects.models import header_is_secret
from testgen.api.errors import ConflictError

MASK = "***"
ADMIN_EDIT_REASON = "edited in the admin"


def _pre(value: Any) -> SafeString:
    text = value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)
    return format_html('<pre style="margin:0;white-space:pre-wrap">{}</pre>', text)


def _table(rows: list[tuple[str, Any]], *, header: tuple[str, str] | None = None) -> SafeString:
    head = format_html("<thead><tr><th>{}</th><th>{}</th></tr></thead>", *header) if header else ""
    body = format_html_join("", '<tr><th scope="row">{}</th><td>{}</td></tr>', rows)
    return format_html('<table style="width:100%">{}<tbody>{}</tbody></table>', head, body)


def describe_assertion(assertion: dict[str, Any]) -> tuple[str, Any]:
    """(what is checked, against what) for one spec assertion, in words."""
    kind = assertion["type"]
    if kind == "status":
        if "expected" in assertion:
            return "status", format_html("is {}", json.dumps(assertion["expected"]))
        return "status", format_html("is not {}", json.dumps(assertion["not_expected"]))
    if kind == "json_schema":
        return "body matches JSON Schema", _pre(assertion["schema"])
    if kind == "json_path":
        op = assertion["op"].replace("_", " ")
        if "value" in assertion and assertion["op"] not in ("exists", "not_exists"):
            return assertion["path"], format_html(
                "{} {}", op, json.dumps(assertion["value"], ensure_ascii=False)
            )
        return assertion["path"], op
    if kind == "header":
        op = assertion["op"]
        if op in ("present", "absent"):
            return f"header {assertion['name']}", op
        return f"header {assertion['name']}", format_html("{} {}", op, json.dumps(assertion.get("value", "")))
    if kind == "body":
        return "body", format_html("{} {}", assertion["op"].replace("_", " "), json.dumps(assertion["value"]))
    if kind == "response_time":
        return "response time", format_html("at most {} ms", assertion["max_ms"])
    return kind, _pre(assertion)


def render_request(request: dict[str, Any]) -> SafeString:
    rows: list[tuple[str, Any]] = [("Method", request["method"]), ("Path", request["path"])]
    auth = request.get("auth", "default")
    rows.append(("Auth", auth["identity"] if isinstance(auth, dict) else auth))
    for key in ("path_params", "query"):
        if request.get(key):
            rows.append((key.replace("_", " ").capitalize(), _pre(request[key])))
    if request.get("headers"):
        # The console is for reviewing what a test does, not for reading credentials.
        headers = {k: (MASK if header_is_secret(k, v) else v) for k, v in request["headers"].items()}
        rows.append(("Headers", _pre(headers)))
    if "body" in request:
        rows.append(("Body", _pre(request["body"])))
    return _table(rows)


def render_spec(spec: dict[str, Any]) -> SafeString:
    parts: list[SafeString] = []
    for number, step in enumerate(spec.get("steps", []), start=1):
        assertions = [describe_assertion(a) for a in step.get("assertions", [])]
        captures = [
            (name, c["path"] if c["from"] == "json_path" else f"header {c['name']}")
            for name, c in step.get("capture", {}).items()
        ]
        parts.append(
            format_html(
                "<h3>Step {} — {}</h3>{}<h4>Assertions</h4>{}{}",
                number,
                step.get("name") or f"{step['request']['method']} {step['request']['path']}",
                render_request(step["request"]),
                _table(assertions, header=("Check", "Expectation"))
                if assertions
                else format_html("<p>{}</p>", "None"),
                format_html("<h4>Captures</h4>{}", _table(captures, header=("Variable", "From")))
                if captures
                else "",
            )
        )
    if "load" in spec:
        load = spec["load"]
        rows = [("Requests", load["requests"]), ("Concurrency", load["concurrency"])]
        rows += [(name, value) for name, value in load["limits"].items()]
        parts.append(format_html("<h3>Load profile</h3>{}", _table(rows)))
    return format_html_join("", "{}", ((part,) for part in parts))


def render_contract(endpoint: Any) -> SafeString:
    if endpoint is None:
        return format_html(
            "<p>{}</p>", "No endpoint: a scenario across several, or its endpoint was deleted."
        )
    rows: list[tuple[str, Any]] = [
        ("Operation", f"{endpoint.method} {endpoint.path}"),
        ("Status", endpoint.status),
        ("Auth required", {True: "yes", False: "no", None: "unknown"}[endpoint.auth_required]),
    ]
    if endpoint.summary:
        rows.append(("Summary", endpoint.summary))
    parameters = [
        (
            f"{p.get('name')} ({p.get('location')}{', required' if p.get('required') else ''})",
            _pre(p.get("schema", {})),
        )
        for p in endpoint.parameters or []
    ]
    responses = [(code, _pre(response)) for code, response in (endpoint.responses or {}).items()]
    return format_html(
        "{}<h4>Parameters</h4>{}<h4>Request body</h4>{}<h4>Responses</h4>{}",
        _table(rows),
        _table(parameters) if parameters else format_html("<p>{}</p>", "None"),
        _pre(endpoint.request_body)
        if endpoint.request_body is not None
        else format_html("<p>{}</p>", "None"),
        _table(responses) if responses else format_html("<p>{}</p>", "None"),
    )


class TestCaseVersionInline(admin.TabularInline):
    model = TestCaseVersion
    fields = ("version", "title", "reason", "changed_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-version",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TestCase)
class TestCaseAdmin(admin.ModelAdmin):
    list_display = (
        "public_id",
        "title",
        "project",
        "endpoint",
        "type",
        "priority",
        "status",
        "generator_provider",
        "version",
        "created_at",
    )
    list_display_links = ("public_id", "title")
    list_filter = ("status", "type", "priority", "generator_provider", "project")
    search_fields = ("title", "description", "project__name")
    search_help_text = "Title, description, project name, or a TC- id."
    list_select_related = ("project", "endpoint")
    list_per_page = 50
    ordering = ("-created_at", "-id")
    actions = ("approve", "reject", "archive")
    inlines = (TestCaseVersionInline,)
    readonly_fields = (
        "public_id",
        "project",
        "endpoint",
        "type",
        "status",
        "generator_provider",
        "generator_model",
        "prompt_version",
        "version",
        "spec_fingerprint",
        "created_by",
        "approved_by",
        "approved_at",
        "last_healed_at",
        "created_at",
        "updated_at",
        "review",
        "pytest_code",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "public_id",
                    "project",
                    "endpoint",
                    "title",
                    "description",
                    "type",
                    "priority",
                    "status",
                )
            },
        ),
        ("Review: the test beside its endpoint's contract", {"fields": ("review",)}),
        ("Generated pytest code", {"fields": ("pytest_code",), "classes": ("collapse",)}),
        (
            "Provenance",
            {
                "fields": (
                    "generator_provider",
                    "generator_model",
                    "prompt_version",
                    "version",
                    "spec_fingerprint",
                    "created_by",
                    "created_at",
                    "approved_by",
                    "approved_at",
                    "last_healed_at",
                    "updated_at",
                )
            },
        ),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Test cases come from generation (and its dedupe), never from a blank form.
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: TestCase | None = None) -> Any:
        if obj is not None and obj.is_archived:
            return (*self.readonly_fields, "title", "description", "priority")
        return self.readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[TestCase]:
        return (
            super().get_queryset(request).select_related("project", "endpoint", "created_by", "approved_by")
        )

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[TestCase], search_term: str) -> Any:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        pk = parse_public_id(search_term)
        if pk is not None:
            results |= queryset.filter(pk=pk)
        return results, may_have_duplicates

    @admin.display(description="ID", ordering="id")
    def public_id(self, obj: TestCase) -> str:
        return obj.public_id

    @admin.display(description="Test and contract")
    def review(self, obj: TestCase) -> SafeString:
        return format_html(
            '<div style="display:flex;gap:2em;align-items:flex-start">'
            '<section style="flex:1;min-width:0"><h2>Test</h2>{}</section>'
            '<section style="flex:1;min-width:0"><h2>Endpoint contract</h2>{}</section></div>',
            render_spec(obj.spec or {}),
            render_contract(obj.endpoint),
        )

    @admin.display(description="pytest + httpx")
    def pytest_code(self, obj: TestCase) -> SafeString:
        return _pre(render_test_module(obj))

    def save_model(self, request: HttpRequest, obj: TestCase, form: Any, change: bool) -> None:
        data = {
            field: form.cleaned_data[field]
            for field in form.changed_data
            if field in services.EDITABLE_FIELDS
        }
        try:
            services.test_case_update(test_case=obj, actor=request.user, data=data, reason=ADMIN_EDIT_REASON)
        except (ConflictError, ValidationError) as error:
            message = error.message if isinstance(error, ConflictError) else "; ".join(error.messages)
            self.message_user(request, message, level=messages.ERROR)

    def delete_model(self, request: HttpRequest, obj: TestCase) -> None:
        services.test_case_delete(test_case=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[TestCase]) -> None:
        services.test_case_bulk_delete(ids=list(queryset.values_list("pk", flat=True)))

    def _bulk(self, request: HttpRequest, queryset: QuerySet[TestCase], status: str) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        try:
            changed = services.test_case_bulk_transition(ids=ids, to_status=status, actor=request.user)
        except ConflictError as error:
            refused = ", ".join(f"{r['id']} ({r['status']})" for r in error.details.get("refused", []))
            self.message_user(
                request,
                f"Nothing changed: {len(error.details.get('refused', []))} selected test(s) cannot become "
                f"{status}: {refused}.",
                level=messages.ERROR,
            )
            return
        except Http404:
            self.message_user(
                request, "Nothing changed: some selected tests no longer exist.", level=messages.ERROR
            )
            return
        self.message_user(request, f"{len(changed)} test case(s) are now {status}.", level=messages.SUCCESS)

    @admin.action(description="Approve selected test cases")
    def approve(self, request: HttpRequest, queryset: QuerySet[TestCase]) -> None:
        self._bulk(request, queryset, TestCase.Status.APPROVED)

    @admin.action(description="Reject selected test cases")
    def reject(self, request: HttpRequest, queryset: QuerySet[TestCase]) -> None:
        self._bulk(request, queryset, TestCase.Status.REJECTED)

    @admin.action(description="Archive selected test cases")
    def archive(self, request: HttpRequest, queryset: QuerySet[TestCase]) -> None:
        self._bulk(request, queryset, TestCase.Status.ARCHIVED)


# --- generation jobs ---------------------------------------------------------------------------


def render_job_configuration(job: GenerationJob) -> SafeString:
    endpoints = (
        "every active endpoint"
        if job.endpoint_ids is None
        else ", ".join(str(endpoint_id) for endpoint_id in job.endpoint_ids)
    )
    rows: list[tuple[str, Any]] = [
        ("Endpoints", endpoints),
        ("Test types", ", ".join(job.test_types)),
        ("Provider", job.get_provider_display()),
        ("Model", job.model or "—"),
        ("Built-in generator first", "yes" if job.include_builtin else "no"),
        ("Max tests per endpoint", job.max_tests_per_endpoint),
        ("Seed", job.seed),
        ("Token budget", "none" if job.token_budget is None else job.token_budget),
        ("Instructions", _pre(job.instructions) if job.instructions else "—"),
    ]
    return _table(rows)


def render_job_counts(job: GenerationJob) -> SafeString:
    rows: list[tuple[str, Any]] = [
        ("Endpoints done", f"{job.endpoints_done} of {job.endpoints_total}"),
        ("Tests created", job.tests_created),
        ("Duplicates skipped", job.duplicates_skipped),
    ]
    rows += [(f"Tests created: {kind}", count) for kind, count in sorted(job.counts_by_type.items())]
    return _table(rows)


def render_job_errors(job: GenerationJob) -> SafeString:
    if not job.errors:
        return format_html("<p>{}</p>", "None")
    rows = format_html_join(
        "",
        "<tr><td>{} {} (#{})</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                error.get("method", ""),
                error.get("path", ""),
                error.get("endpoint_id", ""),
                error.get("provider", ""),
                error.get("code", ""),
                error.get("message", ""),
                "permanent" if error.get("permanent") else "transient",
            )
            for error in job.errors
        ),
    )
    return format_html(
        '<table style="width:100%"><thead><tr><th>Endpoint</th><th>Provider</th><th>Code</th>'
        "<th>Message</th><th>Kind</th></tr></thead><tbody>{}</tbody></table>",
        rows,
    )


def render_job_usage(job: GenerationJob) -> SafeString:
    cost = (
        "unknown (a model without a list price)" if job.estimated_cost is None else f"${job.estimated_cost}"
    )
    return _table(
        [
            ("Input tokens", job.input_tokens),
            ("Output tokens", job.output_tokens),
            ("Estimated cost", cost),
        ]
    )


@admin.register(GenerationJob)
class GenerationJobAdmin(admin.ModelAdmin):
    """Read-only: jobs are started through the API and only the generation service writes them."""

    list_display = (
        "id",
        "project",
        "provider",
        "model",
        "status",
        "progress_percent",
        "tests_created",
        "error_count",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "provider")
    search_fields = ("project__name", "model")
    list_select_related = ("project",)
    list_per_page = 50
    ordering = ("-created_at", "-id")
    readonly_fields = (
        "project",
        "status",
        "progress_percent",
        "error_message",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
        "configuration",
        "counts",
        "endpoint_errors",
        "usage_summary",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "project",
                    "status",
                    "progress_percent",
                    "error_message",
                    "requested_by",
                    "created_at",
                    "started_at",
                    "finished_at",
                )
            },
        ),
        ("Configuration", {"fields": ("configuration",)}),
        ("Counts", {"fields": ("counts",)}),
        ("Errors per endpoint", {"fields": ("endpoint_errors",)}),
        ("Usage", {"fields": ("usage_summary",)}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: GenerationJob | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: GenerationJob | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[GenerationJob]:
        return super().get_queryset(request).select_related("project", "requested_by")

    @admin.display(description="Progress", ordering="progress")
    def progress_percent(self, obj: GenerationJob) -> str:
        return f"{obj.progress}%"

    @admin.display(description="Errors")
    def error_count(self, obj: GenerationJob) -> int:
        return len(obj.errors or [])

    @admin.display(description="Configuration")
    def configuration(self, obj: GenerationJob) -> SafeString:
        return render_job_configuration(obj)

    @admin.display(description="Counts")
    def counts(self, obj: GenerationJob) -> SafeString:
        return render_job_counts(obj)

    @admin.display(description="Errors")
    def endpoint_errors(self, obj: GenerationJob) -> SafeString:
        return render_job_errors(obj)

    @admin.display(description="Usage")
    def usage_summary(self, obj: GenerationJob) -> SafeString:
        return render_job_usage(obj)


# --- provider credentials ----------------------------------------------------------------------

MESSAGE_SET_AND_REMOVE = "Either enter a new key or remove the stored one, not both."


class ProviderCredentialForm(forms.ModelForm):
    """The key is write-only: a password box that never renders a value, and a box to remove it."""

    new_api_key = forms.CharField(
        label="API key",
        required=False,
        max_length=1000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Write-only. Leave empty to keep the stored key.",
    )
    remove_api_key = forms.BooleanField(
        label="Remove the stored key",
        required=False,
        help_text="The server's TESTGEN_<PROVIDER>_API_KEY applies again.",
    )
    base_url = forms.CharField(
        label="Base URL",
        required=False,
        max_length=BASE_URL_MAX_LENGTH,
        validators=[validate_base_url],
        help_text="An http(s) URL, e.g. http://ollama:11434/v1. Blank: the server's "
        "TESTGEN_<PROVIDER>_BASE_URL or the provider's default.",
    )

    class Meta:
        model = ProviderCredential
        fields = ("project", "provider", "base_url", "model")

    def clean_base_url(self) -> str:
        # The service checks again; checking here shows a refusal on the field, not as a 500.
        base_url = self.cleaned_data["base_url"]
        validate_base_url_address(base_url)
        return base_url

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("new_api_key") and cleaned.get("remove_api_key"):
            raise forms.ValidationError(MESSAGE_SET_AND_REMOVE)
        return cleaned

    def api_key_change(self) -> str | None:
        """What the service takes: a new key, "" to remove the stored one, None to keep it."""
        if self.cleaned_data.get("remove_api_key"):
            return ""
        return self.cleaned_data.get("new_api_key") or None


@admin.register(ProviderCredential)
class ProviderCredentialAdmin(admin.ModelAdmin):
    form = ProviderCredentialForm
    list_display = ("project", "provider", "model", "base_url", "has_key", "updated_at")
    list_filter = ("provider",)
    search_fields = ("project__name", "model", "base_url")
    list_select_related = ("project",)
    ordering = ("project__name", "provider")
    fieldsets = (
        (None, {"fields": ("project", "provider", "model", "base_url")}),
        ("API key", {"fields": ("stored_key", "new_api_key", "remove_api_key")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: ProviderCredential | None = None) -> Any:
        # The service finds a credential by (project, provider): moving one would make another.
        if obj is not None:
            return ("project", "provider", "stored_key")
        return ("stored_key",)

    @admin.display(description="Has key", boolean=True)
    def has_key(self, obj: ProviderCredential) -> bool:
        return obj.has_api_key

    @admin.display(description="Stored key")
    def stored_key(self, obj: ProviderCredential) -> str:
        if obj.pk is None or not obj.has_api_key:
            return "none"
        return f"yes ({obj.api_key_hint})" if obj.api_key_hint else "yes"

    def save_model(self, request: HttpRequest, obj: ProviderCredential, form: Any, change: bool) -> None:
        credential, _ = generation_services.provider_credential_set(
            project=obj.project,
            provider=obj.provider,
            api_key=form.api_key_change(),
            base_url=obj.base_url,
            model=obj.model,
        )
        # The admin goes on to log and redirect to `obj`.
        obj.pk = credential.pk
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: ProviderCredential) -> None:
        generation_services.provider_credential_delete(credential=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ProviderCredential]) -> None:
        for credential in queryset:
            generation_services.provider_credential_delete(credential=credential)
