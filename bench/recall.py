"""Discovery recall: the endpoints real open-source backends serve against those the scan finds.

For each target, at pinned versions:

1. install its packages into a throwaway environment under the work directory (a virtualenv
   for PyPI packages, an npm prefix installed from a lock file for npm packages);
2. build the ground truth by running the application in that environment and listing the
   routes its framework holds (Django's URL resolver, the Express router stack; nothing
   listens on a port) — the helper scripts are in `bench/recall/`;
3. copy the package's sources out of site-packages / node_modules (the scan skips both) and
   scan the copy in-process with every scanner, as `manage.py discover_endpoints` does;
4. compare by method and normalized path: path parameters of any syntax made alike, trailing
   slashes ignored, Express regular-expression routes read as templates (a capturing group a
   parameter) and optional parameters (`/:rev?`) as the paths with and without them,
   HEAD/OPTIONS, WebSocket and DRF format-suffix routes left out; a Django function view
   (any method) counts with the methods the scan reports for its path, or GET.

The work directory (`--workdir`, default a new temporary directory) is reused when it exists,
so a rerun skips the installs.

Run `python -m bench recall [--target NAME ...] [--workdir DIR] [--no-write]`.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench._common import machine_line, setup_django, write_section

DATA = Path(__file__).resolve().parent / "recall"
IGNORED_METHODS = {"HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Target:
    name: str
    label: str  # as the table in BENCHMARKS.md names it
    framework: str
    registry: str  # "pip" or "npm"
    packages: tuple[str, ...]  # pip specs (`-r FILE` under bench/recall/); npm: the package-lock dir
    sources: tuple[str, ...]  # directories copied out of site-packages / node_modules (`DIR:NAME`)
    skipped: tuple[str, ...]  # names not copied, at any depth (tests, static files, translations)
    extra_sources: str | None  # a directory of bench/recall/ whose content is copied next to them
    ground_truth: Callable[[Path, Path], list[dict[str, Any]]]  # (environment, copied sources)


# --- environments ----------------------------------------------------------------------------


def run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        output = done.stdout[-2000:] + done.stderr[-2000:]
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{output}")
    return done


def pip_environment(target: Target, workdir: Path) -> Path:
    env = workdir / f"{target.name}-venv"
    stamp = env / "bench-requirements.txt"
    # A `-r FILE` spec stamps the file's content, so that editing the pins reinstalls.
    wanted = "\n".join(target.packages) + "\n" + "".join(
        (DATA / spec[3:]).read_text() for spec in target.packages if spec.startswith("-r "))
    if stamp.exists() and stamp.read_text() == wanted:
        return env
    shutil.rmtree(env, ignore_errors=True)
    run([sys.executable, "-m", "venv", str(env)])
    specs = [arg for spec in target.packages
             for arg in (("-r", str(DATA / spec[3:])) if spec.startswith("-r ") else (spec,))]
    run([str(env / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q", *specs])
    stamp.write_text(wanted)
    return env


def npm_environment(target: Target, workdir: Path) -> Path:
    env = workdir / f"{target.name}-npm"
    lock = DATA / target.packages[0] / "package-lock.json"
    stamp = env / "bench-package-lock.json"
    if stamp.exists() and stamp.read_text() == lock.read_text():
        return env
    shutil.rmtree(env, ignore_errors=True)
    env.mkdir(parents=True)
    shutil.copy(DATA / target.packages[0] / "package.json", env)
    shutil.copy(lock, env)
    run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=env)
    shutil.copy(lock, stamp)
    return env


def site_packages(env: Path) -> Path:
    return next((env / "lib").glob("python3*/site-packages"))


def copy_sources(target: Target, env: Path, workdir: Path) -> Path:
    base = site_packages(env) if target.registry == "pip" else env / "node_modules"
    dest = workdir / f"{target.name}-src"
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for name in target.sources:
        # `DIR:NAME` copies DIR as NAME: a package's `build/` output under the name of a
        # directory the scan walks (it skips build/ and dist/ directories).
        name, _, renamed = name.partition(":")
        ignore = shutil.ignore_patterns("__pycache__", "node_modules", *target.skipped)
        shutil.copytree(base / name, dest / (renamed or Path(name).name), ignore=ignore)
    if target.extra_sources:
        shutil.copytree(DATA / target.extra_sources, dest, dirs_exist_ok=True)
    return dest


# --- ground truth ----------------------------------------------------------------------------


def django_ground_truth(settings_module: str) -> Callable[[Path, Path], list[dict[str, Any]]]:
    def build(env: Path, sources: Path) -> list[dict[str, Any]]:
        # The project (settings, urls) is in the copied tree; the packages come from the venv.
        out = run([str(env / "bin" / "python"), str(DATA / "django_gt.py"), str(sources), settings_module],
                  cwd=tempfile.gettempdir()).stdout
        return [r for r in json.loads(out) if not r["format_suffix"]]
    return build


def script_ground_truth(script: str) -> Callable[[Path, Path], list[dict[str, Any]]]:
    """A script run by the environment's Python that writes its routes to the file it is given."""
    def build(env: Path, sources: Path) -> list[dict[str, Any]]:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "routes.json"
            run([str(env / "bin" / "python"), str(DATA / script), str(out)], cwd=tmp)
            return json.loads(out.read_text())
    return build


