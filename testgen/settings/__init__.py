"""Settings package. Environment modules fill ENV_DEFAULTS before importing `base`."""
from __future__ import annotations

ENV_DEFAULTS: dict = {}
