"""Reads for identity: users, API keys, and credential checks shared by every transport."""
from __future__ import annotations

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import AccessToken, Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts.keys import hash_secret, hashes_match, looks_like_api_key, revoked_access_cache_key
from accounts.models import APIKey, User


def user_get_by_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def access_token_is_revoked(*, token: Token) -> bool:
    jti = token.get(jwt_settings.JTI_CLAIM)
    return jti is None or cache.get(revoked_access_cache_key(str(jti))) is not None


def token_matches_password(*, token: Token, user: User) -> bool:
    """Tokens carry a digest of the password hash: a password change or reset voids them all."""
    if not jwt_settings.CHECK_REVOKE_TOKEN:
        return True
    return token.get(jwt_settings.REVOKE_TOKEN_CLAIM) == get_md5_hash_password(user.password)


def user_for_token(*, token: Token) -> User | None:
    """The active owner of a signature- and expiry-checked token, or None if it must be refused."""
    if access_token_is_revoked(token=token):
        return None
    user_id = token.get(jwt_settings.USER_ID_CLAIM)
    if user_id is None:
        return None
    user = User.objects.filter(**{jwt_settings.USER_ID_FIELD: user_id}).first()
    if user is None or not user.is_active or not token_matches_password(token=token, user=user):
        return None
    return user


def api_key_get_usable(*, raw_key: str) -> APIKey | None:
    """The unrevoked, unexpired key matching `raw_key`, with its user, or None."""
    if not looks_like_api_key(raw_key):
        return None
    now = timezone.now()
    api_key = (
        APIKey.objects.select_related("user")
        .filter(key_hash=hash_secret(raw_key), revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    # The indexed lookup already matched; comparing again in constant time keeps the check
    # independent of how the database compares strings.
    if api_key is None or not hashes_match(api_key.key_hash, raw_key):
        return None
    return api_key


def api_key_list(*, user: User) -> QuerySet[APIKey]:
    return APIKey.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at", "-id")


def api_key_get(*, user: User, key_id: int) -> APIKey | None:
    return api_key_list(user=user).filter(pk=key_id).first()


def user_from_credentials(*, access_token: str | None = None, api_key: str | None = None) -> User | None:
    """Resolve a raw credential to its user, exactly as the HTTP authentication classes do.

    For transports that do not go through DRF (the WebSocket consumer, webhooks, other
    apps' background code). Pass one of:

    - `access_token`: a JWT access token (not a refresh token). Refused when the signature
      is wrong, it has expired, it was revoked by logout, the user's password changed since
      it was issued, or the user is inactive or gone.
    - `api_key`: an `ak_...` key. Refused when unknown, revoked or expired, or the owner is
      inactive. A successful check records `last_used_at` (at most once a minute).

    Returns the active `User`, or None when the credential must be refused; it never raises
    for a bad credential. With both given, the access token is tried first. It queries the
    database: from async code (a Channels consumer's `connect`) wrap it in
    `channels.db.database_sync_to_async`.
    """
    if access_token:
        try:
            token = AccessToken(access_token)
        except TokenError:
            token = None
        if token is not None:
            user = user_for_token(token=token)
            if user is not None:
                return user
    if api_key:
        key = api_key_get_usable(raw_key=api_key)
        if key is not None and key.user.is_active:
            from accounts.services import api_key_record_use

            api_key_record_use(api_key=key)
            return key.user
    return None


OAUTH_PROVIDER_IDS = ("github", "google")


def oauth_providers_configured(*, request: object) -> list[object]:
    """The allauth providers (GitHub, Google) that have client credentials configured."""
    from allauth.socialaccount.adapter import get_adapter
    from allauth.socialaccount.models import SocialApp

    adapter = get_adapter()
    providers = []
    for provider_id in OAUTH_PROVIDER_IDS:
        try:
            providers.append(adapter.get_provider(request, provider_id))
        except SocialApp.DoesNotExist:
            continue
    return providers
