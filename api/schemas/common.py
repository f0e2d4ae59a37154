"""Shared schema pieces: strict base schema, opaque cursors, paging, the error body."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from api.ids import MAX_ID

MAX_LIMIT = 200


class StrictSchema(Schema):
    """Unknown fields are an error (a typo must not be silently ignored)."""

    class Meta:
        unknown = RAISE


class Cursor(fields.Field):  # type: ignore[type-arg]
    """An opaque paging cursor: clients pass back what they were given, nothing else."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return base64.urlsafe_b64encode(f"c{value}".encode()).decode().rstrip("=")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        try:
            raw = base64.urlsafe_b64decode(str(value) + "=" * (-len(str(value)) % 4)).decode()
            if not raw.startswith("c"):
                raise ValueError(raw)
            number = int(raw[1:])
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise ValidationError("无效的分页游标") from None
        if not 0 <= number <= MAX_ID:  # an id: beyond the database's INTEGER no query may see it
            raise ValidationError("无效的分页游标")
        return number


class PageArgs(StrictSchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, MAX_LIMIT))
    cursor = Cursor(load_default=None)


def page_of(item_schema: type[Schema]) -> type[Schema]:
    name = f"{item_schema.__name__.removesuffix('Schema')}PageSchema"
    return Schema.from_dict(
        {"items": fields.List(fields.Nested(item_schema)), "next_cursor": Cursor(allow_none=True)}, name=name
    )


class ErrorSchema(Schema):
    code = fields.String()
    message = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    rows = fields.List(fields.Dict())


def text(*, max_length: int, min_length: int = 0, **kwargs: Any) -> fields.String:
    """A string with its length bounded, so no column can be overflowed from outside."""
    return fields.String(validate=validate.Length(min=min_length, max=max_length), **kwargs)


# A file answer's body in the OpenAPI document (a Response passes through flask-smorest undumped).
FILE: dict[str, str] = {"type": "string", "format": "binary"}
# Every 429 says how long to wait.
RETRY_AFTER = {
    "Retry-After": {"description": "再试之前须等待的秒数", "schema": {"type": "integer", "minimum": 1}}
}
