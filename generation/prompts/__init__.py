"""Versioned prompt templates: ``<name>.v<N>.md`` files beside this module.

The newest version of each template is used, and its name (``security.v2``) is recorded on
every test it produced, so a change of prompt can be traced in the tests it made. Changing a
prompt means adding a new version file, never editing a published one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROMPT_DIR = Path(__file__).resolve().parent
_FILE = re.compile(r"^(?P<name>[a-z_]+)\.v(?P<version>\d+)\.md$")


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    version: int
    text: str

    @property
    def ref(self) -> str:
        return f"{self.name}.v{self.version}"


class UnknownPrompt(LookupError):
    pass


@lru_cache(maxsize=64)
def load_prompt(name: str, version: int | None = None) -> PromptTemplate:
    """The template `name` at `version`, or its newest version."""
    found: dict[int, Path] = {}
    for path in PROMPT_DIR.glob(f"{name}.v*.md"):
        match = _FILE.match(path.name)
        if match and match.group("name") == name:
            found[int(match.group("version"))] = path
    if not found or (version is not None and version not in found):
        raise UnknownPrompt(f"no prompt template {name!r}" + (f" version {version}" if version else ""))
    chosen = version if version is not None else max(found)
    return PromptTemplate(name=name, version=chosen, text=found[chosen].read_text(encoding="utf-8").strip())
