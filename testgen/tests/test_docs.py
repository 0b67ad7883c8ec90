"""Every environment variable the product reads is documented in README.md and .env.example."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    "testgen/settings/base.py",
    "testgen/settings/production.py",
    "testgen/management/commands/serve.py",
]
# Variables only the test harness or internal plumbing sets; not user configuration.
INTERNAL = {"TESTGEN_IGNORE_DOTENV"}


def variables_read() -> set[str]:
    names: set[str] = set()
    pattern = re.compile(r"""(?:env(?:\.\w+)?|os\.environ\.get)\(\s*["']([A-Z][A-Z0-9_]+)["']""")
    for source in SOURCES:
        names.update(pattern.findall((ROOT / source).read_text()))
    providers = re.findall(r'^    "(\w+)": \{', (ROOT / "generation/providers/config.py").read_text(), re.M)
    for provider in providers:
        names.update(f"TESTGEN_{provider.upper()}_{suffix}" for suffix in ("API_KEY", "BASE_URL", "MODEL"))
    return names - INTERNAL


def test_the_scan_finds_the_variables_it_should():
    found = variables_read()
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PORT", "TESTGEN_OPENAI_API_KEY"} <= found


def test_every_variable_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    missing = sorted(name for name in variables_read() if f"`{name}`" not in readme)
    assert not missing, f"README.md does not document: {missing}"


def test_every_variable_is_in_the_env_example():
    example = (ROOT / ".env.example").read_text()
    missing = sorted(name for name in variables_read() if f"{name}=" not in example)
    assert not missing, f".env.example does not list: {missing}"
