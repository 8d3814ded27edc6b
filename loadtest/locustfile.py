"""The traffic of a working day, for locust (run by loadtest/run.py, headless, loopback only).

Three kinds of users, each at `LOAD_USER_RATE` requests per second (constant throughput, so the
offered load is users × rate whatever the latency):

* the public (weight 5) reads the disclosure pages — home, the list of bodies, a body's page;
* enterprises (weight 2) check their complaints through the API and now and then file one;
* the task-force office (weight 2) works its queues — the complaint queue and the 台账 list pages,
  signed in (session with the second factor passed).

Every user also calls `/healthz` now and then: the trivial endpoint the others are compared with.
`LOAD_CONTEXT` names the JSON file with tokens, sessions and ids; `LOAD_MAX_REQUESTS` stops the run
after that many requests.
"""

from __future__ import annotations

import json
import os
import random
import re
from typing import Any

from locust import FastHttpUser, constant_throughput, events, task

from drills import payloads

CTX: dict[str, Any] = json.loads(open(os.environ.get("LOAD_CONTEXT", "/dev/null")).read() or "{}")  # noqa: SIM115
RATE = float(os.environ.get("LOAD_USER_RATE", "1"))
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "0"))
BODY_LINK = re.compile(r"/disclosure/bodies/(\d+)/")
_count = [0]


@events.request.add_listener
def _bounded(**_kwargs: Any) -> None:
    """Stop the whole run after LOAD_MAX_REQUESTS requests (the time bound is locust's --run-time)."""
    _count[0] += 1
    if MAX_REQUESTS and _count[0] == MAX_REQUESTS:
        from locust.runners import Runner

        runner: Runner | None = getattr(_bounded, "runner", None)
        if runner is not None:
            runner.quit()


@events.init.add_listener
def _keep_runner(environment: Any, **_kwargs: Any) -> None:
    _bounded.runner = environment.runner


class Visitor(FastHttpUser):
    """Every kind of user also calls the trivial endpoint now and then."""

    abstract = True
    wait_time = constant_throughput(RATE)

    @task(1)
    def trivial(self) -> None:
        self.client.get("/healthz", name="trivial: /healthz")


class Public(Visitor):
    weight = 5
    bodies: list[str] = []

    def on_start(self) -> None:
        if not Public.bodies:
            with self.client.get("/disclosure/", name="public: bodies", catch_response=True) as r:
                Public.bodies = sorted(set(BODY_LINK.findall(r.text or ""))) or ["0"]

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="public: home")

    @task(2)
    def bodies_list(self) -> None:
        self.client.get("/disclosure/", name="public: bodies")

    @task(4)
    def body(self) -> None:
        self.client.get(f"/disclosure/bodies/{random.choice(Public.bodies)}/", name="public: body page")


class Enterprise(Visitor):
    weight = 2

    def on_start(self) -> None:
        self.auth = {"Authorization": f"Bearer {CTX['enterprise_token']}"}

    @task(4)
    def my_complaints(self) -> None:
        self.client.get(
            "/api/v1/complaints?page=1", headers=self.auth, name="enterprise: my complaints (API)"
        )

    @task(3)
    def one_complaint(self) -> None:
        pk = random.choice(CTX["own_complaints"])
        self.client.get(f"/api/v1/complaints/{pk}", headers=self.auth, name="enterprise: a complaint (API)")

    @task(2)
    def file(self) -> None:
        tag = f"{random.getrandbits(40):x}"
        body = payloads.complaint(
            CTX["respondent_id"], f"压力测试投诉：货款逾期未付（{tag}）。", f"LOAD-{tag}"
        )
        self.client.post(
            "/api/v1/complaints", json=body, headers=self.auth, name="enterprise: file a complaint (intake)"
        )


class Office(Visitor):
    weight = 2

    def on_start(self) -> None:
        cookie = random.choice(CTX["office_sessions"])
        self.cookies = {"Cookie": f"{CTX['session_cookie']}={cookie}"}

    def page(self, path: str, name: str) -> None:
        """A staff page; a redirect (to the login) is a failure, not a success."""
        with self.client.get(
            path, headers=self.cookies, name=name, allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} {r.headers.get('Location', '')}")

    @task(4)
    def queue(self) -> None:
        self.page("/complaints/", "office: complaint queue")

    @task(4)
    def ledger(self) -> None:
        self.page("/ledger/", "office: 台账 list")
