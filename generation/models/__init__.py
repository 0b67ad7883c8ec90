from __future__ import annotations

from generation.models.test_cases import TestCase, TestCaseVersion

__all__ = ["TestCase", "TestCaseVersion"]
