"""chromadb ground truth: `python chromadb_gt.py OUT.json` writes [{method, path}].

Builds chromadb's Python server, `chromadb.app:app` (what `uvicorn chromadb.app:app` serves;
`chroma run` starts the Rust server instead): `chromadb.server.fastapi.FastAPI` with the
default `Settings`, an ephemeral in-process system with no authentication provider, so no
route depends on a setting. Telemetry is off; nothing listens. The server needs FastAPI and
its OpenTelemetry instrumentation, which chromadb lists only under its `dev` extra; the
requirements add those two rather than the extra, which also builds hnswlib.
"""
import json
import os
import sys

os.environ["ANONYMIZED_TELEMETRY"] = "False"

from chromadb.app import app  # noqa: E402
from fastapi_routes import routes  # noqa: E402

with open(sys.argv[1], "w") as handle:
    json.dump(routes(app), handle, indent=1)