def node_ground_truth(script: str) -> Callable[[Path, Path], list[dict[str, Any]]]:
    def build(env: Path, sources: Path) -> list[dict[str, Any]]:
        return json.loads(run(["node", str(DATA / script), str(env / "node_modules")]).stdout)
    return build


TARGETS = [
    Target(
        name="djoser", label="djoser 2.3.5 (DRF)", framework="django", registry="pip",
        # djoser==2.3.5 with DRF, simplejwt and social-auth-app-django, every version pinned.
        packages=("-r djoser/requirements.txt",),
        sources=("djoser",), skipped=(), extra_sources="djoser/project",
        ground_truth=django_ground_truth("proj.settings"),
    ),
    Target(
        name="json-server", label="json-server 0.17.4 (Express)", framework="express", registry="npm",
        packages=("json-server",), sources=("json-server",), skipped=(), extra_sources=None,
        ground_truth=node_ground_truth("jsonserver_gt.js"),
    ),
    Target(
        name="changedetection", label="changedetection.io 0.60.10 (Flask)", framework="flask", registry="pip",
        packages=("-r changedetection/requirements.txt",),  # `pip freeze` of changedetection.io==0.60.10
        sources=("changedetectionio",), skipped=("tests", "static", "translations"), extra_sources=None,
        ground_truth=script_ground_truth("changedetection_gt.py"),
    ),
    Target(
        name="node-red", label="node-red editor API 4.1.15 (Express)", framework="express", registry="npm",
        packages=("node-red",), sources=("@node-red/editor-api",), skipped=(), extra_sources=None,
        ground_truth=node_ground_truth("nodered_gt.js"),
    ),
    Target(
        name="verdaccio", label="verdaccio 6.8.0 (Express, Babel output)", framework="express",
        registry="npm",
        packages=("verdaccio",), sources=("verdaccio/build:verdaccio",), skipped=(), extra_sources=None,
        ground_truth=node_ground_truth("verdaccio_gt.js"),
    ),
    Target(
        name="django-allauth", label="django-allauth 65.21.1 (Django)", framework="django", registry="pip",
        packages=("-r django-allauth/requirements.txt",),  # `pip freeze` of django-allauth[socialaccount,mfa]
        sources=("allauth",), skipped=("tests", "templates", "locale", "static"),
        extra_sources="django-allauth/project",
        ground_truth=django_ground_truth("proj.settings"),
    ),
    Target(
        name="chromadb", label="chromadb 1.5.9 server (FastAPI)", framework="fastapi", registry="pip",
        # `pip freeze` of chromadb==1.5.9 with the FastAPI server's two `dev` dependencies.
        packages=("-r chromadb/requirements.txt",),
        sources=("chromadb",), skipped=("test",), extra_sources=None,
        ground_truth=script_ground_truth("chromadb_gt.py"),
    ),
    Target(
        name="misago", label="misago 0.39.6 (DRF routers)", framework="django", registry="pip",
        packages=("-r misago/requirements.txt",),  # `pip freeze` of misago==0.39.6
        sources=("misago",), skipped=("tests", "static", "templates", "locale"),
        extra_sources="misago/project",
        ground_truth=django_ground_truth("proj.settings"),
    ),
    Target(
        name="prefect", label="prefect 3.9.1 server (FastAPI)", framework="fastapi", registry="pip",
        packages=("-r prefect/requirements.txt",),  # `pip freeze` of prefect==3.9.1
        # The package root, not only `prefect/server`: the scan has to find the server's app
        # among the package's other FastAPI apps (the runner's, the CLI's callback app).
        sources=("prefect",), skipped=("testing", "static"), extra_sources=None,
        ground_truth=script_ground_truth("prefect_gt.py"),
    ),
    Target(
        name="wagtail", label="wagtail 8.0.1 (Django)", framework="django", registry="pip",
        packages=("-r wagtail/requirements.txt",),  # `pip freeze` of wagtail==8.0.1
        sources=("wagtail",), skipped=("tests", "test", "static", "templates", "locale"),
        extra_sources="wagtail/project",
        ground_truth=django_ground_truth("proj.settings"),
    ),
    Target(
        name="nautobot", label="nautobot 3.2.7 (DRF)", framework="django", registry="pip",
        packages=("-r nautobot/requirements.txt",),  # `pip freeze` of nautobot==3.2.7
        sources=("nautobot",), skipped=("tests", "project-static", "static", "locale"),
        extra_sources="nautobot/project",
        ground_truth=django_ground_truth("proj.settings"),
    ),
    Target(
        name="parse-server", label="parse-server 9.10.0 REST API (Express 5)", framework="express",
        registry="npm",
        # The Babel output in `lib/`; the REST API app without its mount path (see parseserver_gt.js).
        packages=("parse-server",), sources=("parse-server/lib:parse-server",), skipped=(),
        extra_sources=None,
        ground_truth=node_ground_truth("parseserver_gt.js"),
    ),
    Target(
        name="pretix", label="pretix 2026.8.0 (Django + DRF)", framework="django", registry="pip",
        packages=("-r pretix/requirements.txt",),  # `pip freeze` of pretix==2026.8.0
        sources=("pretix",), skipped=("tests", "static", "static.dist", "locale", "icons"),
        extra_sources="pretix/project",
        ground_truth=django_ground_truth("proj.settings"),
    ),
    Target(
        name="superset", label="Apache Superset 4.1.1 (Flask-AppBuilder)", framework="flask", registry="pip",
        # `pip freeze` of apache-superset==4.1.1, with marshmallow 3.19.0 and marshmallow-sqlalchemy
        # 1.0.0: the resolver's newest marshmallow 4 breaks Superset's schemas at import.
        packages=("-r superset/requirements.txt",),
        sources=("superset",), skipped=("tests", "static", "templates", "translations", "migrations"),
        extra_sources=None,
        ground_truth=script_ground_truth("superset_gt.py"),
    ),
    Target(
        name="litellm", label="litellm 1.108.7 proxy (FastAPI)", framework="fastapi", registry="pip",
        packages=("-r litellm/requirements.txt",),  # `pip freeze` of litellm[proxy]==1.108.7
        # The package root, and litellm-enterprise's (a dependency of the proxy, whose router
        # the proxy includes when it is installed): the proxy's app is found among the other
        # FastAPI objects of both.
        sources=("litellm", "litellm_enterprise"), skipped=("tests", "test", "out"), extra_sources=None,
        ground_truth=script_ground_truth("litellm_gt.py"),
    ),
]


