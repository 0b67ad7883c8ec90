"""Writes for identity: accounts, sessions (JWT), password resets, API keys, OAuth links."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import update_last_login
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.state import token_backend as jwt_token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, Token

from accounts import throttling
from accounts.keys import (
    display_prefix,
    generate_api_key,
    generate_reset_token,
    hash_secret,
    revoked_access_cache_key,
)
from accounts.models import APIKey, OAuthCredential, PasswordResetToken, User
from accounts.selectors import token_matches_password, user_get_by_email
from testgen.api.errors import ApplicationError, ConflictError

MESSAGE_EMAIL_TAKEN = "An account with this email already exists."
MESSAGE_INVALID_CREDENTIALS = "Invalid email or password."
MESSAGE_INVALID_REFRESH = "Refresh token is invalid, expired or revoked."
MESSAGE_RESET_TOKEN_INVALID = "This reset link is invalid or has expired."
MESSAGE_EXPIRY_IN_PAST = "Expiry must be in the future."
MESSAGE_OAUTH_CODE_INVALID = "This sign-in code is invalid or has expired."

# last_used_at is for humans ("used 3 minutes ago"); one write a minute per key is plenty
# and keeps authenticated requests read-only in the common case.
API_KEY_LAST_USED_RESOLUTION = dt.timedelta(seconds=60)
# Outstanding reset emails per account per hour; more requests are silently dropped so
# nobody can flood a mailbox (and the answer stays 202 either way).
PASSWORD_RESET_EMAILS_PER_HOUR = 5


class InvalidCredentials(ApplicationError):
    status_code = 401
    default_code = "invalid_credentials"


class LoginThrottled(ApplicationError):
    status_code = 429
    default_code = "rate_limited"

    def __init__(self, wait: int) -> None:
        super().__init__("Too many failed logins. Try again later.", details={"retry_after": wait})
        self.wait = wait


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    user: User


# --- Registration and profile ------------------------------------------------------


def _validate_new_password(password: str, user: User, field: str) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


@transaction.atomic
def user_register(*, email: str, password: str, first_name: str = "", last_name: str = "") -> User:
    """Create a member account that logs in with `email` (case-insensitive) and `password`.

    Raises ConflictError when the email is taken, ValidationError for a bad email or a
    password Django's validators reject.
    """
    email = User.objects.normalize_email(email.strip())
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
    user.full_clean(exclude=["password"], validate_constraints=False)
    if User.objects.filter(email__iexact=email).exists():
        raise ConflictError(MESSAGE_EMAIL_TAKEN, details={"email": [MESSAGE_EMAIL_TAKEN]})
    _validate_new_password(password, user, "password")
    user.set_password(password)
    try:
        # A savepoint, so a lost race on the unique index leaves the transaction usable.
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise ConflictError(MESSAGE_EMAIL_TAKEN, details={"email": [MESSAGE_EMAIL_TAKEN]}) from exc
    return user


@transaction.atomic
def user_update_profile(*, user: User, first_name: str | None = None, last_name: str | None = None) -> User:
    """Change the caller's own name; email and role are not self-service."""
    fields = []
    if first_name is not None:
        user.first_name = first_name.strip()
        fields.append("first_name")
    if last_name is not None:
        user.last_name = last_name.strip()
        fields.append("last_name")
    if fields:
        user.full_clean(exclude=["password"], validate_constraints=False)
        user.save(update_fields=[*fields, "updated_at"])
    return user


# --- Sessions -----------------------------------------------------------------------


def _issue_pair(user: User) -> TokenPair:
    refresh = RefreshToken.for_user(user)  # records an OutstandingToken
    return TokenPair(access=str(refresh.access_token), refresh=str(refresh), user=user)


def auth_login(*, email: str, password: str, ip: str) -> TokenPair:
    """Exchange email + password for a JWT pair.

    Unknown email, wrong password and inactive account all raise the same
    InvalidCredentials, with the same cost (ModelBackend hashes even for unknown emails).
    Failures are counted per email and per IP; past the limit, LoginThrottled.
    """
    wait = throttling.login_wait_seconds(email=email, ip=ip)
    if wait is not None:
        raise LoginThrottled(wait)
    user = ModelBackend().authenticate(None, username=email.strip(), password=password)
    if user is None:
        throttling.login_failure_record(email=email, ip=ip)
        raise InvalidCredentials(MESSAGE_INVALID_CREDENTIALS)
    throttling.login_failures_clear(email=email)
    update_last_login(None, user)
    return _issue_pair(user)


