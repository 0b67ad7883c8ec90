"""litellm ground truth: `python litellm_gt.py OUT.json` writes [{method, path}].

Builds the LiteLLM proxy's app, `litellm.proxy.proxy_server.app` (what `litellm --config ...`
serves through uvicorn), with default settings: no config file, no database, no master key,
`LITELLM_LOCAL_MODEL_COST_MAP` set so that importing litellm does not fetch its price list.
The app's lifespan (which reads the config and may add configured pass-through routes) is not
run, and nothing listens.

By default the proxy registers some feature routers lazily: their module is imported, and their
router included, on the first request under their path prefix (`litellm/proxy/_lazy_features.py`;
`LITELLM_DISABLE_LAZY_ROUTES` does it at startup instead). They are served all the same, so the
truth registers them with the proxy's own `register_all_features(app)`, as that setting's
startup does.

The package roots are scanned: `litellm/` (tests and the UI's static build `out/` aside) and
`litellm_enterprise/`, which `litellm[proxy]` installs and whose router the proxy includes
when it can import it. The scan has to find the proxy's app among their other FastAPI objects.
"""
import json
import os
import sys

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

from fastapi_routes import routes  # noqa: E402
from litellm.proxy._lazy_features import register_all_features  # noqa: E402
from litellm.proxy.proxy_server import app  # noqa: E402

register_all_features(app)
with open(sys.argv[1], "w") as handle:
    json.dump(routes(app), handle, indent=1)
