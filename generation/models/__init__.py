from __future__ import annotations

from generation.models.test_cases import TestCase, TestCaseVersion

__all__ = ["TestCase", "TestCaseVersion"]
from generation.models.jobs import *  # noqa: E402,F401,F403
from generation.models.jobs import __all__ as _jobs_all  # noqa: E402

__all__ += _jobs_all
