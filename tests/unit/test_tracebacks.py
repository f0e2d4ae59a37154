"""A trace fit for a log: frames and types, the text of our own errors only."""

from __future__ import annotations

import pytest

from visitsvc.infrastructure.tracebacks import describe, safe_traceback
from visitsvc.infrastructure.uow import make_engine
from visitsvc.kernel.errors import Invalid

SECRET = "330106195001020090"


def _fail_with_a_secret() -> None:
    raise KeyError(SECRET)


def _fail_inside_another() -> None:
    try:
        _fail_with_a_secret()
    except KeyError as exc:
        raise ValueError(f"lookup of {SECRET} failed") from exc


def test_other_errors_are_named_by_type_only() -> None:
    with pytest.raises(ValueError, match="lookup of") as caught:
        _fail_inside_another()
    trace = safe_traceback(caught.value)
    assert describe(caught.value) == "ValueError"
    assert SECRET not in trace
    assert "in _fail_with_a_secret" in trace, "the cause's frames are kept"
    assert "in _fail_inside_another" in trace
    assert trace.index("KeyError") < trace.index("ValueError"), "causes first, as Python prints them"


def test_our_own_errors_keep_their_message() -> None:
    assert describe(Invalid("输入有误")) == "visitsvc.kernel.errors.Invalid: 输入有误"


def test_engines_hide_bound_parameters() -> None:
    engine = make_engine("sqlite://")
    assert engine.hide_parameters, "an error's text says '[SQL parameters hidden ...]', not the values"