def _refresh_token_or_error(raw: str) -> RefreshToken:
    try:
        # Checks signature, expiry, type, and the blacklist.
        return RefreshToken(raw)  # type: ignore[arg-type]
    except TokenError as exc:
        raise InvalidCredentials(MESSAGE_INVALID_REFRESH, code="token_not_valid") from exc


@transaction.atomic
def auth_refresh(*, refresh: str) -> TokenPair:
    """Rotate a refresh token: a new pair, and the presented refresh token is blacklisted.

    The outstanding row is locked so two concurrent refreshes of one token cannot both win.
    """
    token = _refresh_token_or_error(refresh)
    outstanding = (
        OutstandingToken.objects.select_for_update(of=("self",))
        .filter(jti=token[jwt_settings.JTI_CLAIM])
        .order_by()  # its default ordering joins the nullable user, which FOR UPDATE refuses
        .first()
    )
    if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
        raise InvalidCredentials(MESSAGE_INVALID_REFRESH, code="token_not_valid")
    user = User.objects.filter(**{jwt_settings.USER_ID_FIELD: token.get(jwt_settings.USER_ID_CLAIM)}).first()
    if user is None or not user.is_active or not token_matches_password(token=token, user=user):
        raise InvalidCredentials(MESSAGE_INVALID_REFRESH, code="token_not_valid")
    BlacklistedToken.objects.create(token=outstanding)
    return _issue_pair(user)


def access_token_revoke(*, token: Token) -> None:
    """Refuse this access token from now until it would have expired anyway."""
    remaining = int(token["exp"] - timezone.now().timestamp())
    if remaining > 0:
        cache.set(revoked_access_cache_key(str(token[jwt_settings.JTI_CLAIM])), 1, timeout=remaining + 1)


@transaction.atomic
def auth_logout(*, user: User, refresh: str, access: Token | None) -> None:
    """Blacklist the caller's refresh token and revoke the access token they called with.

    Logging out twice is harmless; a refresh token that is not the caller's, or not a
    refresh token at all, is a ValidationError.
    """
    if access is not None:
        access_token_revoke(token=access)
    try:
        payload = jwt_token_backend.decode(refresh, verify=True)
    except TokenBackendError as exc:
        raise ValidationError({"refresh": [MESSAGE_INVALID_REFRESH]}) from exc
    if (
        payload.get(jwt_settings.TOKEN_TYPE_CLAIM) != RefreshToken.token_type
        or str(payload.get(jwt_settings.USER_ID_CLAIM)) != str(getattr(user, jwt_settings.USER_ID_FIELD))
    ):
        raise ValidationError({"refresh": [MESSAGE_INVALID_REFRESH]})
    try:
        token = RefreshToken(refresh)  # type: ignore[arg-type]
    except TokenError:
        # Signed, unexpired and the caller's: the only thing left wrong is that it is
        # already blacklisted, i.e. a repeated logout.
        return
    token.blacklist()


def refresh_tokens_revoke_all(*, user: User) -> int:
    """Blacklist every outstanding refresh token of `user`; returns how many were live."""
    pending = OutstandingToken.objects.filter(user=user, expires_at__gt=timezone.now()).exclude(
        blacklistedtoken__isnull=False
    )
    created = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=t) for t in pending], ignore_conflicts=True
    )
    return len(created)


# --- Password reset ------------------------------------------------------------------


def password_reset_request(*, email: str) -> None:
    """Start a reset for `email`; the answer never depends on whether the account exists.

    The lookup, token and email all happen in the task, so this path costs the same for
    registered and unknown addresses.
    """
    from accounts.tasks import send_password_reset

    normalized = email.strip()
    transaction.on_commit(lambda: send_password_reset.delay(email=normalized))


