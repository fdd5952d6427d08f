"""Scan the running app with wapiti (Debian's package), signed in as the demo official.

Usage: `make scan` (or `python .ci/scan.py`). What it does:

1. a throwaway database (a fresh PostgreSQL database beside DATABASE_URL's, dropped at the
   end; an SQLite file when DATABASE_URL is unset): migrate, Quang Ninh, 7 days of demo
   history, roll-ups;
2. production settings (`DJANGO_ENV=production`: DEBUG off, secure cookies, HSTS, 2FA
   required, collected static files); gunicorn serves TLS itself with a throwaway
   self-signed certificate on a free 127.0.0.1 port, so nothing HTTPS-only is switched off;
3. logs in as `official` with the password and a TOTP code (a device is enrolled for it),
   and hands the session cookie to wapiti;
4. runs wapiti on the whole site (scope folder, logout excluded, time capped) and writes its
   JSON report to test-artifacts/scan/wapiti.json;
5. prints every finding and exits 1 if one is of medium severity or above (wapiti's levels:
   1 low, 2 medium, 3 high, 4 critical), anomalies such as server errors included.
"""

import http.cookiejar
import json
import os
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "test-artifacts" / "scan" / "wapiti.json"
WAPITI = "/usr/bin/wapiti"
# What wapiti 3.0.4 offers, but the modules that call an endpoint on the internet (ssrf, xxe),
# brute-force paths or passwords (buster, nikto, brute_login_form, backup), look up
# technologies (wapp) or attack CGI scripts (shellshock).
MODULES = ("sql,blindsql,xss,permanentxss,exec,file,redirect,crlf,csrf,htaccess,methods,"
           "http_headers,cookieflags,csp")
# wapiti caps the crawl with --max-scan-time and each module with --max-attack-time: about
# 60 + 14 x 12 s of scanning, so that `make scan` stays near five minutes.
CRAWL_SECONDS = int(os.environ.get("SCAN_CRAWL_SECONDS", "60"))
ATTACK_SECONDS = int(os.environ.get("SCAN_ATTACK_SECONDS", "12"))
MEDIUM = 2
PASSWORD = "dtmonitor-demo"


def log(message: str) -> None:
    print(f"scan: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayDatabase:
    """A fresh database on DATABASE_URL's PostgreSQL server, or an SQLite file."""

    def __init__(self, workdir: Path):
        self.server = os.environ.get("DATABASE_URL", "")
        self.name = f"dtm_scan_{os.getpid()}"
        if self.server.startswith(("postgres://", "postgresql://")):
            self.url = urllib.parse.urlsplit(self.server)._replace(path=f"/{self.name}").geturl()
        else:
            self.server = ""
            self.url = f"sqlite:///{workdir / 'scan.sqlite3'}"

    def _admin(self, sql: str) -> None:
        import psycopg2

        parts = urllib.parse.urlsplit(self.server)
        connection = psycopg2.connect(
            host=parts.hostname, port=parts.port or 5432, user=parts.username,
            password=parts.password, dbname="postgres",
        )
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql)
        connection.close()

    def __enter__(self):
        if self.server:
            self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc):
        if self.server:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def environment(workdir: Path, database_url: str) -> dict[str, str]:
    dropped = {"REDIS_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.update({
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(workdir / "static"),
        # gunicorn terminates TLS itself: no proxy header to trust.
        "BEHIND_TLS_PROXY": "0",
        "DTM_REQUIRE_2FA": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # The scanner sends thousands of requests from one address and account: the rate
        # limits (tests/test_ratelimit.py) would answer most of them with a 429 and hide the
        # views behind; raise them so the payloads reach the code.
        "DTM_LOGIN_RATE_PER_MINUTE": "100000", "DTM_2FA_RATE_PER_MINUTE": "100000",
        "DTM_RESET_RATE_PER_HOUR": "100000", "DTM_RESET_RATE_PER_EMAIL_HOUR": "100000",
        "DTM_IMPORT_RATE_PER_10_MINUTES": "100000", "DTM_EXPORT_RATE_PER_10_MINUTES": "100000",
        "API_RATE_READ": "100000/minute", "API_RATE_WRITE": "100000/minute",
        "API_RATE_ANONYMOUS": "100000/minute",
        "AXES_FAILURE_LIMIT": "100000",
        "LOG_LEVEL": "WARNING",
    })
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"scan: manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


