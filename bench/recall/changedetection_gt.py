"""changedetection.io ground truth: `python changedetection_gt.py OUT.json` writes [{method, path}].

Builds the Flask app with a stand-in datastore; the app factory stops with a KeyError when it
starts its workers, after every blueprint is registered, which is all the URL map needs.
Flask's static-file routes are left out.
"""
import json
import os
import sys
import tempfile
from unittest.mock import MagicMock

os.environ.setdefault("DATASTORE_PATH", tempfile.mkdtemp())

from changedetectionio import flask_app  # noqa: E402
from flask_routes import rules  # noqa: E402

datastore = MagicMock()
datastore.data = {
    "settings": {
        "application": {"password": False, "api_access_token_enabled": True, "base_url": "", "ui": {}},
        "requests": {},
    },
    "watching": {},
}
try:
    flask_app.changedetection_app({"datastore_path": os.environ["DATASTORE_PATH"]}, datastore)
except KeyError:
    pass
app = flask_app.app
out = rules(app)
with open(sys.argv[1], "w") as handle:
    json.dump(out, handle, indent=1)
sys.stdout.flush()
os._exit(0)  # the half-started app holds threads that would keep the interpreter alive
