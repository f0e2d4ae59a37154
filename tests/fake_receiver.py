"""A real HTTP server on 127.0.0.1 in a thread, standing in for a robot webhook or an SMS gateway: it records
every request and answers from a script (a status and a JSON body per request, or `HANG`: no answer until the
test ends, which the client's timeout turns into a failed try)."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

HANG = "hang"
OK = (200, {"errcode": 0, "errmsg": "ok"})


@dataclass
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    # What to answer, in order; when it runs out, OK.
    script: list[tuple[int, Any] | str] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)

    def answer(self, *answers: tuple[int, Any] | str) -> None:
        self.script.extend(answers)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    lock = threading.Lock()
    state: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            parts = urllib.parse.urlsplit(self.path)
            got = Received(
                parts.path,
                dict(urllib.parse.parse_qsl(parts.query)),
                {k.lower(): v for k, v in self.headers.items()},
                json.loads(raw) if raw else None,
            )
            me = state["receiver"]
            with lock:
                me.requests.append(got)
                answer = me.script.pop(0) if me.script else OK
            if answer == HANG:
                me.released.wait(10)
                return
            status, body = answer
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read `requests`
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state["receiver"] = Receiver(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state["receiver"]
    state["receiver"].released.set()
    server.shutdown()
    server.server_close()
