"""Sessions kept in the database and read from the shared Redis cache.

Every signed-in page reads the session; from PostgreSQL that was a query costing about a
fifth of a cached signed-in page. Django's ``cached_db`` store reads it from the cache and
writes through to the database, but a cache can go stale behind its back: a logout while
Redis is unreachable deletes the database row and leaves the cached copy, which would sign
the old cookie in again once Redis is back (or restored from its append-only file).

So the cache keys carry an epoch kept in the database (``core.freshness``): whenever the
cache refuses a write or a delete, the epoch moves on, and every copy written before is
never read again (each process rereads the epoch at most once a second). The database stays
the only truth; the cache can only miss.

Used only with a shared Redis cache (settings): a per-process memory cache would keep a copy
in the process that did not see the logout.
"""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

from accounts import usercache
from core.freshness.models import MemoisedVersion

KEY_PREFIX = "zhujing.session"
_epoch = MemoisedVersion("sessions")


#: What a logout leaves in the cache for a while: a request that read the session from the
#: database just before the logout can then not put its copy back (it only ``add``s).
DELETED = "deleted"
DELETED_SECONDS = 300


class SessionStore(CachedDBStore):
    cache_key_prefix = KEY_PREFIX

    def _key(self, session_key):
        return f"{self.cache_key_prefix}:{_epoch.current()}:{session_key}"

    @property
    def cache_key(self):
        return self._key(self._get_or_create_session_key())

    def _cache_failed(self):
        # Copies written before may now be older than the database: never read them again.
        _epoch.bump_now()

    def load(self):
        key = self.cache_key
        if usercache.on():
            # The signed-in user's cached copies come in the same round trip.
            user_keys = usercache.session_keys(self.session_key)
            found = self._cache.get_many([key, *user_keys])
            data = found.pop(key, None)
            usercache.prefetched(user_keys, found)
        else:
            data = self._cache.get(key)
        if data == DELETED:
            self._session_key = None
            return {}
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if stored is None:
            return {}
        data = self.decode(stored.session_data)
        self._cache.add(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        return data

    def exists(self, session_key):
        return super(CachedDBStore, self).exists(session_key)

    def save(self, must_create=False):
        # The database first (SessionStore of backends.db), then the cache.
        super(CachedDBStore, self).save(must_create)
        if self._cache.set(self.cache_key, self._session, self.get_expiry_age()) is False:
            self._cache_failed()

    def delete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        super(CachedDBStore, self).delete(session_key)
        if self._cache.set(self._key(session_key), DELETED, DELETED_SECONDS) is False:
            self._cache_failed()
