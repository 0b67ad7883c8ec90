"""Signature verification and payload parsing, without the database."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from projects import webhooks

SECRET = "whsec-0123456789"
BODY = json.dumps({"ref": "refs/heads/main"}).encode()


@pytest.mark.parametrize("provider", webhooks.PROVIDERS)
def test_a_correct_signature_verifies(provider: str) -> None:
    headers = webhooks.sign(provider, SECRET, BODY)
    assert webhooks.verify(provider, secret=SECRET, headers=headers, body=BODY)


@pytest.mark.parametrize("provider", webhooks.PROVIDERS)
def test_a_signature_made_with_another_secret_fails(provider: str) -> None:
    headers = webhooks.sign(provider, "another-secret", BODY)
    assert not webhooks.verify(provider, secret=SECRET, headers=headers, body=BODY)


@pytest.mark.parametrize("provider", webhooks.PROVIDERS)
def test_a_missing_signature_fails(provider: str) -> None:
    assert not webhooks.verify(provider, secret=SECRET, headers={}, body=BODY)


@pytest.mark.parametrize("provider", webhooks.PROVIDERS)
def test_no_secret_configured_never_verifies(provider: str) -> None:
    assert not webhooks.verify(provider, secret="", headers=webhooks.sign(provider, "", BODY), body=BODY)


@pytest.mark.parametrize("provider", ["github", "bitbucket"])
@hsettings(max_examples=40)
@given(tampered=st.binary(min_size=1, max_size=64))
def test_any_change_to_a_signed_body_fails(provider: str, tampered: bytes) -> None:
    headers = webhooks.sign(provider, SECRET, BODY)
    if tampered != BODY:
        assert not webhooks.verify(provider, secret=SECRET, headers=headers, body=tampered)


def test_github_push_gives_the_branch_and_delivery_id() -> None:
    info = webhooks.parse(
        "github", headers={"X-GitHub-Event": "push", "X-GitHub-Delivery": "d-1"}, body=BODY
    )
    assert info == webhooks.PushInfo(event="push", delivery_id="d-1", is_push=True, branches=("main",))


def test_github_tag_pushes_and_branch_deletions_update_no_branch() -> None:
    tag = json.dumps({"ref": "refs/tags/v1"}).encode()
    deleted = json.dumps({"ref": "refs/heads/main", "deleted": True}).encode()
    headers = {"X-GitHub-Event": "push", "X-GitHub-Delivery": "d"}
    assert webhooks.parse("github", headers=headers, body=tag).branches == ()
    assert webhooks.parse("github", headers=headers, body=deleted).branches == ()


def test_github_ping_is_not_a_push() -> None:
    info = webhooks.parse("github", headers={"X-GitHub-Event": "ping"}, body=b"{}")
    assert not info.is_push


def test_gitlab_push_hook_is_parsed() -> None:
    body = json.dumps({"object_kind": "push", "ref": "refs/heads/dev", "after": "abc"}).encode()
    info = webhooks.parse("gitlab", headers={"X-Gitlab-Event": "Push Hook", "X-Gitlab-Event-UUID": "u"}, body=body)
    assert (info.is_push, info.branches, info.delivery_id) == (True, ("dev",), "u")


def test_bitbucket_push_lists_every_updated_branch() -> None:
    body = json.dumps({"push": {"changes": [
        {"new": {"type": "branch", "name": "main"}},
        {"new": {"type": "tag", "name": "v1"}},
        {"new": None},
        {"new": {"type": "branch", "name": "feature"}},
    ]}}).encode()
    info = webhooks.parse("bitbucket", headers={"X-Event-Key": "repo:push", "X-Request-UUID": "r"}, body=body)
    assert info.branches == ("main", "feature")


def test_a_delivery_without_an_id_gets_one_from_its_body() -> None:
    first = webhooks.parse("github", headers={"X-GitHub-Event": "push"}, body=BODY)
    again = webhooks.parse("github", headers={"X-GitHub-Event": "push"}, body=BODY)
    assert first.delivery_id == again.delivery_id
    assert first.delivery_id.startswith("sha256:")


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_refused(body: bytes) -> None:
    with pytest.raises(webhooks.WebhookPayloadError):
        webhooks.parse("github", headers={"X-GitHub-Event": "push"}, body=body)
