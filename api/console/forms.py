"""The desk's forms (a status change, an absence, an appointment): read every field at once so that each
problem is shown next to its own field, and sent back with what was typed when a service refuses it. The
services decide; this only parses, as the API's schemas do before them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from typing import TypeVar

from flask import request

from visitsvc.kernel.errors import Conflict, Invalid

E = TypeVar("E", bound=StrEnum)
TIME_FORMAT = "HH:MM"


@dataclass(frozen=True, slots=True)
class FormState:
    """A refused form: which form it was, what was typed and what each field got wrong."""

    name: str
    values: Mapping[str, str]
    errors: Mapping[str, list[str]]
    message: str
    status: int  # the page's status: 422 bad input, 409 a conflict with what is stored

    @classmethod
    def refused(cls, name: str, error: Invalid | Conflict) -> FormState:
        values = {k: v for k, v in request.form.items() if k != "csrf_token"}
        return cls(name, values, error.errors, error.message, 409 if isinstance(error, Conflict) else 422)


@dataclass
class FormReader:
    """Reads one form's fields, collecting every problem before anything is called."""

    errors: dict[str, list[str]] = field(default_factory=dict)

    def _raw(self, name: str) -> str | None:
        raw = request.form.get(name, "").strip()
        return raw or None

    def _fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def text(self, name: str, *, max_length: int, required: bool = False) -> str | None:
        raw = self._raw(name)
        if raw is None and required:
            self._fail(name, "必填")
        elif raw is not None and len(raw) > max_length:
            self._fail(name, f"最多 {max_length} 字")
            return None
        return raw

    def day(self, name: str, *, required: bool = True) -> date | None:
        raw = self._raw(name)
        if raw is None:
            if required:
                self._fail(name, "请填写日期")
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self._fail(name, "日期格式应为 YYYY-MM-DD")
            return None

    def clock_time(self, name: str, *, required: bool = True) -> time | None:
        raw = self._raw(name)
        if raw is None:
            if required:
                self._fail(name, "请填写时间")
            return None
        try:
            if len(raw) != len(TIME_FORMAT):
                raise ValueError(raw)
            return time.fromisoformat(raw)
        except ValueError:
            self._fail(name, "时间格式应为 HH:MM")
            return None

    def choice(self, name: str, kind: type[E]) -> E | None:
        raw = self._raw(name)
        if raw is None:
            self._fail(name, "请选择")
            return None
        try:
            return kind(raw)
        except ValueError:
            self._fail(name, "不是可选的值")
            return None

    def check(self) -> None:
        if self.errors:
            raise Invalid("输入有误", errors=self.errors)
