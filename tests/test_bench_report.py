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


CHECK_OK = {"over_capacity": 0, "count_mismatch": 0}


def _surge(statuses=None, stand_in=False, check=None, p95_ms=300, locked=0):
    surge = _page(100, stand_in=stand_in, statuses=statuses or {"200": 429})
    surge["spec"].update(surge=True, p95_ms_max=500)
    surge.update(check=check or CHECK_OK, p95_ms=p95_ms, locked=locked)
    return surge


def _pages(**overrides):
    pages = {
        "trivial": _page(1000.0),
        "board": _page(700, target=0.5),
        "bigscreen": _page(900, target=0.8),
        "surge": _surge(),
        "surge_sqlite": _surge(),
    }
    pages.update(overrides)
    return pages


def _three_runs(*ratios, target=0.8):
    page = _page(900, target=target)
    page["ratios"] = list(ratios)
    return page


def test_it_passes_when_every_target_is_met():
    assert run.evaluate(_pages()) == []


@pytest.mark.parametrize(
    "pages, reason",
    [
        (_pages(board=_page(400, target=0.5)), "board: 0.4"),
        (_pages(bigscreen=_page(790, target=0.8)), "bigscreen: 0.79"),
        (_pages(bigscreen=_three_runs(0.9, 0.79, 0.95)), "bigscreen: 0.79"),
        (_pages(board_staff=_page(290, target=0.3)), "board_staff: 0.29"),
        (_pages(board=_page(900, target=0.5, stand_in=True)), "stand-in"),
        (_pages(surge=_surge({"200": 428, "500": 1})), "surge: 1 5xx"),
        (_pages(surge=_surge(check={"over_capacity": 1, "count_mismatch": 0})), "1 over capacity"),
        (_pages(surge=_surge(check={"over_capacity": 0, "count_mismatch": 2})), "2 counter"),
        (_pages(surge=_surge(p95_ms=501)), "surge: p95 501 ms > 500 ms"),
        (_pages(surge_sqlite=_surge({"200": 400, "0": 29})), "surge_sqlite: 29 resets"),
        (_pages(surge_sqlite=_surge(locked=3)), "surge_sqlite: 3 'database is locked'"),
    ],
)
def test_it_fails_a_missed_target(pages, reason):
    misses = run.evaluate(pages)
    assert any(reason in m for m in misses), misses


def test_it_refuses_to_drop_a_database_that_is_not_for_benchmarks(monkeypatch):
    monkeypatch.setattr(run, "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zhujing")
    with pytest.raises(SystemExit, match="refusing"):
        run.recreate_database()
