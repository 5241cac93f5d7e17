#!/usr/bin/env python3
"""The benchmark: `make bench`.

Loads the 20-year data set into PostgreSQL (database zhujing_bench), starts gunicorn
with production settings on 127.0.0.1, drives it with locust (headless, loopback only,
bounded in time), and writes bench/results/latest.md and latest.json. Exits non-zero
when a target is missed. Nothing here runs in `make test` or CI.

Then the same surge runs on the embedded default: a SQLite file, no Redis, served by
gunicorn as `make run` serves it (BENCH_RUN_WORKERS x BENCH_RUN_THREADS).

Environment (all optional): BENCH_DATABASE_URL (or just BENCH_DB_NAME, default
zhujing_bench; the name must end in "bench"), BENCH_REDIS_URL, BENCH_PORT (8105),
BENCH_SECONDS per scenario (15), BENCH_USERS concurrent clients (24), BENCH_WORKERS
and BENCH_THREADS (production's, from zhujing/gunicorn_conf.py: 2*cores+1 sync workers), BENCH_SCALE of the data set (1.0),
BENCH_RUN_WORKERS and BENCH_RUN_THREADS for the SQLite surge (as `make run`: 4 x 4), BENCH_SQLITE_SCALE
(1.0), BENCH_ONLY (comma-separated scenario keys, for a quick look; the surges always run).
"""

import datetime
import json
import os
import platform
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WORK = RESULTS / "run.tmp"
PY = sys.executable

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/" + os.environ.get("BENCH_DB_NAME", "zhujing_bench"),
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
PORT = int(os.environ.get("BENCH_PORT", "8105"))
HOST = f"http://127.0.0.1:{PORT}"
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
USERS = int(os.environ.get("BENCH_USERS", "24"))
CORES = os.cpu_count() or 1
#: The server production runs (zhujing/gunicorn_conf.py), unless told otherwise.
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * CORES + 1)))
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
SCALE = os.environ.get("BENCH_SCALE", "1.0")
#: `make run`'s server: gunicorn with these workers and threads in front of SQLite, read from
#: the same variables as `manage.py rundev` (WEB_CONCURRENCY, WEB_THREADS; 4 x 4 by default).
RUN_WORKERS = int(os.environ.get("BENCH_RUN_WORKERS", os.environ.get("WEB_CONCURRENCY", "4")))
RUN_THREADS = int(os.environ.get("BENCH_RUN_THREADS", os.environ.get("WEB_THREADS", "4")))
SQLITE_SCALE = os.environ.get("BENCH_SQLITE_SCALE", "1.0")
SQLITE_PATH = WORK / "zhujing-sqlite-bench"  # bench_data wipes only names ending in "bench"
ONLY = [k for k in os.environ.get("BENCH_ONLY", "").split(",") if k]
LOCKED = "database is locked"


