"""The notifier's channels speak each receiver's format, against a real local HTTP server, and say why a send
did not go without ever naming a key, a token or a number."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from tests.conftest import TEST_DATA_KEYS, TEST_INDEX_KEY
from tests.fake_receiver import HANG, Receiver, receiver
from visitsvc.config import ConfigError, load_settings
from visitsvc.infrastructure.notify_channels import (
    DingtalkChannel,
    NotifierSettings,
    SendError,
    SmsChannel,
    WecomChannel,
    make_channel,
)

__all__ = ["receiver"]
KEY = "0f0e0d0c-secret-robot-key"
MOBILE = "13900001111"
BASE = {
    "VISITSVC_ENV": "test",
    "VISITSVC_SECRET_KEY": "s" * 40,
    "VISITSVC_DATA_KEYS": TEST_DATA_KEYS,
    "VISITSVC_INDEX_KEY": TEST_INDEX_KEY,
}


def test_wecom_posts_a_text_message_that_mentions_the_supervisor(receiver: Receiver) -> None:
    WecomChannel(f"{receiver.url}/cgi-bin/webhook/send?key={KEY}").send(
        "【紧急跟进】保俶一网格", mobile=MOBILE
    )
    (got,) = receiver.requests
    assert (got.path, got.query) == ("/cgi-bin/webhook/send", {"key": KEY})
    assert got.headers["content-type"] == "application/json"
    assert got.body == {
        "msgtype": "text",
        "text": {"content": "【紧急跟进】保俶一网格", "mentioned_mobile_list": [MOBILE]},
    }


def test_wecom_without_a_number_mentions_nobody(receiver: Receiver) -> None:
    WecomChannel(f"{receiver.url}/send?key={KEY}").send("x", mobile=None)
    assert receiver.requests[0].body == {"msgtype": "text", "text": {"content": "x"}}


def test_dingtalk_signs_the_url_with_timestamp_and_hmac_sha256(receiver: Receiver) -> None:
    secret = "SEC0123456789abcdef"
    channel = DingtalkChannel(
        f"{receiver.url}/robot/send?access_token={KEY}", secret, now_ms=lambda: 1764990000000
    )
    channel.send("【计划缺口】", mobile=MOBILE)
    (got,) = receiver.requests
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"1764990000000\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert got.query == {"access_token": KEY, "timestamp": "1764990000000", "sign": expected}
    assert got.body == {
        "msgtype": "text",
        "text": {"content": "【计划缺口】"},
        "at": {"atMobiles": [MOBILE], "isAtAll": False},
    }


def test_dingtalk_without_a_secret_sends_the_url_as_configured(receiver: Receiver) -> None:
    DingtalkChannel(f"{receiver.url}/robot/send?access_token={KEY}").send("x", mobile=None)
    assert receiver.requests[0].query == {"access_token": KEY}
    assert receiver.requests[0].body["at"] == {"atMobiles": [], "isAtAll": False}


def test_sms_gateway_gets_to_and_text_with_a_bearer_token(receiver: Receiver) -> None:
    SmsChannel(f"{receiver.url}/sms", "gateway-token").send("【紧急跟进】", mobile=MOBILE)
    (got,) = receiver.requests
    assert got.body == {"to": MOBILE, "text": "【紧急跟进】"}
    assert got.headers["authorization"] == "Bearer gateway-token"


def test_sms_without_a_number_fails_for_good_without_a_request(receiver: Receiver) -> None:
    with pytest.raises(SendError) as failed:
        SmsChannel(f"{receiver.url}/sms", "t").send("x", mobile=None)
    assert failed.value.permanent
    assert receiver.requests == []


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ((500, {"error": KEY}), "HTTP 500"),
        ((200, {"errcode": 93000, "errmsg": f"invalid webhook url, to {MOBILE}"}), "errcode 93000"),
        (HANG, "timeout"),
    ],
)
def test_a_failed_send_is_told_by_its_kind_never_with_the_key_or_a_number(
    receiver: Receiver, answer: tuple[int, object] | str, reason: str
) -> None:
    receiver.answer(answer)
    channel = WecomChannel(f"{receiver.url}/send?key={KEY}", timeout=0.3)
    with pytest.raises(SendError) as failed:
        channel.send("x", mobile=MOBILE)
    assert failed.value.reason.startswith(reason)
    assert not failed.value.permanent
    assert KEY not in failed.value.reason
    assert MOBILE not in failed.value.reason


def test_a_refused_connection_names_no_url() -> None:
    channel = SmsChannel(f"http://127.0.0.1:9/sms?key={KEY}", "t", timeout=0.5)
    with pytest.raises(SendError) as failed:
        channel.send("x", mobile=MOBILE)
    assert failed.value.reason.startswith("connection")
    assert KEY not in failed.value.reason


def test_a_long_text_is_clipped_to_what_a_robot_accepts(receiver: Receiver) -> None:
    WecomChannel(f"{receiver.url}/send").send("探" * 1500, mobile=None)
    assert len(receiver.requests[0].body["text"]["content"].encode()) <= 2048


def test_settings_name_the_channel_and_keep_secrets_out_of_repr() -> None:
    env = {
        **BASE,
        "VISITSVC_NOTIFY_CHANNEL": "dingtalk",
        "VISITSVC_NOTIFY_WEBHOOK_URL": f"https://oapi.dingtalk.com/robot/send?access_token={KEY}",
        "VISITSVC_NOTIFY_DINGTALK_SECRET": "SECsecret",
    }
    settings = load_settings(env)
    assert settings.notifier.channel == "dingtalk"
    assert isinstance(make_channel(settings.notifier), DingtalkChannel)
    assert KEY not in repr(settings)
    assert "SECsecret" not in repr(settings)
    assert KEY not in repr(make_channel(settings.notifier))


@pytest.mark.parametrize(
    "env",
    [
        {"VISITSVC_NOTIFY_CHANNEL": "email"},
        {"VISITSVC_NOTIFY_CHANNEL": "wecom"},
        {"VISITSVC_NOTIFY_CHANNEL": "sms"},
        {"VISITSVC_NOTIFY_CHANNEL": "wecom", "VISITSVC_NOTIFY_WEBHOOK_URL": "ftp://x"},
        {"VISITSVC_NOTIFY_TIMEOUT_SECONDS": "0"},
    ],
)
def test_a_channel_without_what_it_needs_stops_the_start(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        load_settings({**BASE, **env})


def test_none_is_the_default_and_makes_no_channel() -> None:
    assert NotifierSettings().channel == "none"
    assert make_channel(NotifierSettings()) is None