@transaction.atomic
def password_reset_send(*, email: str) -> PasswordResetToken | None:
    """Create a reset token for the active account with this email and mail the link.

    Returns None (and sends nothing) for unknown or inactive accounts, or when the hourly
    per-account limit is reached. Earlier unused tokens stop working: only the newest
    link is valid.
    """
    user = user_get_by_email(email=email)
    if user is None or not user.is_active:
        return None
    now = timezone.now()
    recent = PasswordResetToken.objects.filter(user=user, created_at__gte=now - dt.timedelta(hours=1))
    if recent.count() >= PASSWORD_RESET_EMAILS_PER_HOUR:
        return None
    PasswordResetToken.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    raw = generate_reset_token()
    reset = PasswordResetToken(
        user=user,
        token_hash=hash_secret(raw),
        expires_at=now + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
    )
    reset.full_clean()
    reset.save()
    link = f"{settings.FRONTEND_URL.rstrip('/')}/reset-password?{urlencode({'token': raw})}"
    context = {
        "user": user,
        "link": link,
        "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
    }
    send_mail(
        subject="Reset your TestGen password",
        message=render_to_string("accounts/password_reset_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
    return reset


@transaction.atomic
def password_reset_confirm(*, token: str, new_password: str) -> User:
    """Set a new password with a reset token; the token is spent, every session ends.

    Wrong, reused and expired tokens raise the same ValidationError on `token`.
    """
    reset = (
        PasswordResetToken.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=hash_secret(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if reset is None or not reset.user.is_active:
        raise ValidationError({"token": [MESSAGE_RESET_TOKEN_INVALID]})
    user = reset.user
    _validate_new_password(new_password, user, "new_password")
    user.set_password(new_password)
    user.save(update_fields=["password", "updated_at"])
    now = timezone.now()
    PasswordResetToken.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    # Access tokens die with the old password hash (CHECK_REVOKE_TOKEN); refresh tokens
    # are blacklisted too, so nothing issued before the reset survives it.
    refresh_tokens_revoke_all(user=user)
    _email_mark_verified(user=user)
    return user


def _email_mark_verified(*, user: User) -> None:
    """Redeeming a mailed token proves the address: allauth may then link OAuth logins
    to this account without wiping its password."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


# --- API keys -----------------------------------------------------------------------


@transaction.atomic
def api_key_create(*, user: User, name: str, expires_at: dt.datetime | None = None) -> tuple[APIKey, str]:
    """Create an API key; returns it with the plain key, which is never retrievable again."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": [MESSAGE_EXPIRY_IN_PAST]})
    raw = generate_api_key()
    api_key = APIKey(
        user=user,
        name=name.strip(),
        display_prefix=display_prefix(raw),
        key_hash=hash_secret(raw),
        expires_at=expires_at,
    )
    api_key.full_clean()
    api_key.save()
    return api_key, raw


@transaction.atomic
def api_key_revoke(*, api_key: APIKey) -> APIKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def api_key_record_use(*, api_key: APIKey) -> None:
    """Record that `api_key` was just used, writing at most once per resolution window."""
    now = timezone.now()
    if api_key.last_used_at is not None and now - api_key.last_used_at < API_KEY_LAST_USED_RESOLUTION:
        return
    threshold = now - API_KEY_LAST_USED_RESOLUTION
    # Conditional update: concurrent requests with the same key do one write between them.
    APIKey.objects.filter(pk=api_key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=threshold)
    ).update(last_used_at=now)
    api_key.last_used_at = now


# --- OAuth ---------------------------------------------------------------------------


def _oauth_code_cache_key(code: str) -> str:
    return f"accounts:oauth-code:{hash_secret(code)}"


@transaction.atomic
def oauth_login_complete(
    *,
    user: User,
    provider: str,
    uid: str,
    access_token: str,
    refresh_token: str = "",
    expires_at: dt.datetime | None = None,
) -> str:
    """Finish an OAuth login: keep the provider's tokens (encrypted) and return a one-time
    code the SPA exchanges for a JWT pair (`oauth_code_redeem`).

    A code, not the tokens themselves, travels in the redirect URL, so JWTs never land in
    browser history, proxies or referrers.
    """
    credential, _ = OAuthCredential.objects.update_or_create(
        provider=provider,
        uid=uid,
        defaults={
            "user": user,
            "access_token": access_token,
            "refresh_token": refresh_token or "",
            "expires_at": expires_at,
        },
    )
    code = secrets.token_urlsafe(32)
    cache.set(_oauth_code_cache_key(code), user.pk, timeout=settings.TESTGEN_OAUTH_EXCHANGE_TTL)
    return code


def oauth_code_redeem(*, code: str) -> TokenPair:
    """Trade a one-time OAuth code for a JWT pair; a code works once, within its TTL."""
    key = _oauth_code_cache_key(code)
    user_id = cache.get(key)
    # delete() reports whether this caller removed the key: of two racing redeemers only
    # one gets True.
    if user_id is None or not cache.delete(key):
        raise ValidationError({"code": [MESSAGE_OAUTH_CODE_INVALID]})
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationError({"code": [MESSAGE_OAUTH_CODE_INVALID]})
    update_last_login(None, user)
    return _issue_pair(user)