def app_env():
    """Production settings, plain HTTP on loopback (no TLS in front of gunicorn here)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BENCH_")}
    env.update(
        DEBUG="0",
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY", "bench-" + "k3y" * 20),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        CACHE_PREFIX="zhujing-bench",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def sqlite_env():
    """The embedded default: no DATABASE_URL, no REDIS_URL (SQLite, local memory cache)."""
    env = app_env()
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env["SQLITE_PATH"] = str(SQLITE_PATH)
    return env


def sh(*args, env=None, capture=False):
    print("$", " ".join(str(a) for a in args), flush=True)
    return subprocess.run(
        [str(a) for a in args],
        cwd=ROOT,
        env=env or app_env(),
        check=True,
        text=True,
        capture_output=capture,
    )


def recreate_database():
    """A fresh benchmark database each run: any schema left by another branch goes too."""
    from urllib.parse import urlparse

    import psycopg

    url = urlparse(DATABASE_URL)
    name = url.path.lstrip("/")
    if not name.endswith("bench"):
        raise SystemExit(f"refusing to drop {name}: the benchmark database's name ends in 'bench'")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def analyze():
    """The planner's statistics, as autovacuum leaves them on a live database. Without
    them the run measures a freshly bulk-loaded table whose plans autovacuum may change
    halfway through (bench/scale.py does the same)."""
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def flush_cache():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def machine():
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kb = 0
    return {
        "nproc": CORES,
        "cpu": cpu,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
    }


class Gunicorn:
    def __init__(self, workers=WORKERS, threads=THREADS, env=None, log="gunicorn.log"):
        self.proc = None
        self.workers, self.threads = workers, threads
        self.env = env or app_env()
        self.log = WORK / log

    def __enter__(self):
        WORK.mkdir(parents=True, exist_ok=True)
        log = open(self.log, "w")
        cmd = [
            PY, "-m", "gunicorn", "-c", "python:zhujing.gunicorn_conf", "zhujing.wsgi:application",
            "--bind", f"127.0.0.1:{PORT}",
            "--workers", str(self.workers),
            "--threads", str(self.threads),
            "--keep-alive", "5",
            "--log-level", "warning",
        ]  # fmt: skip
        print("$", " ".join(cmd), flush=True)
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {self.log}")
            try:
                with urllib.request.urlopen(f"{HOST}/healthz/", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        raise SystemExit("gunicorn did not answer /healthz/ within 60 s")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def warm(page_spec, fixture_data):
    """Fetch every page of a scenario once, as the first visitor would: a meeting runs on
    warm caches, and a page measured cold would mostly measure its first rendering. Role
    pages are shared by all liaisons; a unit's own pages need one fetch per unit."""
    cookies = fixture_data["cookie_names"]
    logins = [None]
    if page_spec["user"] == "staff":
        logins = [fixture_data["staff"]]
    elif page_spec["user"] == "liaison":
        logins = fixture_data["liaisons"]
    pairs = [(path, logins[0]) for path in page_spec["paths"]]
    pairs += [(page_spec["paths"][0], login) for login in logins[1:]]
    for path, login in pairs:
        request = urllib.request.Request(HOST + path, headers={"Accept-Language": "zh-hans"})
        if login:
            request.add_header(
                "Cookie",
                f"{cookies['session']}={login['session']}; {cookies['csrf']}={login['csrf']}",
            )
        if page_spec["htmx"]:
            request.add_header("HX-Request", "true")
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()


def run_locust(scenario, user_class, users, seconds, fixture):
    status_out = WORK / f"{scenario}-status.json"
    env = {
        **os.environ,
        "BENCH_FIXTURE": str(fixture),
        "BENCH_SCENARIO": scenario,
        "BENCH_STATUS_OUT": str(status_out),
    }
    cmd = [
        PY, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
        "--headless", "--host", HOST,
        "-u", str(users), "-r", str(users), "-t", f"{seconds}s",
        "--stop-timeout", "10", "--only-summary",
        "--loglevel", "WARNING", "--exit-code-on-error", "0",
        user_class,
    ]  # fmt: skip
    print(f"-- {scenario}: {users} users, {seconds} s", flush=True)
    status_out.unlink(missing_ok=True)
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, timeout=seconds + 120,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    result = json.loads(status_out.read_text())
    result["errors_5xx"] = sum(n for code, n in result["statuses"].items() if code.startswith("5"))
    return result


def evaluate(pages):
    """Targets: ratios to the trivial view measured in this run; the surges' safety and p95."""
    misses = []
    for key, r in pages.items():
        spec = r["spec"]
        r["met"] = True
        if spec["stand_in"]:
            r["met"] = False
            misses.append(f"{key}: route missing, measured a stand-in")
        if spec.get("surge"):
            r["ratio"] = None
            r["target"] = spec.get("p95_ms_max")
            c = r["check"]
            resets = r["statuses"].get("0", 0)
            problems = [
                f"{n} {what}"
                for n, what in [
                    (r["errors_5xx"], "5xx"),
                    (resets, "resets"),
                    (r.get("locked", 0), "'database is locked'"),
                    (c["over_capacity"], "over capacity"),
                    (c["count_mismatch"], "counter mismatches"),
                ]
                if n
            ]
            if r["target"] is not None and r["p95_ms"] > r["target"]:
                problems.append(f"p95 {r['p95_ms']:.0f} ms > {r['target']} ms")
            if problems:
                r["met"] = False
                misses.append(f"{key}: " + ", ".join(problems))
            continue
        base = r.get("base_rps") or pages["trivial"]["rps"] or 1.0
        ratios = r.get("ratios") or [r["rps"] / base]
        r["ratio"] = round(min(ratios), 2)
        r["target"] = spec["target_ratio"]
        if spec["target_ratio"] is not None and r["ratio"] < spec["target_ratio"]:
            r["met"] = False
            misses.append(f"{key}: {r['ratio']} of trivial < {spec['target_ratio']}")
        if r["errors_5xx"] or r["failures"]:
            r["met"] = False
            misses.append(f"{key}: {r['failures']} failures, {r['errors_5xx']} 5xx")
    return misses