# One process for every step (each `manage.py` start costs seconds on a busy machine).
PREPARE = """
import time
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from communes.models import User
for step in (["migrate", "--noinput", "--verbosity", "0"], ["load_quangninh"],
             ["seed_demo", "--days", "7", "--seed", "1"], ["rollup", "--days", "10"]):
    started = time.monotonic()
    call_command(*step)
    print("STEP", step[0], round(time.monotonic() - started))
device = TOTPDevice.objects.create(user=User.objects.get(username="official"), name="scan",
                                   confirmed=True)
print("KEY", device.key)
from reports.models import DailyReport
print("REPORT", DailyReport.objects.filter(status="submitted").latest("date", "pk").pk)
"""


def prepare(env: dict) -> tuple[str, str]:
    """Migrate, load Quang Ninh, seed 7 days, roll up and give the demo official an
    authenticator, while the static files are collected (hashed and compressed, as `make serve`
    does) beside; return the official's TOTP key and a submitted report's id."""
    started = time.monotonic()
    collecting = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output = manage(env, "shell", "-c", PREPARE)
    steps = ", ".join(" ".join(line.split()[1:]) + " s" for line in output.splitlines()
                      if line.startswith("STEP "))
    log(f"database ready in {time.monotonic() - started:.0f} s ({steps})")
    collected = collecting.communicate()[0]
    if collecting.returncode != 0:
        sys.exit(f"scan: collectstatic failed:\n{collected}")
    log(f"static files collected in {time.monotonic() - started:.0f} s")
    found = dict(line.split()[:2] for line in output.splitlines()
                 if line.startswith(("KEY ", "REPORT ")))
    return found["KEY"], found["REPORT"]


def certificate(workdir: Path) -> tuple[Path, Path]:
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


def serve(env: dict, port: int, cert: Path, key: Path, workdir: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "dtmonitor.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4", "--timeout", "60",
         "--certfile", str(cert), "--keyfile", str(key), "--error-logfile", "-"],
        cwd=ROOT, env=env, stdout=open(workdir / "gunicorn.log", "w"), stderr=subprocess.STDOUT,
    )
    context = ssl._create_unverified_context()
    for _ in range(120):
        if server.poll() is not None:
            sys.exit("scan: gunicorn stopped:\n" + (workdir / "gunicorn.log").read_text())
        try:
            urllib.request.urlopen(f"https://127.0.0.1:{port}/accounts/login/", context=context,
                                   timeout=5)
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit("scan: gunicorn did not answer within a minute")


def log_in(base: str, totp_key: str) -> http.cookiejar.CookieJar:
    """Password, then the TOTP code, as the browser does; the jar holds the verified session."""
    from django_otp.oath import totp

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=ssl._create_unverified_context()),
        urllib.request.HTTPCookieProcessor(jar),
    )

    def post(path: str, fields: dict) -> str:
        opener.open(base + path).read()
        token = next(c.value for c in jar if c.name == "csrftoken")
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(base + path, data=data,
                                         headers={"Referer": base + path})
        with opener.open(request) as response:
            return response.geturl()

    landed = post("/accounts/login/", {"username": "official", "password": PASSWORD})
    if "/accounts/2fa/verify/" not in landed:
        sys.exit(f"scan: the official's login did not ask for a code (landed on {landed})")
    code = f"{totp(bytes.fromhex(totp_key)):06d}"
    landed = post("/accounts/2fa/verify/", {"code": code})
    if "/accounts/" in urllib.parse.urlsplit(landed).path:
        sys.exit(f"scan: the official's code was refused (landed on {landed})")
    return jar


def cookie_file(jar: http.cookiejar.CookieJar, path: Path) -> None:
    """wapiti's JSON cookie file: {domain: {path: {name: attributes}}}."""
    cookies = {
        cookie.name: {"value": cookie.value, "expires": None, "secure": cookie.secure,
                      "port": None, "version": 0}
        for cookie in jar
    }
    path.write_text(json.dumps({"127.0.0.1": {"/": cookies}}))


