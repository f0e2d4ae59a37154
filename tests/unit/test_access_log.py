"""gunicorn's access log, as api/gunicorn.conf.py sets it, writes paths without their query strings."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from gunicorn.app.base import Application
from gunicorn.glogging import Logger

CONF = Path(__file__).resolve().parents[2] / "api" / "gunicorn.conf.py"
NUMBER = "330106195001020090"


class _Configured(Application):  # type: ignore[misc]
    """gunicorn's settings read from the file as `gunicorn -c` reads them; nothing is served."""

    def load_config(self) -> None:
        self.load_config_from_file(str(CONF))

    def load(self) -> None:
        raise AssertionError("not served")


def test_the_access_log_holds_no_query_string_and_no_referer(tmp_path: Path) -> None:
    cfg = _Configured().cfg
    access = tmp_path / "access.log"
    cfg.set("accesslog", str(access))
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/api/v1/elders?id_number={NUMBER}",
        "PATH_INFO": "/api/v1/elders",
        "QUERY_STRING": f"id_number={NUMBER}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.7",
        "HTTP_REFERER": f"https://visitsvc.example/console/?id_number={NUMBER}",
        "HTTP_USER_AGENT": "phone/1.0",
    }
    response = SimpleNamespace(status="422 UNPROCESSABLE ENTITY", sent=187, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"]), ("USER-AGENT", "phone/1.0")])
    Logger(cfg).access(response, request, environ, timedelta(milliseconds=12))
    (line,) = access.read_text().splitlines()
    assert NUMBER not in line
    assert '"GET /api/v1/elders HTTP/1.1" 422 187 12ms "phone/1.0"' in line
    assert line.startswith("10.0.0.7 ")
