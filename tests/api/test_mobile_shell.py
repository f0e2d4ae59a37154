"""The phone app's shell at /m/: static files only, under a strict CSP, with no inline script or style, a
service worker that is revalidated on every check and lists every shell file, and an installable manifest."""

from __future__ import annotations

import json
import re

from flask.testing import FlaskClient

from api.mobile import CSP, STATIC

SHELL_FILES = sorted(
    "/m/" + path.relative_to(STATIC).as_posix()
    for path in STATIC.rglob("*")
    if path.is_file() and path.name not in ("index.html", "sw.js")
)


def test_every_shell_file_carries_the_strict_headers(client: FlaskClient) -> None:
    for path in ["/m/", "/m/?date=2026-01-05", "/m/sw.js", *SHELL_FILES]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Content-Security-Policy"] == CSP
        assert "script-src 'self';" in CSP
        assert "unsafe-inline" not in CSP
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_shell_page_has_no_inline_script_or_style(client: FlaskClient) -> None:
    html = client.get("/m/").get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S)
    assert scripts
    assert all(body.strip() == "" for body in scripts)
    assert "<style" not in html
    assert " style=" not in html
    assert "onclick" not in html.lower()
    modules = {path for path in SHELL_FILES if path.endswith(".js")} - {"/m/js/app.js"}
    assert set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)) == modules
    assert 'src="/m/js/app.js"' in html
    assert 'type="module"' in html


def test_the_service_worker_is_revalidated_and_caches_the_whole_shell(client: FlaskClient) -> None:
    response = client.get("/m/sw.js")
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    assert "__VERSION__" not in body
    assert re.search(r"const VERSION = '[0-9a-f]{12}'", body)
    listed = set(re.findall(r"'(/m/[^']*)'", body))
    assert {"/m/", *SHELL_FILES} <= listed
    assert not any(path.startswith("/api/") for path in listed)


def test_the_manifest_makes_the_app_installable(client: FlaskClient) -> None:
    response = client.get("/m/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data())
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/m/", "/m/", "standalone")
    sizes = {icon["sizes"] for icon in manifest["icons"] if "maskable" in icon["purpose"]}
    assert sizes == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).mimetype == "image/png"


def test_modules_are_javascript_and_nothing_outside_the_shell_is_served(client: FlaskClient) -> None:
    assert client.get("/m/js/app.js").mimetype == "text/javascript"
    assert client.get("/m/../api/app.py").status_code == 404
    assert client.get("/m/nothing.js").status_code == 404
