"""The web server's settings: production (the Dockerfile and docker-compose.yml) and the
benchmark load this file (``gunicorn -c python:zhujing.gunicorn_conf``).

Sync workers, one request at a time each, ``2 x cores + 1`` of them. A worker takes a new
connection from the kernel's queue only when it is free, so a burst is served first come,
first served: at the joint meeting 143 phones adopt within a second, and none waits behind
a worker that happened to accept more than its share. Threaded workers (gthread) accept
every connection they can and keep it for its next request, so one worker's queue grows
while another idles; with 5 workers x 2 threads the surge's p95 was 1,100-1,400 ms on
a 2-core machine, against 780-960 ms with 5 sync workers, which also spent a fifth less
CPU (no GIL hand-offs). A sync worker must not read a slow client itself: Caddy buffers
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
#: A sync worker busy longer than this is restarted. The slowest request measured, the
#: registry import's preview, reads 392 rows in 0.2 s (the import stops at 5,000 rows).
timeout = 30
#: Caddy writes the access log (deploy/Caddyfile): a line from gunicorn costs a sync
#: worker 0.4 ms of a 1.2 ms trivial request. GUNICORN_ACCESSLOG=- turns it on.
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
    cyclic garbage collector then never walks it again. A full collection of an unfrozen
    worker walked every object of the framework, about 85 ms inside whichever request
    triggered it; frozen, about 10 ms (a replay of the surge in one process: 170-260 ms
    of collection per 572 requests, 26-37 ms frozen). Within a 2-second surge it is lost
    in the noise; over a day of office pages it is one long pause less every few hundred
    requests per worker."""
    gc.freeze()
