"""A WSGI app that takes 20 ms per request, for the web server's own tests."""

import time


def app(environ, start_response):
    time.sleep(0.02)
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