# --- matching --------------------------------------------------------------------------------


def regex_route(path: str) -> str:
    """An Express regular-expression route, as the router stack prints it (`/^\\/nodes\\/(.+)$/`),
    as a path template: each capturing group a parameter; non-capturing groups, which these
    routes use for optional tails (`(?:$|\\/(.*))`, `(?:@[^\\/]+\\/)?`), dropped."""
    match = re.fullmatch(r"/\^(.*)/[a-z]*", path)
    if not match:
        return path
    body = match.group(1).removesuffix("$").removesuffix("\\/?")
    previous = None
    while previous != body:  # innermost groups first
        previous = body
        body = re.sub(r"\((\?:)?[^()]*\)\??", lambda m: "" if m.group(1) else "{}", body)
    return re.sub(r"\\(.)", r"\1", body)


def normalize(path: str) -> str:
    path = regex_route(path)
    path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", "{}", path)  # Flask / Django <int:id>
    path = re.sub(r"\{[^}]+\}", "{}", path)  # {id}, {id:path}
    path = re.sub(r":[A-Za-z_][A-Za-z0-9_]*(\([^)]*\))?\??", "{}", path)  # Express :id, :id?
    path = re.sub(r"(?<=/)\*[A-Za-z_]\w*(?=/|$)", "{}", path)  # Express 5 named wildcards: *filepath
    path = re.sub(r"/+", "/", path)
    if len(path) > 1:
        path = path.rstrip("/")
    return path if path.startswith("/") else "/" + path


