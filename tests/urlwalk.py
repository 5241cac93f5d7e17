"""Every route of the URLconf, for tests that must cover each view (CSRF, permissions).

A new view is picked up automatically, so it cannot be forgotten by those tests.
"""

import uuid
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver, reverse

#: Django's admin is tested by Django; of it only the index is ours to guard.
ADMIN_ROUTES_KEPT = {"admin:index"}

DUMMY_BY_CONVERTER = {
    "IntConverter": 1,
    "StringConverter": "x",
    "SlugConverter": "x",
    "PathConverter": "x",
    "UUIDConverter": uuid.UUID(int=1),
}


@dataclass
class Route:
    name: str
    route: str
    converters: dict = field(default_factory=dict)

    @property
    def kwarg_names(self):
        return sorted(self.converters)

    def dummy_kwargs(self):
        return {
            name: DUMMY_BY_CONVERTER.get(type(conv).__name__, "x")
            for name, conv in self.converters.items()
        }

    def url(self, kwargs=None):
        return reverse(self.name, kwargs=self.dummy_kwargs() if kwargs is None else kwargs)


def _walk(patterns, namespace, prefix, converters):
    for entry in patterns:
        convs = {**converters, **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            child_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, child_ns, prefix + str(entry.pattern), convs)
        elif isinstance(entry, URLPattern):
            if not entry.name:
                continue
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Route(name=name, route=prefix + str(entry.pattern), converters=convs)


def app_routes():
    """Named routes, minus Django's admin internals and the media file server."""
    seen = {}
    for route in _walk(get_resolver().url_patterns, "", "", {}):
        if route.name.startswith("admin:") and route.name not in ADMIN_ROUTES_KEPT:
            continue
        if route.name in {"media", "static"}:
            continue
        seen.setdefault(route.name, route)
    return sorted(seen.values(), key=lambda r: r.name)


def form_field_names():
    """The names of every field of every form the apps define (and the few plain POST
    parameters views read): what a hostile POST to any route fills in."""
    import inspect

    from django import forms

    import accounts.forms
    import projects.forms
    import records.forms
    import units.forms

    names = {"next", "version", "items", "anchor", "reason", "text", "commitment"}
    for module in (accounts.forms, projects.forms, records.forms, units.forms):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                names.update(cls.base_fields)
    return sorted(names)
