from __future__ import annotations

from allauth.socialaccount.providers.github.provider import GitHubProvider
from allauth.socialaccount.providers.google.provider import GoogleProvider
from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns
from django.urls import include, path

from accounts import apis

urlpatterns = [
    path("auth/register", apis.RegisterApi.as_view(), name="auth-register"),
    path("auth/login", apis.LoginApi.as_view(), name="auth-login"),
    path("auth/refresh", apis.RefreshApi.as_view(), name="auth-refresh"),
    path("auth/verify", apis.VerifyApi.as_view(), name="auth-verify"),
    path("auth/logout", apis.LogoutApi.as_view(), name="auth-logout"),
    path("auth/me", apis.MeApi.as_view(), name="auth-me"),
    path("auth/reset-password", apis.PasswordResetRequestApi.as_view(), name="auth-reset-password"),
    path("auth/confirm-reset", apis.PasswordResetConfirmApi.as_view(), name="auth-confirm-reset"),
    path("auth/oauth/providers", apis.OAuthProvidersApi.as_view(), name="auth-oauth-providers"),
    path("auth/oauth/exchange", apis.OAuthExchangeApi.as_view(), name="auth-oauth-exchange"),
    # allauth's redirect and callback views: /api/auth/oauth/{github,google}/login/[callback/]
    path("auth/oauth/", include(default_urlpatterns(GitHubProvider) + default_urlpatterns(GoogleProvider))),
    path("user/api-keys", apis.ApiKeyListCreateApi.as_view(), name="api-keys"),
    path("user/api-keys/<int:key_id>", apis.ApiKeyDetailApi.as_view(), name="api-key-detail"),
]
