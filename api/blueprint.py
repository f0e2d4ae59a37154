"""flask-smorest's Blueprint with our arguments parser: JSON nested deeper than the parser can follow is a 400
like any JSON it cannot read (Python's parser raises RecursionError, which webargs let through as a 500)."""

from __future__ import annotations

from typing import Any

import flask_smorest
from flask import Request
from marshmallow import Schema
from webargs.flaskparser import FlaskParser, abort

TOO_DEEP = "JSON 嵌套过深"


class Parser(FlaskParser):
    def load_json(self, req: Request, schema: Schema) -> Any:
        try:
            return super().load_json(req, schema)
        except RecursionError:
            abort(400, messages={"json": [TOO_DEEP]})


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]
    ARGUMENTS_PARSER = Parser()
