"""What a web worker would otherwise do inside its first requests, done once at start-up.

gunicorn loads the app in its master process (``preload_app``, zhujing/gunicorn_conf.py)
and calls :func:`warm_up` there before it forks the workers, so every worker starts with
the templates compiled, the URLconf and the views imported and the translation catalogues
read. Without it, every worker compiles the same templates inside its first requests, which
at the joint meeting are 143 phones adopting at once.

Nothing here opens a database or cache connection: a connection made before the fork
would be shared by every worker.
"""

import importlib

from django.conf import settings
from django.contrib.auth import get_backends
from django.db import connections
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation
from django.utils.formats import get_format_modules
from django.utils.module_loading import import_string


def project_templates():
    """Every template of the project's own templates folders, by the name views use."""
    names = []
    for folder in settings.TEMPLATES[0]["DIRS"]:
        names += sorted(str(path.relative_to(folder)) for path in folder.rglob("*.html"))
    return names


def warm_up():
    """Compile the project's templates into the cached loader, import every view through
    the URLconf, load each language's catalogue and formats, and import the session, cache
    and authentication backends, the context processors and the message storage.
    Returns the number of templates compiled."""
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        translation.trans_real.translation(code)
        with translation.override(code):
            # Built on the first reverse() in each language; it imports every view.
            resolver.reverse_dict  # noqa: B018
    importlib.import_module(settings.SESSION_ENGINE)
    # What every signed-in request imports on first use. Classes only: no backend or
    # storage touches a connection here.
    get_backends()
    engines["django"].engine.template_context_processors  # noqa: B018
    import_string(settings.MESSAGE_STORAGE)
    import_string(settings.SESSION_SERIALIZER)
    for code, _name in settings.LANGUAGES:
        get_format_modules(code)
    importlib.import_module("encodings.idna")  # a host name's first encoding
    for cache in settings.CACHES.values():
        import_string(cache["BACKEND"])  # the module only: no client, no connection
    if any("redis" in cache["BACKEND"].lower() for cache in settings.CACHES.values()):
        importlib.import_module("redis")  # Django's backend imports it on first use
    compiled = 0
    for name in project_templates():
        try:
            get_template(name)
        except (TemplateDoesNotExist, TemplateSyntaxError):
            continue  # served as an error when asked for, as without the warm-up
        compiled += 1
    # Nothing above should have connected; if anything did, no worker inherits it.
    connections.close_all()
    return compiled


def compiled_templates():
    """The names the cached template loader holds now (for the tests)."""
    loader = engines["django"].engine.template_loaders[0]
    while not hasattr(loader, "get_template_cache"):
        loader = loader.loaders[0]  # template_partials wraps the cached loader
    return set(loader.get_template_cache)
