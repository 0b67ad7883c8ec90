"""Hypothesis strategies and helpers for accounts property tests."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from testgen.tests.cache import clear_test_cache
from django.db import transaction
from hypothesis import strategies as st

_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_local = st.from_regex(r"[A-Za-z0-9]{1,12}([._+-][A-Za-z0-9]{1,8}){0,2}", fullmatch=True)
emails = st.builds(
    lambda local, labels, tld: f"{local}@{'.'.join(labels)}.{tld}",
    _local,
    st.lists(_label, min_size=1, max_size=2),
    st.sampled_from(["com", "org", "io", "dev", "example"]),
)
names = st.text(st.characters(categories=["L"]), max_size=40)
# Wide alphabet (punctuation, digits, non-ASCII letters); validators decide what is "valid".
passwords = st.text(
    st.characters(categories=["L", "N", "P", "S"], exclude_characters="\x00"), min_size=10, max_size=64
)


@contextmanager
def rolled_back() -> Iterator[None]:
    """Each Hypothesis example gets a clean database and cache, then leaves nothing behind."""
    clear_test_cache()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
