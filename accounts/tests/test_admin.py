from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import DEFAULT_PASSWORD, AdminUserFactory, APIKeyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_() -> Client:
    client = Client()
    client.force_login(AdminUserFactory())
    return client


def test_users_are_listed_and_searchable(admin_client_):
    UserFactory(email="findme@example.com")
    response = admin_client_.get("/admin/accounts/user/", {"q": "findme"})
    assert response.status_code == 200
    assert b"findme@example.com" in response.content


def test_a_user_can_be_created_with_a_hashed_password(admin_client_):
    response = admin_client_.post(
        "/admin/accounts/user/add/",
        {"email": "made@example.com", "usable_password": "true", "password1": DEFAULT_PASSWORD, "password2": DEFAULT_PASSWORD},
    )
    assert response.status_code == 302, response.content
    user = User.objects.get(email="made@example.com")
    assert user.check_password(DEFAULT_PASSWORD) and user.password != DEFAULT_PASSWORD


def test_user_change_page_renders(admin_client_):
    user = UserFactory()
    assert admin_client_.get(f"/admin/accounts/user/{user.pk}/change/").status_code == 200


def test_api_key_pages_never_show_the_hash_and_are_read_only(admin_client_):
    key = APIKeyFactory(user=UserFactory(email="owner@example.com"))
    listing = admin_client_.get("/admin/accounts/apikey/")
    detail = admin_client_.get(f"/admin/accounts/apikey/{key.pk}/change/")
    assert listing.status_code == detail.status_code == 200
    for response in (listing, detail):
        assert key.key_hash.encode() not in response.content
        assert key.raw_key.encode() not in response.content
    assert key.display_prefix.encode() in listing.content
    assert admin_client_.get("/admin/accounts/apikey/add/").status_code == 403


def test_the_revoke_action_revokes_keys(admin_client_):
    key = APIKeyFactory()
    response = admin_client_.post(
        "/admin/accounts/apikey/", {"action": "revoke", "_selected_action": [key.pk]}
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_members_cannot_reach_the_admin():
    client = Client()
    client.force_login(UserFactory())
    assert client.get("/admin/accounts/user/").status_code == 302