OPTIONAL_SEGMENT = re.compile(r":[A-Za-z_][A-Za-z0-9_]*(\([^)]*\))?\?")


def variants(path: str) -> set[str]:
    """The normalized paths a route answers: an Express optional parameter (`/:rev?`) is a
    segment that may be absent, so `/:pkg/:rev?` serves both `/{}` and `/{}/{}`."""
    segments = path.split("/")
    optional = [i for i, segment in enumerate(segments) if OPTIONAL_SEGMENT.fullmatch(segment)]
    out: set[str] = set()
    for mask in range(2 ** len(optional)):
        dropped = {i for bit, i in enumerate(optional) if mask >> bit & 1}
        out.add(normalize("/".join(s for i, s in enumerate(segments) if i not in dropped)))
    return out


def regex_groups(path: str) -> str:
    """Regex groups as parameters: the ground truth drops backslashes, the scan keeps them."""
    previous = None
    while previous != path:
        previous, path = path, re.sub(r"\((?:[^()])*\)", "{}", path)
    return path.replace(".*", "{}")


def compare(truth: list[dict[str, Any]], scanned: list[dict[str, Any]], *, django: bool) -> dict[str, Any]:
    if django:
        scanned = [dict(r, path=regex_groups(r["path"])) for r in scanned]
        by_path: dict[str, set[str]] = defaultdict(set)
        for r in scanned:
            by_path[normalize(r["path"])].add(r["method"])
        expanded = []
        for r in truth:
            r = dict(r, path=regex_groups(r["path"]))
            if r["method"] == "ANY":
                expanded += [dict(r, method=m) for m in sorted(by_path.get(normalize(r["path"])) or {"GET"})]
            else:
                expanded.append(r)
        truth = expanded
    served = {(r["method"], p) for r in truth if r["method"] not in IGNORED_METHODS
              for p in variants(r["path"])}
    found = {(r["method"], p) for r in scanned if r["method"] not in IGNORED_METHODS
             for p in variants(r["path"])}
    matched = served & found
    # Routes registered under an `if` (a setting, an environment variable) are reported with
    # their conditions: the scan cannot know the deployment's settings. Precision is also given
    # over the unconditional ones, what the scan claims is always served.
    conditional = {(r["method"], p) for r in scanned if r["method"] not in IGNORED_METHODS and r.get("conditions")
                   for p in variants(r["path"])}
    unconditional = found - conditional
    return {"served": len(served), "found": len(found), "matched": len(matched),
            "recall": len(matched) / max(len(served), 1), "precision": len(matched) / max(len(found), 1),
            "conditional": len(conditional), "conditional_served": len(conditional & served),
            # None when every route found is conditional (node-red's editor API is all behind
            # `settings.httpAdminRoot !== false`): there is nothing unconditional to be right about
            "precision_unconditional": len(unconditional & served) / len(unconditional) if unconditional else None,
            "missed": sorted(served - found), "extra": sorted(found - served),
            "extra_conditional": sorted((found - served) & conditional)}


