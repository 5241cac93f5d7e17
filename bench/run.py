#!/usr/bin/env python3
"""The benchmark: `make bench`.

Loads the 20-year data set into PostgreSQL (database zhujing_bench), starts gunicorn
with production settings on 127.0.0.1, drives it with locust (headless, loopback only,
bounded in time), and writes bench/results/latest.md and latest.json. Exits non-zero
when a target is missed. Nothing here runs in `make test` or CI.

Environment (all optional): BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_PORT (8105),
BENCH_SECONDS per scenario (15), BENCH_USERS concurrent clients (24), BENCH_WORKERS
(2*cores+1), BENCH_THREADS per worker (2), BENCH_SCALE of the data set (1.0).
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
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zhujing_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
PORT = int(os.environ.get("BENCH_PORT", "8105"))
HOST = f"http://127.0.0.1:{PORT}"
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
USERS = int(os.environ.get("BENCH_USERS", "24"))
CORES = os.cpu_count() or 1
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * CORES + 1)))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
SCALE = os.environ.get("BENCH_SCALE", "1.0")


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
    def __init__(self):
        self.proc = None

    def __enter__(self):
        WORK.mkdir(parents=True, exist_ok=True)
        log = open(WORK / "gunicorn.log", "w")
        cmd = [
            PY, "-m", "gunicorn", "zhujing.wsgi:application",
            "--bind", f"127.0.0.1:{PORT}",
            "--workers", str(WORKERS),
            "--worker-class", "gthread" if THREADS > 1 else "sync",
            "--threads", str(THREADS),
            "--keep-alive", "5",
            "--backlog", "2048",
            "--log-level", "warning",
        ]  # fmt: skip
        print("$", " ".join(cmd), flush=True)
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=app_env(), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {WORK / 'gunicorn.log'}")
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


def evaluate(results, surge, check):
    """Targets: ratios to the trivial view measured in this run, and the surge's safety."""
    misses = []
    for key, r in results.items():
        base = r.get("base_rps") or results["trivial"]["rps"] or 1.0
        r["ratio"] = round(r["rps"] / base, 2)
        spec = r["spec"]
        r["target"] = spec["target_ratio"]
        r["met"] = True
        if spec["stand_in"]:
            r["met"] = False
            misses.append(f"{key}: route missing, measured a stand-in")
        elif spec["target_ratio"] is not None and r["ratio"] < spec["target_ratio"]:
            r["met"] = False
            misses.append(f"{key}: {r['ratio']} of trivial < {spec['target_ratio']}")
        if r["errors_5xx"] or r["failures"]:
            r["met"] = False
            misses.append(f"{key}: {r['failures']} failures, {r['errors_5xx']} 5xx")
    surge["met"] = (
        not surge["spec"]["stand_in"]
        and surge["errors_5xx"] == 0
        and check["over_capacity"] == 0
        and check["count_mismatch"] == 0
    )
    if not surge["met"]:
        misses.append(
            f"surge: {surge['errors_5xx']} 5xx, {check['over_capacity']} over capacity, "
            f"{check['count_mismatch']} counter mismatches, stand-in={surge['spec']['stand_in']}"
        )
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
        target = f">= {r['target']}" if r["target"] is not None else "-"
        title = r["spec"]["title"] + (" **(stand-in: route missing)**" if r["spec"]["stand_in"] else "")
        lines.append(
            f"| {title} | {r['rps']:.0f} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | "
            f"{r['ratio']:.2f} | {target} | {'ok' if r['met'] else 'MISSED'} |"
        )
    s, c = report["surge"], report["surge_check"]
    title = s["spec"]["title"] + (" **(stand-in: route missing)**" if s["spec"]["stand_in"] else "")
    lines.append(
        f"| {title}: {s['requests']} POSTs | {s['rps']:.0f} | {s['p50_ms']:.0f} | "
        f"{s['p95_ms']:.0f} | - | no 5xx, never over capacity | {'ok' if s['met'] else 'MISSED'} |"
    )
    lines += [
        "",
        f"Surge: answers {json.dumps(s['statuses'])}; {c['adoptions']} adoptions recorded for "
        f"{c['capacity']} places on {c['projects']} projects ({c['full']} full), "
        f"{c['over_capacity']} over capacity, {c['count_mismatch']} counter mismatches.",
        "",
    ]
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


def benchmark():
    WORK.mkdir(parents=True, exist_ok=True)
    fixture = WORK / "fixture.json"
    recreate_database()
    flush_cache()
    sh(PY, "manage.py", "migrate", "--noinput", "-v0")
    sh(PY, "manage.py", "collectstatic", "--noinput", "-v0")
    sh(PY, "manage.py", "compilemessages", "--ignore=.venv", "-v0")
    sh(PY, "manage.py", "bench_data", "--scale", SCALE, "--fixture", fixture)
    spec = json.loads(fixture.read_text())

    pages = {}
    with Gunicorn():
        # Warm up the workers' connections and templates.
        run_locust("trivial", "PageUser", USERS, 3, fixture)
        # The machine is shared, so every page is measured between two runs of the
        # trivial view and compared with their mean: a slow spell hits both sides.
        trivial_runs = [run_locust("trivial", "PageUser", USERS, SECONDS, fixture)]
        for key in spec["scenarios"]:
            if key in ("surge", "trivial"):
                continue
            run_locust(key, "PageUser", USERS, 3, fixture)  # warm this page's caches
            pages[key] = run_locust(key, "PageUser", USERS, SECONDS, fixture)
            pages[key]["spec"] = spec["scenarios"][key]
            trivial_runs.append(run_locust("trivial", "PageUser", USERS, SECONDS, fixture))
            pages[key]["base_rps"] = (trivial_runs[-2]["rps"] + trivial_runs[-1]["rps"]) / 2
        trivial = {
            **trivial_runs[0],
            "requests": sum(r["requests"] for r in trivial_runs),
            "failures": sum(r["failures"] for r in trivial_runs),
            "errors_5xx": sum(r["errors_5xx"] for r in trivial_runs),
            "rps": sum(r["rps"] for r in trivial_runs) / len(trivial_runs),
            "p50_ms": sorted(r["p50_ms"] for r in trivial_runs)[len(trivial_runs) // 2],
            "p95_ms": sorted(r["p95_ms"] for r in trivial_runs)[len(trivial_runs) // 2],
            "runs_rps": [round(r["rps"]) for r in trivial_runs],
            "spec": spec["scenarios"]["trivial"],
        }
        pages = {"trivial": trivial, **pages}
        units = len(spec["liaisons"])
        surge = run_locust("surge", "SurgeUnit", units, 60, fixture)
        surge["spec"] = spec["scenarios"]["surge"]

    check = json.loads(
        sh(PY, "manage.py", "bench_data", "--check-surge", capture=True).stdout.strip().splitlines()[-1]
    )
    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "server": {"workers": WORKERS, "threads": THREADS, "port": PORT},
        "load": {"users": USERS, "seconds": SECONDS, "tool": "locust"},
        "data": spec["counts"],
        "pages": pages,
        "surge": surge,
        "surge_check": check,
    }
    report["misses"] = evaluate(pages, surge, check)
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
