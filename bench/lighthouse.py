"""Lighthouse on four pages of the default install: mobile scores and the LCP on 3G.

    npm ci --prefix bench          # once: Lighthouse, pinned in package-lock.json
    .venv/bin/python bench/lighthouse.py      # starts the default install on a scratch SQLite
    .venv/bin/python bench/lighthouse.py --url http://127.0.0.1:8000   # or any running one

For each page, Lighthouse with its mobile defaults (the four category scores) and on a
3G-like link (300 ms round trip, 700 Kb/s, CPU slowed 4x) for the largest contentful paint,
each the median of --runs runs. `/my/pairings/` is opened signed in as the demo liaison
`caizheng`. Exits non-zero when a score is below 100.
Not part of `make test`: it takes a few minutes and needs Debian's chromium.
"""

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
PY = str(ROOT / ".venv" / "bin" / "python")
PAGES = [("home", "/", False), ("board", "/projects/", False),
         ("structure", "/structure/", False), ("my pairings", "/my/pairings/", True)]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
THREE_G = ["--throttling-method=simulate", "--throttling.rttMs=300",
           "--throttling.throughputKbps=700", "--throttling.cpuSlowdownMultiplier=4"]
DEMO_LOGIN = ("caizheng", "zhujing-demo-2026")


def start_default_install(port):
    """The default install as `make run` serves it (gunicorn, DEBUG on, SQLite, collected
    static files), on a scratch database with the demo data."""
    scratch = Path(tempfile.mkdtemp(prefix="zhujing-lighthouse-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(SQLITE_PATH=str(scratch / "db.sqlite3"), STATIC_HASHED="1")
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"],
                    ["compilemessages", "--ignore=.venv", "--ignore=node_modules", "-v0"],
                    ["load_demo"]):
        subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    # gunicorn, as `make run` serves (its Celery worker is not needed to read pages).
    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "zhujing.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(60):
        try:
            urllib.request.urlopen(base + "/healthz/", timeout=2)
            return server, base, scratch
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit("the server did not start")


def session_cookie(base, username, password):
    """Log in through the login form; return the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(base + "/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password}
    ).encode()
    opener.open(urllib.request.Request(
        base + "/accounts/login/", data=data, headers={"Referer": base + "/accounts/login/"}
    ))
    cookies = {c.name: c.value for c in jar}
    if not any("sessionid" in name for name in cookies):
        sys.exit(f"could not log in as {username}")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def lighthouse(url, extra_args=(), cookie=None):
    command = [
        str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
        "--chrome-flags=--headless --no-sandbox", "--locale=zh-CN",
        "--only-categories=" + ",".join(CATEGORIES), *extra_args,
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    for _ in range(3):  # chromium now and then fails to record a trace (NO_NAVSTART)
        run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
        if run.returncode == 0:
            return json.loads(run.stdout)
    sys.exit(f"lighthouse failed on {url}:\n{run.stderr[-2000:]}")


def median_run(url, runs, extra_args=(), cookie=None):
    """Of ``runs`` runs, the one with the median performance score (Lighthouse's advice
    for a noisy machine)."""
    reports = sorted(
        (lighthouse(url, extra_args, cookie) for _ in range(runs)),
        key=lambda r: r["categories"]["performance"]["score"],
    )
    return reports[len(reports) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a running server (default: start the default install)")
    parser.add_argument("--port", type=int, default=8742)
    parser.add_argument("--runs", type=int, default=3, help="runs per page and link (median)")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is missing: npm ci --prefix bench")
    if not shutil.which(os.environ.get("CHROME_PATH", "/usr/bin/chromium")):
        sys.exit("chromium is missing: apt-get install chromium")
    server = scratch = None
    base = args.url.rstrip("/") if args.url else None
    if base is None:
        server, base, scratch = start_default_install(args.port)
    try:
        cookie = session_cookie(base, *DEMO_LOGIN)
        version = None
        print("| page | performance | accessibility | best practices | SEO | LCP, mobile | LCP, 3G |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        failed = False
        for name, path, signed_in in PAGES:
            use_cookie = cookie if signed_in else None
            mobile = median_run(base + path, args.runs, cookie=use_cookie)
            slow = median_run(base + path, args.runs, THREE_G, cookie=use_cookie)
            version = mobile["lighthouseVersion"]
            if mobile["finalDisplayedUrl"].split("?")[0] != base + path:
                sys.exit(f"{path} ended at {mobile['finalDisplayedUrl']}")
            scores = [round(mobile["categories"][c]["score"] * 100) for c in CATEGORIES]
            failed |= any(score < 100 for score in scores)
            lcp = mobile["audits"]["largest-contentful-paint"]["numericValue"] / 1000
            lcp_3g = slow["audits"]["largest-contentful-paint"]["numericValue"] / 1000
            print(f"| {name} `{path}` | " + " | ".join(map(str, scores))
                  + f" | {lcp:.1f} s | {lcp_3g:.1f} s |", flush=True)
            for category in CATEGORIES:
                for ref in mobile["categories"][category]["auditRefs"]:
                    audit = mobile["audits"][ref["id"]]
                    if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                        print(f"    {category}: {audit['title']} ({audit['score']})")
        print(f"\nLighthouse {version}, mobile, median of {args.runs} runs; "
              "3G: 300 ms RTT, 700 Kb/s, CPU 4x (simulated).")
        return 1 if failed else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
