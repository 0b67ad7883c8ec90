"""Django ground truth: every route Django's URL resolver holds, as JSON on stdout.

Run inside the target's own environment: `python django_gt.py PROJECT_DIR SETTINGS_MODULE`.
Class-based views answer the methods they define (a DRF ViewSet the methods of its
`actions`); a function view answers any method, written `ANY`. Routes under a DRF format
suffix (`.json`) carry `format_suffix: true`.
"""
import json
import os
import re
import sys

sys.path.insert(0, sys.argv[1])
os.environ["DJANGO_SETTINGS_MODULE"] = sys.argv[2]

import django  # noqa: E402

django.setup()

from django.urls import URLResolver, get_resolver  # noqa: E402

SKIPPED = ("options", "head")


def segment(entry):
    text = str(entry.pattern)
    if entry.pattern.__class__.__name__ == "RoutePattern":
        # DRF's format_suffix_patterns() adds `<drf_format_suffix:format>` routes (the API root's).
        return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text), "<drf_format_suffix:" in text
    text = text.lstrip("^").rstrip("$")
    suffix = "(?P<format>" in text
    text = re.sub(r"\\\.\(\?P<format>[^)]*\)", "", text)
    return named_groups(text).replace("/?", "/").replace("\\", ""), suffix


def named_groups(text):
    """`(?P<name>...)` as `{name}`, groups nested inside it included (`(?P<ext>(png|svg))`)."""
    out, i = [], 0
    while True:
        match = re.compile(r"\(\?P<(\w+)>").search(text, i)
        if match is None:
            return "".join(out) + text[i:]
        out.append(text[i:match.start()] + "{" + match.group(1) + "}")
        depth, j = 1, match.end()
        while j < len(text) and depth:
            if text[j] == "\\":
                j += 1
            elif text[j] == "[":  # a class may hold parentheses: `[^/)]`; a first `]` is literal
                start = j + 2 if text[j + 1:j + 2] == "^" else j + 1
                start += text[start:start + 1] == "]"
                j = text.find("]", start)
                j = len(text) if j < 0 else j
            elif text[j] == "(":
                depth += 1
            elif text[j] == ")":
                depth -= 1
            j += 1
        i = j


def walk(patterns, prefix, in_suffix, out):
    for entry in patterns:
        seg, suffix = segment(entry)
        if isinstance(entry, URLResolver):
            walk(entry.url_patterns, prefix + seg, in_suffix or suffix, out)
            continue
        view = entry.callback
        cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
        actions = getattr(view, "actions", None)
        if actions:
            # DRF answers 405 to an action's method the viewset's `http_method_names` leaves out
            allowed = (getattr(view, "initkwargs", None) or {}).get("http_method_names") or getattr(
                cls, "http_method_names", actions)
            methods = [m.upper() for m in actions if m not in SKIPPED and m in allowed]
        elif cls is not None:
            methods = [m.upper() for m in cls.http_method_names if m not in SKIPPED and hasattr(cls, m)]
        else:
            methods = ["ANY"]
        for method in methods:
            out.append({"method": method, "path": "/" + prefix + seg, "format_suffix": suffix or in_suffix,
                        "view": f"{view.__module__}.{view.__name__}"})
    return out


json.dump(walk(get_resolver().url_patterns, "", False, []), sys.stdout, indent=1)
