"""A WSGI app that takes 20 ms per request, for the web server's own tests."""

import time


def app(environ, start_response):
    time.sleep(0.02)
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


def frozen(environ, start_response):
    """How many objects the collector has set aside for good (``gc.freeze``)."""
    import gc

    body = str(gc.get_freeze_count()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
