"""The project's own WSGI app under gunicorn, for the web server's tests: ``probe`` answers
with what the worker already holds when its first request arrives."""

import json
import sys

from django.db import connections
from django.urls import get_resolver

from core.warmup import compiled_templates, project_templates
from zhujing.wsgi import application  # noqa: F401  (loads Django as the real server does)


def probe(environ, start_response):
    body = json.dumps(
        {
            "compiled": sorted(compiled_templates()),
            "templates": project_templates(),
            "reverse_languages": sorted(get_resolver()._reverse_dict),
            "redis_imported": "redis" in sys.modules,
            "imported": sorted(sys.modules),
            "database_connected": connections["default"].connection is not None,
        }
    ).encode()
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
