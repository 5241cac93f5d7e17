"""The benchmark's verdict (bench/run.py), on made-up numbers: it must fail a missed target."""

import pytest

from bench import run


def _page(rps, target=None, base=1000.0, stand_in=False, statuses=None):
    statuses = statuses or {"200": 10}
    return {
        "rps": rps,
        "base_rps": base,
        "failures": 0,
        "errors_5xx": sum(n for c, n in statuses.items() if c.startswith("5")),
        "statuses": statuses,
        "p50_ms": 10,
        "p95_ms": 20,
        "spec": {"target_ratio": target, "stand_in": stand_in, "title": "x"},
    }


def _surge(statuses=None, stand_in=False):
    return _page(100, stand_in=stand_in, statuses=statuses or {"200": 429})


CHECK_OK = {"over_capacity": 0, "count_mismatch": 0}


def _pages(**overrides):
    pages = {
        "trivial": _page(1000.0),
        "board": _page(700, target=0.5),
        "bigscreen": _page(900, target=0.8),
    }
    pages.update(overrides)
    return pages


def test_it_passes_when_every_target_is_met():
    assert run.evaluate(_pages(), _surge(), CHECK_OK) == []


@pytest.mark.parametrize(
    "pages, surge, check, reason",
    [
        (_pages(board=_page(400, target=0.5)), _surge(), CHECK_OK, "board: 0.4"),
        (_pages(bigscreen=_page(790, target=0.8)), _surge(), CHECK_OK, "bigscreen: 0.79"),
        (_pages(board=_page(900, target=0.5, stand_in=True)), _surge(), CHECK_OK, "stand-in"),
        (_pages(), _surge({"200": 428, "500": 1}), CHECK_OK, "1 5xx"),
        (_pages(), _surge(), {"over_capacity": 1, "count_mismatch": 0}, "1 over capacity"),
        (_pages(), _surge(), {"over_capacity": 0, "count_mismatch": 2}, "2 counter"),
    ],
)
def test_it_fails_a_missed_target(pages, surge, check, reason):
    misses = run.evaluate(pages, surge, check)
    assert any(reason in m for m in misses), misses


def test_it_refuses_to_drop_a_database_that_is_not_for_benchmarks(monkeypatch):
    monkeypatch.setattr(run, "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zhujing")
    with pytest.raises(SystemExit, match="refusing"):
        run.recreate_database()
