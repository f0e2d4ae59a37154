"""Shared schema pieces: strict base schema, opaque cursors, paging, the error body."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Mapping, Sized
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate
from marshmallow.utils import is_collection

from api.ids import MAX_ID
from visitsvc.field.visit_input import Rejected
from visitsvc.kernel.errors import invalid_field
from visitsvc.kernel.month import Month

MAX_LIMIT = 200


class StrictSchema(Schema):
    """Unknown fields are an error (a typo must not be silently ignored), and so is text that is not
    Unicode."""

    class Meta:
        unknown = RAISE

    @pre_load
    def _refuse_invalid_text(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, Mapping):
            return data  # not an object: marshmallow refuses it
        # A nested schema checks its own part when it is loaded: a sync batch rejects only the bad record.
        own = {f.data_key or name for name, f in self.load_fields.items() if _nested(f)}
        paths = _invalid_paths({key: value for key, value in data.items() if key not in own})
        if paths:
            raise ValidationError(_nest(paths))
        return data


INVALID_TEXT = "含有无效字符（NUL 或不成对的 UTF-16 代理项）"
# NUL: PostgreSQL stores no text with it. A lone surrogate (JSON's "\\ud800" alone): Python keeps it in a str
# that neither a database driver nor the answer's encoder can encode.
_INVALID = re.compile(r"[\x00\ud800-\udfff]")
# JSON nests as deep as its parser allows: a message names at most this many levels.
_NAMED_LEVELS = 10


def has_invalid_text(text: str) -> bool:
    return _INVALID.search(text) is not None


def clean_name(name: str) -> str:
    """A field name as an answer may repeat it: U+FFFD for each character it could not hold."""
    return _INVALID.sub("\ufffd", name)


def _nested(field: fields.Field) -> bool:  # type: ignore[type-arg]
    inner = field.inner if isinstance(field, fields.List) else field
    return isinstance(inner, fields.Nested)


def _invalid_paths(data: Mapping[Any, Any]) -> set[tuple[str, ...]]:
    """The paths to every text (key or value) holding a character no database or answer can hold (a 500
    before), a key named with U+FFFD in its place since the answer repeats it; walked without recursion."""
    found: set[tuple[str, ...]] = set()
    stack: list[tuple[tuple[str, ...], Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if has_invalid_text(value):
                found.add(path[:_NAMED_LEVELS])
        elif isinstance(value, Mapping):
            for key, inner in value.items():
                name = clean_name(str(key))
                if name != key:
                    found.add((*path, name)[:_NAMED_LEVELS])
                else:
                    stack.append(((*path, name), inner))
        elif isinstance(value, list):
            stack.extend(((*path, str(index)), inner) for index, inner in enumerate(value))
    return found


def _nest(paths: set[tuple[str, ...]]) -> dict[str, Any]:
    """{"a": {"0": {"b": [message]}}} for ("a", "0", "b"), as marshmallow nests its messages."""
    errors: dict[str, Any] = {}
    for path in sorted(paths, key=len):
        node = errors
        for part in path[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break  # a shorter path already names this part
        else:
            node.setdefault(path[-1], [INVALID_TEXT])
    return errors


class Instant(fields.AwareDateTime):
    """An aware date-time that has a UTC time, as the database stores it: 0001-01-01T00:00+14:00 has none (the
    conversion overflowed into a 500)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.datetime:
        moment: dt.datetime = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment.astimezone(dt.UTC)
        except OverflowError:
            raise ValidationError("时间超出范围") from None
        return moment


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


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs nests messages by location and field; clients want one flat field -> messages map."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_errors(value, name))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        flat[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            flat.update(flatten_errors(value, f"{prefix}.{index}"))
    else:
        flat[prefix or "_schema"] = [str(messages)]
    return flat


class ItemByItem(fields.List):  # type: ignore[type-arg]
    """A synced batch: documented as a list, loaded item by item, so a bad item is rejected on its own with
    its field errors and the batch goes on. The items are counted before any is loaded: an oversize batch
    costs one len(), not the loading of every item before a Length validator says no."""

    def __init__(self, inner: fields.Field, *, max_items: int, noun: str, **kwargs: Any) -> None:  # type: ignore[type-arg]
        # The validator never fires (the count comes first); it gives the OpenAPI spec its maxItems.
        super().__init__(inner, validate=validate.Length(max=max_items), **kwargs)
        self.max_items, self.noun = max_items, noun

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        if not is_collection(value) or not isinstance(value, Sized):
            raise self.make_error("invalid")
        if len(value) > self.max_items:
            raise ValidationError(f"每次最多 {self.max_items} 条{self.noun}，本次 {len(value)} 条")
        items: list[Any] = []
        for raw in value:
            try:
                items.append(self.inner.deserialize(raw, **kwargs))
            except ValidationError as error:
                items.append(Rejected(_client_id_of(raw), flatten_errors(error.messages)))
        return items


def _client_id_of(raw: Any) -> str | None:
    value = raw.get("client_id") if isinstance(raw, dict) else None
    # Repeated in the answer: only if it can be encoded.
    return value if isinstance(value, str) and len(value) <= 64 and not has_invalid_text(value) else None


def month_in_path(raw: str) -> Month:
    """A `<month>` of a URL as a Month, or a 422 on the field `month`."""
    try:
        return Month.parse(raw)
    except ValueError as exc:
        raise invalid_field("month", str(exc)) from None
