"""``on_commit`` callbacks run where production runs them, in tests that roll back.

A test's writes never commit, so their callbacks (the data versions' bumps) would never run
and every cache would go on serving what it held. In production whatever the test's own code
wrote has committed before the next request, and a request's writes commit before its
answer: so the callbacks queued so far run as each test-client request begins and ends, and
before a block whose queries a test counts (Django's ``captureOnCommitCallbacks``).
"""

import threading

from django.test import TestCase


class _Pending:
    def __init__(self):
        self.capture = None
        self.thread = None

    def start(self):
        self.thread = threading.current_thread()  # the test's; a live server has its own
        self.capture = TestCase.captureOnCommitCallbacks(execute=True)
        self.capture.__enter__()

    def stop(self):
        self.capture, capture = None, self.capture
        if capture is not None:
            capture.__exit__(None, None, None)

    def run(self, **kwargs):
        if self.capture is None or threading.current_thread() is not self.thread:
            return  # off, or a live server's request, which commits for real
        self.stop()
        self.start()


pending = _Pending()


def run_pending():
    """Run the callbacks queued so far, as their commits would have."""
    pending.run()
