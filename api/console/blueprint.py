"""The console's one Blueprint: pages under /console, its templates and static files beside it."""

from __future__ import annotations

from flask import Blueprint

blp = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
