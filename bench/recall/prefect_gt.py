"""prefect ground truth: `python prefect_gt.py OUT.json` writes [{method, path}].

Builds the FastAPI app that `prefect server start` serves, `prefect.server.api.server.create_app()`:
the REST API mounted at /api and the UI at /. Settings are prefect's defaults (a SQLite
database under a PREFECT_HOME in the working directory, never opened here: the app's lifespan,
which migrates it and starts the services, is not run), so the routes behind a setting that is
off by default are not served: `/api/metrics` (PREFECT_API_ENABLE_METRICS) and `/api/pid` (prefect's test
mode). Nothing listens.
"""
import json
import os
import sys

# The benchmark runs this script in a temporary directory that it removes afterwards.
os.environ["PREFECT_HOME"] = os.path.join(os.getcwd(), "prefect-home")

from fastapi_routes import routes  # noqa: E402
from prefect.server.api.server import create_app  # noqa: E402

with open(sys.argv[1], "w") as handle:
    json.dump(routes(create_app()), handle, indent=1)
