"""Apache Superset ground truth: `python superset_gt.py OUT.json` writes [{method, path, endpoint}].

Runs Superset's own application factory, `superset.app.create_app()`, with a configuration file
holding only a secret key and a SQLite metadata database in a temporary directory (the database
is never created: building the URL map does not touch it). Every other setting is Superset's
default, so the feature-flagged views are as a default deployment has them. Flask-AppBuilder
registers its own security and index views in `init_app` as well; they are served and counted.
Flask's static-file routes are left out.
"""
import json
import os
import sys
import tempfile

work = tempfile.mkdtemp()
config = os.path.join(work, "superset_config.py")
with open(config, "w") as handle:
    handle.write(
        'SECRET_KEY = "bench-recall-ground-truth-only-not-a-deployment"\n'
        f'SQLALCHEMY_DATABASE_URI = "sqlite:///{os.path.join(work, "superset.db")}"\n'
    )
os.environ["SUPERSET_CONFIG_PATH"] = config

from superset.app import create_app  # noqa: E402
from flask_routes import rules  # noqa: E402

app = create_app()
out = rules(app)
with open(sys.argv[1], "w") as handle:
    json.dump(out, handle, indent=1)
