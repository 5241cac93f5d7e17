"""Sessions: Django's ``cached_db`` store behind a middleware that keeps two promises.

- Junk in the session cookie (a NUL byte, any string Django never made) means no session:
  the key never reaches the cache or PostgreSQL, which refuses a NUL in a query (a 500).
- A session write that fails after the view has answered (the connection lost, the row
  deleted by a logout in another tab) is logged and the view's answer stands: a committed
  write, such as an adoption, is never reported as failed (Django would answer 400).

Whether a session still signs anyone in is decided in PostgreSQL, not in the cache: see
``accounts.models.User.sessions_valid_after``, the logout epoch.
"""

import logging
import re

from django.conf import settings
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import DatabaseError

logger = logging.getLogger(__name__)

#: What Django's stores make: 32 of ``VALID_KEY_CHARS`` (lowercase letters and digits).
SESSION_KEY = re.compile(r"[a-z0-9]{32}")


class SessionMiddleware(DjangoSessionMiddleware):
    def process_request(self, request):
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if key is not None and not SESSION_KEY.fullmatch(key):
            key = None  # Django's response then deletes the junk cookie
        request.session = self.SessionStore(key)

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except (SessionInterrupted, DatabaseError):
            logger.warning("session not saved; the answer stands", exc_info=True)
            return response
