"""Focal points of different units submitting their daily form, for `benchmarks.load`.

Each simulated user is one unit's focal point (`bench-focal-<unit code>`). It logs in once
through the real login form, then, like the form's own script on a phone (static/js/reports.js),
opens the form of a day and posts it with `Accept: application/json`. Every submission costs
one form page and one post, as on a phone: after a "saved" answer the script loads the form
page again (it shows the confirmation), and the next correction is made from that page, on the
version it shows:

1. first submissions: every open day the seeding left unreported (today, gaps of the backfill
   window), one `GET` of the form each, then its `POST`;
2. then corrections of the last of those days, each one `GET` of the form (the page shown after
   the previous save) and a `POST` with changed values and a fresh key.

Users listed as `double` post every submission twice at once, with the same idempotency key and
body (a double tap, or a retry racing its original): both answers must say "saved" with the
same version, and only one of them may write.

Submissions start once every user has logged in (logins are not timed) and run for `duration`
seconds at a paced rate (`pacing` seconds between one user's submissions), so the offered load is
users / pacing submissions per second whatever the server does; a slow server shows as lower
throughput and higher latency, not as fewer users. The users' first submissions are spread
evenly over one pacing interval, so submissions arrive evenly, not in bursts of every user at
once.

Configured by the JSON file named in DTM_LOAD_PLAN (written by `benchmarks.load`); every
submission's timing and answer goes to the JSON file named in DTM_LOAD_OUT when locust quits:

    DTM_LOAD_PLAN=plan.json DTM_LOAD_OUT=out.json locust -f benchmarks/locustfile.py \\
        --headless -u <users> -r <users> --host http://127.0.0.1:8000 --run-time 5m
"""

import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

import gevent
from gevent.event import Event
from locust import FastHttpUser, events, task

# locust puts this file's folder on the path, not the project's.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.load import form_fields, login_token  # noqa: E402

PLAN = json.loads(Path(os.environ["DTM_LOAD_PLAN"]).read_text()) if "DTM_LOAD_PLAN" in \
    os.environ else {"accounts": [], "password": "", "duration": 0, "pacing": 1}
_accounts = list(PLAN["accounts"])
_logged_in = 0
_go = Event()  # set when every user has logged in: the timed phase starts for all at once
_finished = 0
RECORDS: dict = {"submissions": [], "errors": [], "logins_failed": [], "started": None,
                 "ended": None}


class FocalPoint(FastHttpUser):
    # Paced, not back-to-back: see the module's docstring.
    def wait_time(self):
        return max(0.0, self._next - time.monotonic())

    def on_start(self):
        global _logged_in
        self.index = len(PLAN["accounts"]) - len(_accounts)  # this user's place, from 0
        self.account = _accounts.pop(0)
        self.rng = random.Random(self.account["username"])
        self.days = list(self.account["days"])  # first submissions still to make
        self._next = 0.0
        login = self.client.get("/accounts/login/", name="login (not timed)")
        answer = self.client.post(
            "/accounts/login/", name="login (not timed)",
            data={"username": self.account["username"], "password": PLAN["password"],
                  "csrfmiddlewaretoken": login_token(login.text)},
            headers={"Referer": self.host + "/accounts/login/"},
        )
        # Lands on today's form when the login worked; a failed one (refused, timed out: no
        # text) is recorded, and still counted below so that the others do not wait forever.
        if "report-form" not in (answer.text or ""):
            RECORDS["logins_failed"].append([self.account["username"], answer.status_code])
        _logged_in += 1
        if _logged_in == len(PLAN["accounts"]):
            RECORDS["started"] = time.time()
            RECORDS["cpu_at_start"] = time.process_time()  # locust's own share of the cores
            if os.environ.get("DTM_LOAD_GO"):  # tells benchmarks.load the timed phase began
                Path(os.environ["DTM_LOAD_GO"]).touch()
            _go.set()
        _go.wait()
        self.deadline = RECORDS["started"] + PLAN["duration"]
        # Spread the users evenly over one pacing interval, so submissions arrive evenly. Locust
        # runs the first task right after on_start, without asking wait_time: the wait is here.
        # (Without it every user posted at once, then again one interval later: bursts of a
        # whole interval's submissions, each waiting behind the others.)
        gevent.sleep(self.index * PLAN["pacing"] / len(PLAN["accounts"]))

    @task
    def submit(self):
        global _finished
        if time.time() >= self.deadline:
            # Done, with nothing in flight: the last user to finish ends the run (stopping the
            # others, idle here, loses no request).
            _finished += 1
            if _finished == len(PLAN["accounts"]):
                RECORDS["ended"] = time.time()
                gevent.spawn(self.environment.runner.quit)
            gevent.sleep(PLAN["duration"] + 3600)
            return
        self._next = time.monotonic() + PLAN["pacing"]
        day = self.days.pop(0) if self.days else self.account["days"][-1]
        # The form page: opened for a first submission, shown again after each save.
        fields = self._open(day)
        if fields is None:
            return
        fields["idempotency_key"] = str(uuid.uuid4())  # a new press of "submit"
        for name in fields:
            if name.startswith("value_"):
                fields[name] = str(self.rng.randint(0, 40))
        if self.account["double"]:
            posts = [gevent.spawn(self._post, day, fields) for _ in range(2)]
            gevent.joinall(posts)
        else:
            self._post(day, fields)

    def _open(self, day: str) -> dict | None:
        response = self.client.get(self._url(day), name="open the form (not timed)")
        fields = form_fields(response.text) if response.status_code == 200 else {}
        if "idempotency_key" not in fields:
            RECORDS["errors"].append([self.account["unit"], day, response.status_code,
                                      "form not open"])
            return None
        return fields

    def _url(self, day: str) -> str:
        return f"/reports/unit/{self.account['unit']}/{day}/"

    def _post(self, day: str, fields: dict) -> None:
        body = dict(fields)
        started = time.time()
        with self.client.post(
            self._url(day), data=body, name="submit", catch_response=True,
            headers={"Accept": "application/json", "X-CSRFToken": body["csrfmiddlewaretoken"],
                     "Referer": self.host + self._url(day)},
        ) as response:
            elapsed = time.time() - started
            answer = {}
            try:
                answer = response.json()
            except Exception:  # an HTML error page: recorded below as an error
                pass
            record = [self.account["unit"], day, body["idempotency_key"], started, elapsed,
                      response.status_code, answer.get("status"), answer.get("version"),
                      answer.get("replayed")]
            RECORDS["submissions"].append(record)
            if answer.get("status") == "saved":
                response.success()
            else:
                RECORDS["errors"].append([self.account["unit"], day, response.status_code,
                                          str(answer or response.text[:200])])
                response.failure(f"not saved: {response.status_code} {answer.get('status')}")


@events.quitting.add_listener
def _write_records(environment, **_kwargs):
    if "DTM_LOAD_OUT" in os.environ:
        RECORDS["ended"] = RECORDS["ended"] or time.time()
        RECORDS["cpu_used"] = time.process_time() - RECORDS.get("cpu_at_start", 0.0)
        Path(os.environ["DTM_LOAD_OUT"]).write_text(json.dumps(RECORDS))
