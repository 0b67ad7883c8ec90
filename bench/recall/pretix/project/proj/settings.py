"""A Django project that serves pretix's URLs: the ground truth's settings.

Everything comes from `pretix.settings`, the settings module pretix's own `manage.py` and
WSGI entry point use (its ROOT_URLCONF is `pretix.multidomain.maindomain_urlconf`), with no
configuration file: the defaults, so the bundled plugins (`pretix.plugins.*`: bank transfer,
PayPal, Stripe, ticket output...) are installed and no third-party plugin is, and DEBUG is
off. The data directory, which the settings create, is a temporary one; the database (SQLite
there) is never opened: listing routes needs none.
"""
import os
import tempfile

os.environ.setdefault("DATA_DIR", os.path.join(tempfile.gettempdir(), "bench-recall-pretix"))
os.makedirs(os.environ["DATA_DIR"], exist_ok=True)

from pretix.settings import *  # noqa: E402,F401,F403