# --- the benchmark ---------------------------------------------------------------------------


def measure(target: Target, workdir: Path) -> dict[str, Any]:
    from scanning import engine
    from scanning.scanners.registry import all_scanners

    started = time.perf_counter()
    env = (pip_environment if target.registry == "pip" else npm_environment)(target, workdir)
    sources = copy_sources(target, env, workdir)
    truth = target.ground_truth(env, sources)
    result = engine.scan_tree(sources, scanners=all_scanners(), cache=engine.MemoryFactsCache())
    scanned = [{"method": e.method, "path": e.path, "file": e.file, "line": e.line, "conditions": e.conditions}
               for e in result.endpoints]
    stats = compare(truth, scanned, django=target.framework == "django")
    stats.update(warnings=len(result.warnings), seconds=time.perf_counter() - started)
    return stats


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def report(results: dict[Target, dict[str, Any]]) -> str:
    lines = [
        "| Application (framework) | Served | Found | Matched | Recall | Precision | Conditional (served) "
        "| Precision, unconditional | Warnings |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for target, s in results.items():
        lines.append(f"| {target.label} | {s['served']} | {s['found']} | {s['matched']} | "
                     f"{s['recall']:.3f} | {s['precision']:.3f} | {s['conditional']} ({s['conditional_served']}) | "
                     f"{_ratio(s['precision_unconditional'])} | {s['warnings']} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    names = [t.name for t in TARGETS]
    parser = argparse.ArgumentParser(prog="python -m bench recall", description=__doc__.split("\n")[0])
    parser.add_argument("--target", action="append", choices=names, help="Only this target (repeatable).")
    parser.add_argument("--workdir", type=Path, help="Environments and copied sources; reused if it exists.")
    parser.add_argument("--no-write", action="store_true", help="Print only; leave BENCHMARKS.md alone.")
    args = parser.parse_args(argv)
    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="testgen-recall-"))).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    setup_django()

    results: dict[Target, dict[str, Any]] = {}
    for target in (t for t in TARGETS if not args.target or t.name in args.target):
        stats = measure(target, workdir)
        results[target] = stats
        print(f"{target.name:<16} served {stats['served']:>4}  found {stats['found']:>4}  "
              f"matched {stats['matched']:>4}  recall {stats['recall']:.3f}  "
              f"precision {stats['precision']:.3f} ({_ratio(stats['precision_unconditional'])} unconditional, "
              f"{stats['conditional']} conditional)  warnings {stats['warnings']}  ({stats['seconds']:.1f} s)")
        for method, path in stats["missed"]:
            print(f"    missed {method} {path}")
        conditional = set(stats["extra_conditional"])
        for method, path in stats["extra"]:
            print(f"    not served {method} {path}{' (conditional)' if (method, path) in conditional else ''}")
    print(f"work directory: {workdir}")

    table = report(results)
    print(table)
    if not args.no_write:
        write_section("Discovery recall", f"""
Machine-written by `python -m bench recall` (targets: {', '.join(t.name for t in results)}).
Ground truth from running each application at pinned versions in its own environment; the scan
over a copy of the package's sources; matching as described in "Discovery on real open-source
backends". {time.strftime('%Y-%m-%d')}, {machine_line()}.

{table}
""")
    return 0
