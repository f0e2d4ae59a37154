"""The grid worker's phone app at /m/: static files only (plain ES modules, a service worker, a manifest),
served with a strict CSP. Everything it shows comes from the JSON API under /api/v1; nothing personal is
ever in these files, so they may be cached by the browser and by the app's own service worker."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Blueprint, Flask, Response, send_from_directory

STATIC = Path(__file__).parent / "static"
SERVICE_WORKER = "sw.js"
VERSION_MARK = "__VERSION__"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
MIMETYPES = {".js": "text/javascript", ".webmanifest": "application/manifest+json"}

blp = Blueprint("mobile", __name__, url_prefix="/m")


def init_app(app: Flask) -> None:
    app.register_blueprint(blp)


@blp.get("/")
def shell() -> Response:
    return send_from_directory(STATIC, "index.html")


@blp.get(f"/{SERVICE_WORKER}")
def service_worker() -> Response:
    """The worker carries the version of the shell it caches: any change to a shell file is a new worker,
    which installs beside the old one and takes over on the next opening."""
    body = (STATIC / SERVICE_WORKER).read_text(encoding="utf-8").replace(VERSION_MARK, shell_version())
    response = Response(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@blp.get("/<path:filename>")
def static_file(filename: str) -> Response:
    suffix = Path(filename).suffix
    return send_from_directory(STATIC, filename, mimetype=MIMETYPES.get(suffix))


@blp.after_request
def _headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@cache
def shell_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(STATIC.rglob("*")):
        if path.is_file() and path.name != SERVICE_WORKER:
            digest.update(path.relative_to(STATIC).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
