"""WSGI entry point for production servers."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qyzmet.settings")
application = get_wsgi_application()

from qyzmet.core.profile import production_ensure_ready  # noqa: E402  (needs the settings loaded above)

production_ensure_ready()
