from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import APIKey, OAuthCredential, User
from accounts.services import api_key_revoke


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    list_display = ("email", "first_name", "last_name", "role", "is_active", "is_staff", "created_at")
    list_filter = ("role", "is_active", "is_staff", "is_superuser")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    readonly_fields = ("last_login", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("first_name", "last_name", "role")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "created_at", "updated_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),
    )


@admin.register(APIKey)
class APIKeyAdmin(admin.ModelAdmin):
    """Read-only: keys are created by their owners, and the hash is never displayed."""

    list_display = ("name", "display_prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "display_prefix", "user__email")
    list_select_related = ("user",)
    fields = ("user", "name", "display_prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: APIKey | None = None) -> bool:
        return False

    @admin.action(description="Revoke selected API keys", permissions=["delete"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[APIKey]) -> None:
        for api_key in queryset.filter(revoked_at__isnull=True):
            api_key_revoke(api_key=api_key)
        self.message_user(request, "Revoked.", messages.SUCCESS)


@admin.register(OAuthCredential)
class OAuthCredentialAdmin(admin.ModelAdmin):
    """Which provider accounts are linked; the tokens themselves never leave the database."""

    list_display = ("provider", "uid", "user", "updated_at", "expires_at")
    list_filter = ("provider",)
    search_fields = ("uid", "user__email")
    list_select_related = ("user",)
    fields = ("user", "provider", "uid", "expires_at", "created_at", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OAuthCredential | None = None) -> bool:
        return False
