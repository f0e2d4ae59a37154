"""A browser's view of the console for Flask test-client tests: log in through the form, post forms with the
page's CSRF token, read the figures a page shows (elements marked `data-figure`)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.factories import PASSWORD

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Console:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def token(self, path: str = "/console/login") -> str:
        page = self.client.get(path)
        found = _TOKEN.search(page.text)
        assert found, f"no CSRF token on {path} ({page.status_code})"
        return found.group(1)

    def login(self, account: str, password: str = PASSWORD) -> TestResponse:
        token = self.token()
        return self.client.post(
            "/console/login", data={"username": account, "password": password, "csrf_token": token}
        )

    def get(self, path: str, **query: Any) -> TestResponse:
        return self.client.get(path, query_string=query or None)

    def post(
        self, path: str, data: dict[str, Any] | None = None, *, form_page: str = "/console/", **kw: Any
    ) -> TestResponse:
        return self.client.post(path, data={**(data or {}), "csrf_token": self.token(form_page)}, **kw)


class _Figures(HTMLParser):
    """Collects (table id, row key, figure) -> text for every element with a data-figure attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.table: str | None = None
        self.row: str | None = None
        self.open: list[tuple[str, str]] = []
        self.found: dict[tuple[str | None, str | None, str], str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "table":
            self.table = named.get("id")
        if tag == "tr":
            self.row = named.get("data-key")
        figure = named.get("data-figure")
        if figure:
            self.open.append((tag, figure))
            self.found[(self.table, self.row, figure)] = ""

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1][0] == tag:
            self.open.pop()
        if tag == "table":
            self.table = None

    def handle_data(self, data: str) -> None:
        for _, figure in self.open:
            key = (self.table, self.row, figure)
            self.found[key] = self.found[key] + data


def figures(html: str) -> dict[tuple[str | None, str | None, str], str]:
    parser = _Figures()
    parser.feed(html)
    return {key: value.strip() for key, value in parser.found.items()}
