"""A small but real scanner for a toy route format, so the engine is tested without depending
on the framework scanners.

A `.routes` file holds lines `prefix /api`, `METHOD /path handler`, `param name location`
(for the route above) and `mount /prefix other.routes`. A line `!broken` makes the file
unparseable. A repository uses the format when a `package.json` mentions "toy-routes" or any
file declares a route.
"""
from __future__ import annotations

from typing import Any

from scanning.scanners.base import (
    HTTP_METHODS,
    DiscoveredEndpoint,
    Parameter,
    RepositoryIndex,
    Scanner,
    ScanWarning,
    SourceFile,
    join_paths,
    normalize_path,
    path_parameter_names,
)


class ToyScanner(Scanner):
    name = "toy"
    language = "toy"
    version = "1"
    extensions = (".routes",)
    extract_calls = 0  # class-level, so tests can count parses across instances

    def detect(self, index: RepositoryIndex, facts: dict[str, dict[str, Any]]) -> bool:
        return index.manifest_mentions("toy-routes") or any(f.get("routes") for f in facts.values())

    def extract(self, source: SourceFile) -> dict[str, Any]:
        type(self).extract_calls += 1
        facts: dict[str, Any] = {"prefix": "", "routes": [], "mounts": []}
        for number, raw in enumerate(source.text.splitlines(), start=1):
            words = raw.split()
            if not words or words[0].startswith("#"):
                continue
            if words[0] == "!broken":
                raise SyntaxError(f"broken line {number}")
            if words[0] == "prefix":
                facts["prefix"] = words[1]
            elif words[0] == "mount":
                facts["mounts"].append({"prefix": words[1], "file": words[2]})
            elif words[0] == "param" and facts["routes"]:
                facts["routes"][-1]["params"].append({"name": words[1], "location": words[2]})
            elif words[0].upper() in HTTP_METHODS:
                facts["routes"].append({
                    "method": words[0].upper(), "path": words[1], "line": number,
                    "handler": words[2] if len(words) > 2 else "", "params": [],
                })
            else:
                raise ValueError(f"unknown directive {words[0]!r} on line {number}")
        return facts

    def link(
        self, facts: dict[str, dict[str, Any]], index: RepositoryIndex
    ) -> tuple[list[DiscoveredEndpoint], list[ScanWarning]]:
        mounted: dict[str, str] = {}
        warnings: list[ScanWarning] = []
        for file, fact in facts.items():
            directory = file.rsplit("/", 1)[0] + "/" if "/" in file else ""
            for mount in fact.get("mounts", []):
                target = directory + mount["file"]
                if target not in facts:
                    warnings.append(ScanWarning(file=file, message=f"mounted file {target} not found"))
                mounted[target] = mount["prefix"]
        endpoints: list[DiscoveredEndpoint] = []
        for file in sorted(facts):
            fact = facts[file]
            for route in fact.get("routes", []):
                path = join_paths(mounted.get(file, ""), fact.get("prefix", ""), normalize_path(route["path"]))
                declared = {p["name"]: p["location"] for p in route["params"]}
                parameters = [Parameter(name=n, location="path", required=True, schema={"type": "string"})
                              for n in path_parameter_names(path)]
                parameters += [Parameter(name=n, location=loc) for n, loc in declared.items() if loc != "path"]
                endpoints.append(DiscoveredEndpoint(
                    method=route["method"], path=path, framework=self.name, file=file, line=route["line"],
                    handler=route["handler"], parameters=parameters,
                ))
        return endpoints, warnings
