"""The web server's settings: production (the Dockerfile and docker-compose.yml) and the
benchmark load this file (``gunicorn -c python:zhujing.gunicorn_conf``).

Sync workers, one request at a time each, ``2 x cores + 1`` of them. A worker takes a new
connection from the kernel's queue only when it is free, so a burst is served first come,
first served: at the joint meeting 143 phones adopt within a second, and none waits behind
a worker that happened to accept more than its share. Threaded workers (gthread) accept
every connection they can and keep it for its next request, so one worker's queue grows
while another idles (the adoption surge's p95 about 40% higher in paired runs; see
docs/performance.md). A sync worker must not read a slow client itself: Caddy buffers
request bodies (deploy/Caddyfile) and reads responses at loopback speed.

WEB_CONCURRENCY and WEB_THREADS override the counts (with more than one thread gunicorn
runs gthread workers instead of sync ones).
The command line overrides any of it (the benchmark binds to loopback, `make run` runs its
own SQLite-sized server in demo/management/commands/rundev.py).
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
threads = int(os.environ.get("WEB_THREADS") or 1)
#: Every phone of a 143-unit meeting can wait in the queue at once.
backlog = 2048
#: A sync worker busy longer than this is restarted; the slowest request, the registry
#: import's preview, stays well under it (the import stops at 5,000 rows).
timeout = 30
#: Caddy writes the access log (deploy/Caddyfile), so a sync worker does not spend a third
#: of a trivial request on it. GUNICORN_ACCESSLOG=- turns it on.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
#: The master loads the app once and warms it (``when_ready``) before forking the workers,
#: which share its memory. A code change needs a restart, not a HUP: deploys restart.
preload_app = True


def when_ready(server):
    """In the master, before any worker exists: compile the templates, import the views and
    load the catalogues (core/warmup.py), so no worker's first requests do it while the
    meeting waits; then freeze it all for the cyclic collector, as each worker does below."""
    from django.apps import apps

    if apps.ready:  # a Django app was loaded (the server's own tests load plain WSGI ones)
        from core.warmup import warm_up

        server.log.info("Warmed up: %d templates compiled", warm_up())
    gc.freeze()


def post_worker_init(worker):
    """Freeze what the worker built at start-up (Django, the apps, their models): the
    cyclic garbage collector then never walks it again, and a full collection inside a
    request is about an eighth as long."""
    gc.freeze()