def markdown(report):
    m = report["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"- date: {report['date']}",
        f"- machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB memory, "
        f"Python {m['python']}",
        f"- server: gunicorn, {report['server']['workers']} workers x "
        f"{report['server']['threads']} threads, DEBUG=0, PostgreSQL + Redis cache, loopback",
        f"- load: locust headless, {report['load']['users']} concurrent clients, "
        f"{report['load']['seconds']} s per page; the load generator shares the machine",
        "- ratios: each page against the mean of the trivial view's runs just before and "
        "just after it (trivial runs: "
        + ", ".join(str(n) for n in report["pages"]["trivial"].get("runs_rps", []))
        + " req/s)",
        f"- data: " + ", ".join(f"{v:,} {k}" for k, v in report["data"].items()),
        "",
        "| scenario | req/s | p50 ms | p95 ms | ratio to (a) | target | result |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for key, r in report["pages"].items():
        title = r["spec"]["title"] + (" **(stand-in: route missing)**" if r["spec"]["stand_in"] else "")
        if r["spec"].get("surge"):
            target = f"p95 <= {r['target']} ms, " if r["target"] is not None else ""
            lines.append(
                f"| {title}: {r['requests']} POSTs | {r['rps']:.0f} | {r['p50_ms']:.0f} | "
                f"{r['p95_ms']:.0f} | - | {target}no 5xx, no reset, never over capacity | "
                f"{'ok' if r['met'] else 'MISSED'} |"
            )
            continue
        target = f">= {r['target']}" if r["target"] is not None else "-"
        ratio = f"{r['ratio']:.2f}"
        if r.get("ratios"):
            ratio += " (" + ", ".join(f"{x:.2f}" for x in r["ratios"]) + ")"
        lines.append(
            f"| {title} | {r['rps']:.0f} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | "
            f"{ratio} | {target} | {'ok' if r['met'] else 'MISSED'} |"
        )
    lines.append("")
    for key in ("surge", "surge_sqlite"):
        if key not in report["pages"]:
            continue
        s, c = report["pages"][key], report["pages"][key]["check"]
        lines.append(
            f"{s['spec']['title']} ({s['server']}): answers {json.dumps(s['statuses'])}; "
            f"{c['adoptions']} adoptions recorded for {c['capacity']} places on "
            f"{c['projects']} projects ({c['full']} full), {c['over_capacity']} over capacity, "
            f"{c['count_mismatch']} counter mismatches, {s.get('locked', 0)} "
            f"'database is locked' in the server log."
        )
        lines.append("")
    cached = {
        k: r["page_cache"] for k, r in report["pages"].items() if r.get("page_cache")
    }
    if cached:
        lines += [
            "Whole-page cache (anonymous visitors) during the runs: "
            + "; ".join(
                f"{k}: {c.get('hit', 0)} hits, {c.get('miss', 0)} misses" for k, c in cached.items()
            ),
            "",
        ]
    if report["misses"]:
        lines += ["Missed targets:", ""] + [f"- {miss}" for miss in report["misses"]] + [""]
    else:
        lines += ["All targets met.", ""]
    return "\n".join(lines)


def _combined(runs):
    """One figure for several runs of a page: summed requests, mean rate, median latencies."""
    mid = len(runs) // 2
    return {
        **runs[0],
        "requests": sum(r["requests"] for r in runs),
        "failures": sum(r["failures"] for r in runs),
        "errors_5xx": sum(r["errors_5xx"] for r in runs),
        "rps": sum(r["rps"] for r in runs) / len(runs),
        "base_rps": sum(r.get("base_rps", 0) for r in runs) / len(runs) or None,
        "p50_ms": sorted(r["p50_ms"] for r in runs)[mid],
        "p95_ms": sorted(r["p95_ms"] for r in runs)[mid],
    }


def surge_check(env):
    out = sh(PY, "manage.py", "bench_data", "--check-surge", env=env, capture=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def sqlite_surge():
    """The same surge on the embedded default: SQLite behind the server `make run` uses."""
    env = sqlite_env()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    fixture = WORK / "fixture-sqlite.json"
    sh(PY, "manage.py", "migrate", "--noinput", "-v0", env=env)
    sh(PY, "manage.py", "bench_data", "--scale", SQLITE_SCALE, "--fixture", fixture, env=env)
    units = len(json.loads(fixture.read_text())["liaisons"])
    server = Gunicorn(RUN_WORKERS, RUN_THREADS, env=env, log="gunicorn-sqlite.log")
    with server:
        result = run_locust("surge_sqlite", "SurgeUnit", units, 60, fixture)
    result["spec"] = json.loads(fixture.read_text())["scenarios"]["surge_sqlite"]
    result["server"] = f"SQLite, gunicorn {RUN_WORKERS} x {RUN_THREADS}"
    result["locked"] = server.log.read_text(errors="replace").count(LOCKED)
    result["check"] = surge_check(env)
    return result


def benchmark():
    WORK.mkdir(parents=True, exist_ok=True)
    fixture = WORK / "fixture.json"
    recreate_database()
    flush_cache()
    sh(PY, "manage.py", "migrate", "--noinput", "-v0")
    sh(PY, "manage.py", "collectstatic", "--noinput", "-v0")
    sh(PY, "manage.py", "compilemessages", "--ignore=.venv", "-v0")
    sh(PY, "manage.py", "bench_data", "--scale", SCALE, "--fixture", fixture)
    analyze()
    spec = json.loads(fixture.read_text())

    pages = {}
    with Gunicorn():
        # Warm up the workers' connections and templates.
        run_locust("trivial", "PageUser", USERS, 3, fixture)
        # The machine is shared, so every page is measured between two runs of the
        # trivial view and compared with their mean: a slow spell hits both sides.
        trivial_runs = [run_locust("trivial", "PageUser", USERS, SECONDS, fixture)]
        for key, page_spec in spec["scenarios"].items():
            if page_spec.get("surge") or key == "trivial" or (ONLY and key not in ONLY):
                continue
            warm(page_spec, spec)
            run_locust(key, "PageUser", USERS, 3, fixture)  # and the workers
            runs = []
            for _ in range(page_spec.get("repeat", 1)):
                run = run_locust(key, "PageUser", USERS, SECONDS, fixture)
                trivial_runs.append(run_locust("trivial", "PageUser", USERS, SECONDS, fixture))
                run["base_rps"] = (trivial_runs[-2]["rps"] + trivial_runs[-1]["rps"]) / 2
                runs.append(run)
            pages[key] = _combined(runs)
            if len(runs) > 1:
                pages[key]["ratios"] = [round(r["rps"] / r["base_rps"], 2) for r in runs]
            pages[key]["spec"] = page_spec
        trivial = {
            **_combined(trivial_runs),
            "runs_rps": [round(r["rps"]) for r in trivial_runs],
            "spec": spec["scenarios"]["trivial"],
        }
        pages = {"trivial": trivial, **pages}
        units = len(spec["liaisons"])
        surge = run_locust("surge", "SurgeUnit", units, 60, fixture)
        surge["spec"] = spec["scenarios"]["surge"]
        surge["server"] = f"PostgreSQL, gunicorn {WORKERS} x {THREADS}"
    surge["check"] = surge_check(app_env())
    pages["surge"] = surge
    pages["surge_sqlite"] = sqlite_surge()

    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "server": {"workers": WORKERS, "threads": THREADS, "port": PORT},
        "load": {"users": USERS, "seconds": SECONDS, "tool": "locust"},
        "data": spec["counts"],
        "pages": pages,
    }
    report["misses"] = evaluate(pages)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    text = markdown(report)
    (RESULTS / "latest.md").write_text(text)
    print()
    print(text)
    return 1 if report["misses"] else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(benchmark())
