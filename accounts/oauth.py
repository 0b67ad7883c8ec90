"""allauth adapters: GitHub/Google sign-in that ends by handing the SPA a JWT pair.

allauth runs the OAuth dance (state, code exchange, profile fetch, account lookup and
linking by *verified* email). Our hooks change only how it ends and how it fails:

- success: the provider token is stored encrypted, the Django session allauth opened is
  closed again (the SPA uses JWTs, not cookies), and the browser is redirected to
  `{FRONTEND_URL}/oauth/callback?code=<one-time code>`; the SPA posts the code to
  `POST /api/auth/oauth/exchange` for `{access, refresh, user}`.
- failure: a redirect to `{FRONTEND_URL}/oauth/callback?error=<code>` instead of allauth's
  HTML pages, with one generic code for every account-related refusal so the redirect
  never reveals whether an email is registered.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from accounts.models import User
from accounts.services import oauth_login_complete

OAUTH_CALLBACK_PATH = "/oauth/callback"
ERROR_PROVIDER = "provider_error"
ERROR_CANCELLED = "cancelled"
ERROR_SIGNIN = "signin_failed"


def frontend_callback(**params: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        f"{settings.FRONTEND_URL.rstrip('/')}{OAUTH_CALLBACK_PATH}?{urlencode(params)}"
    )


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # allauth's own email/password signup pages are not mounted; signups through it
        # happen only via a social login (see SocialAccountAdapter.is_open_for_signup).
        return True

    def respond_user_inactive(self, request: HttpRequest, user: Any) -> HttpResponse:
        return frontend_callback(error=ERROR_SIGNIN)

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        response = super().post_login(request, user, **kwargs)
        sociallogin: SocialLogin | None = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        if sociallogin is None:
            return response
        token = sociallogin.token
        code = oauth_login_complete(
            user=user,
            provider=sociallogin.account.provider,
            uid=str(sociallogin.account.uid),
            access_token=token.token if token else "",
            refresh_token=(token.token_secret or "") if token else "",
            expires_at=token.expires_at if token else None,
        )
        logout(request)
        return frontend_callback(code=code)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if sociallogin.is_existing:
            return
        # A new account needs an email the provider vouches for, not taken by anyone:
        # allauth would otherwise fall back to its HTML signup form. An address already
        # registered would have matched above if the provider had verified it.
        email = (sociallogin.user.email or "").strip()
        verified = {e.email.lower() for e in sociallogin.email_addresses if e.verified}
        if not email or email.lower() not in verified or User.objects.filter(email__iexact=email).exists():
            raise ImmediateHttpResponse(frontend_callback(error=ERROR_SIGNIN))

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: str | None = None,
        exception: Exception | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> None:
        from allauth.socialaccount.providers.base import AuthError

        code = ERROR_CANCELLED if error == AuthError.CANCELLED else ERROR_PROVIDER
        raise ImmediateHttpResponse(frontend_callback(error=code))
