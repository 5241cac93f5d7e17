"""Load generator for bench/run.py (loopback only). One user class per scenario.

Reads the fixture written by ``manage.py bench_data --fixture`` (BENCH_FIXTURE): URL
paths, and ready-made sessions for the staff member and each unit's liaison. Cookies
are sent by hand: production cookies are Secure, and the benchmark talks plain HTTP
on 127.0.0.1.
"""

import itertools
import json
import os
import random
from collections import Counter

import gevent.event
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

FIXTURE = json.loads(open(os.environ["BENCH_FIXTURE"], encoding="utf-8").read())
SCENARIO = os.environ.get("BENCH_SCENARIO", "trivial")
STATUS_OUT = os.environ.get("BENCH_STATUS_OUT")
COOKIES = FIXTURE["cookie_names"]
STATUSES = Counter()


PAGE_CACHE = Counter()


@events.request.add_listener
def _count_status(response=None, exception=None, **_kwargs):
    status = getattr(response, "status_code", None) or 0
    STATUSES[str(status)] += 1
    headers = getattr(response, "headers", None) or {}
    if headers.get("X-Page-Cache"):
        PAGE_CACHE[headers["X-Page-Cache"]] += 1


@events.quitting.add_listener
def _write_summary(environment, **_kwargs):
    """Totals for bench/run.py, taken when the run ends (the CSV files may lag behind)."""
    if not STATUS_OUT:
        return
    total = environment.stats.total
    elapsed = max(1e-6, (total.last_request_timestamp or 0) - total.start_time)
    summary = {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "rps": total.num_requests / elapsed if total.num_requests else 0.0,
        "p50_ms": total.get_response_time_percentile(0.5) or 0,
        "p95_ms": total.get_response_time_percentile(0.95) or 0,
        "max_ms": total.max_response_time or 0,
        "statuses": dict(STATUSES),
        "page_cache": dict(PAGE_CACHE),
    }
    with open(STATUS_OUT, "w", encoding="utf-8") as fh:
        json.dump(summary, fh)


def _headers(login=None, htmx=False):
    headers = {"Accept-Language": "zh-hans"}
    if login:
        headers["Cookie"] = (
            f"{COOKIES['session']}={login['session']}; {COOKIES['csrf']}={login['csrf']}"
        )
        headers["X-CSRFToken"] = login["csrf"]
    if htmx:
        headers["HX-Request"] = "true"
    return headers


def _ok(response, worst_ok=399):
    # Redirects are not followed: a 302 after a POST is the normal answer.
    if response.status_code == 0 or response.status_code > worst_ok:
        response.failure(f"HTTP {response.status_code}")
    else:
        response.success()


class PageUser(FastHttpUser):
    """GETs one scenario's pages as fast as it can."""

    wait_time = constant(0)

    def on_start(self):
        spec = FIXTURE["scenarios"][SCENARIO]
        self.paths = spec["paths"]
        login = FIXTURE["staff"] if spec["user"] == "staff" else None
        if spec["user"] == "liaison":
            login = random.choice(FIXTURE["liaisons"])
        self.headers = _headers(login, spec["htmx"])
        self.name = SCENARIO

    @task
    def get_page(self):
        path = random.choice(self.paths)
        with self.client.get(
            path, headers=self.headers, name=self.name, catch_response=True, allow_redirects=False
        ) as response:
            _ok(response)


_liaisons = itertools.count()
_all_spawned = gevent.event.Event()
_done = itertools.count(1)


@events.spawning_complete.add_listener
def _release_the_surge(user_count, **_kwargs):
    _all_spawned.set()


class SurgeUnit(FastHttpUser):
    """One member unit's liaison at the joint meeting: waits for everyone, then tries
    to adopt a few of the open projects, all at once with every other unit."""

    wait_time = constant(0)

    def on_start(self):
        spec = FIXTURE["scenarios"]["surge"]
        index = next(_liaisons)
        self.login = FIXTURE["liaisons"][index % len(FIXTURE["liaisons"])]
        self.paths = random.sample(spec["paths"], k=min(FIXTURE["surge_tries"], len(spec["paths"])))
        self.form = spec["form"]
        self.headers = _headers(self.login, spec["htmx"])

    @task
    def adopt(self):
        _all_spawned.wait(timeout=60)
        for path in self.paths:
            with self.client.post(
                path,
                data=self.form,
                headers=self.headers,
                name="surge",
                catch_response=True,
                allow_redirects=False,
            ) as response:
                # "Already full" is a normal answer in a surge (4xx); 5xx is not.
                _ok(response, worst_ok=499)
        if next(_done) >= self.environment.runner.target_user_count:
            self.environment.runner.quit()
        raise StopUser()