# wapiti's own entry point, with two corrections to Debian's wapiti 3.0.4:
# - it turns each `-x` pattern into a regex ending in "\Z(?ms)", which Python 3.11 refuses
#   (global flags not at the start), so every `-x` crashes it: the same function, flags first;
# - its csrf module knows a fixed list of token field names without Django's
#   `csrfmiddlewaretoken`, so it reports every Django form as "Lack of anti CSRF token" without
#   trying it. Named, the module does its real check: it posts each form with the token
#   replaced and expects a different answer (Django's 403).
WAPITI_PATCHED = """
import re, sys
from wapitiCore.net import crawler
from wapitiCore.attack import mod_csrf
def wildcard_translate(pattern):
    return re.compile("(?ms)" + ".*".join(re.escape(part) for part in pattern.split("*")) + r"\\Z")
crawler.wildcard_translate = wildcard_translate
mod_csrf.mod_csrf.TOKEN_FORM_STRINGS.append("csrfmiddlewaretoken")
sys.argv[0] = "wapiti"
from wapitiCore.main.wapiti import wapiti_main
sys.exit(wapiti_main())
"""


def scan(base: str, cookies: Path, workdir: Path, report: str) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.unlink(missing_ok=True)
    command = [
        "/usr/bin/python3", "-c", WAPITI_PATCHED,
        "-u", f"{base}/", "--scope", "folder", "--flush-session",
        "--store-session", str(workdir / "wapiti-session"),
        "--store-config", str(workdir / "wapiti-config"),
        "-c", str(cookies), "-m", MODULES,
        # The pages with forms first (a report's return form, the 2FA page, the filters), so
        # that a short crawl reaches them.
        "-s", f"{base}/reports/{report}/", "-s", f"{base}/accounts/2fa/",
        "-s", f"{base}/reports/", "-s", f"{base}/compliance/",
        # Logging out would end the scan's session (the form is in every page's header).
        "-x", f"{base}/accounts/logout/*", "-x", f"{base}/admin/logout/*",
        "--max-scan-time", str(CRAWL_SECONDS), "--max-attack-time", str(ATTACK_SECONDS),
        # Every kind of page, not all 54 units' copies of each.
        "-d", "4", "--max-links-per-page", "30", "--max-files-per-dir", "12",
        "-t", "20", "-f", "json", "-o", str(REPORT), "--no-bugreport", "-v", "1",
    ]
    log(" ".join(command))
    subprocess.run(command, check=True, cwd=workdir)


def findings(report: dict) -> list[tuple[int, str, str, dict]]:
    found = []
    for kind in ("vulnerabilities", "anomalies"):
        for category, items in report.get(kind, {}).items():
            for item in items:
                found.append((int(item["level"]), kind, category, item))
    return sorted(found, key=lambda f: -f[0])


def main() -> int:
    if not os.path.exists(WAPITI):
        sys.exit("scan: wapiti is missing: sudo apt-get install wapiti")
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="dtm-scan-"))
    server = None
    try:
        with ThrowawayDatabase(workdir) as database:
            env = environment(workdir, database.url)
            totp_key, report = prepare(env)
            port = free_port()
            base = f"https://127.0.0.1:{port}"
            server = serve(env, port, *certificate(workdir), workdir)
            cookies = workdir / "cookies.json"
            cookie_file(log_in(base, totp_key), cookies)
            log(f"signed in as official (password + TOTP), scanning {base}")
            scan(base, cookies, workdir, report)
            server.terminate()
            server.wait(timeout=30)
            server = None
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    report = json.loads(REPORT.read_text())
    found = findings(report)
    for level, kind, category, item in found:
        kind = {"vulnerabilities": "vulnerability", "anomalies": "anomaly"}[kind]
        log(f"level {level} {kind}: {category}: {item['method']} {item['path']} "
            f"{item['parameter']} {item['info'][:160]}")
    serious = [f for f in found if f[0] >= MEDIUM]
    log(f"{len(found)} findings, {len(serious)} of medium severity or above, "
        f"{time.monotonic() - started:.0f} s; report: {REPORT.relative_to(ROOT)}")
    if serious:
        log(f"gunicorn's log: {workdir / 'gunicorn.log'}")
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
