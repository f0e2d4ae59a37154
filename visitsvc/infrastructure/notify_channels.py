"""Where a notification goes: a work-chat group robot (企业微信, 钉钉) or an SMS gateway, behind one protocol.

A channel turns (text, the recipient's mobile) into one HTTP request and says whether it went. It never
raises with, logs or returns anything that holds the webhook's key, the DingTalk secret, the gateway's token
or a phone number: an error is described by its kind ("HTTP 500", "timeout", "errcode 93000"), because the
error is stored on the notification and shown in the console (docs/adr/0020).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests

CHANNELS = ("none", "wecom", "dingtalk", "sms")
DEFAULT_TIMEOUT_SECONDS = 5.0
# WeCom's text content is at most 2048 bytes; DingTalk's is larger. One limit for both keeps texts alike.
MAX_TEXT_BYTES = 2000


@dataclass(frozen=True, slots=True)
class NotifierSettings:
    """VISITSVC_NOTIFY_*: which channel, and what it needs. Every secret is left out of repr()."""

    channel: str = "none"  # none | wecom | dingtalk | sms
    webhook_url: str = field(default="", repr=False)  # wecom / dingtalk robot URL: its key is a secret
    dingtalk_secret: str = field(default="", repr=False)  # 钉钉 加签 secret (SEC...), optional
    sms_url: str = field(default="", repr=False)  # generic gateway: POST {to, text}
    sms_token: str = field(default="", repr=False)  # bearer token of the gateway
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    lookback_hours: int = 48  # urgent follow-ups older than this are not sent (switching on sends no backlog)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> NotifierSettings:
        channel = env.get("VISITSVC_NOTIFY_CHANNEL", "none") or "none"
        if channel not in CHANNELS:
            raise ValueError(f"VISITSVC_NOTIFY_CHANNEL must be one of {', '.join(CHANNELS)}; got {channel!r}")
        try:
            timeout = float(env.get("VISITSVC_NOTIFY_TIMEOUT_SECONDS") or DEFAULT_TIMEOUT_SECONDS)
            lookback = int(env.get("VISITSVC_NOTIFY_LOOKBACK_HOURS") or 48)
        except ValueError:
            raise ValueError("VISITSVC_NOTIFY_TIMEOUT_SECONDS and _LOOKBACK_HOURS must be numbers") from None
        if not 0 < timeout <= 30 or lookback < 1:
            raise ValueError("VISITSVC_NOTIFY_TIMEOUT_SECONDS must be in (0, 30], _LOOKBACK_HOURS at least 1")
        settings = cls(
            channel=channel,
            webhook_url=env.get("VISITSVC_NOTIFY_WEBHOOK_URL", ""),
            dingtalk_secret=env.get("VISITSVC_NOTIFY_DINGTALK_SECRET", ""),
            sms_url=env.get("VISITSVC_NOTIFY_SMS_URL", ""),
            sms_token=env.get("VISITSVC_NOTIFY_SMS_TOKEN", ""),
            timeout_seconds=timeout,
            lookback_hours=lookback,
        )
        settings.check()
        return settings

    def check(self) -> None:
        needed = {"wecom": self.webhook_url, "dingtalk": self.webhook_url, "sms": self.sms_url}
        if self.channel in needed and not needed[self.channel]:
            name = "VISITSVC_NOTIFY_SMS_URL" if self.channel == "sms" else "VISITSVC_NOTIFY_WEBHOOK_URL"
            raise ValueError(f"{name} must be set for VISITSVC_NOTIFY_CHANNEL={self.channel}")
        for url in (self.webhook_url, self.sms_url):
            if url and urllib.parse.urlsplit(url).scheme not in ("https", "http"):
                raise ValueError("VISITSVC_NOTIFY_*_URL must be an http(s) URL")


class SendError(Exception):
    """A send that did not go. `reason` is safe to store and show: never a key, a token or a number.
    `permanent`: trying again cannot help (no number to text), so the notification fails at once."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Channel(Protocol):
    name: str

    def send(self, text: str, *, mobile: str | None) -> None:
        """Send `text`; `mobile` is the recipient's (a robot @-mentions it, a gateway texts it). Raises
        SendError when it did not go."""
        ...


Post = Callable[..., requests.Response]


def _digits_masked(text: str) -> str:
    """A vendor's error message may echo what it was sent: long digit runs (a phone) are masked."""
    return re.sub(r"\d{7,}", lambda m: m.group()[:3] + "****", text)


def _post(post: Post, url: str, body: dict[str, Any], timeout: float, headers: dict[str, str]) -> Any:
    """POST JSON; the answer's JSON (or None). Errors name their kind only: a requests exception's text holds
    the URL, and with it the key."""
    try:
        response = post(url, json=body, timeout=timeout, headers=headers, allow_redirects=False)
    except requests.Timeout:
        raise SendError("timeout") from None
    except requests.RequestException as exc:
        raise SendError(f"connection: {type(exc).__name__}") from None
    if response.status_code >= 300:
        raise SendError(f"HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError:
        return None


def _robot_answer(answer: Any) -> None:
    """Both robots answer HTTP 200 with {"errcode": 0, "errmsg": "ok"}; anything else is a refusal."""
    if not isinstance(answer, dict) or answer.get("errcode") != 0:
        code = answer.get("errcode") if isinstance(answer, dict) else None
        message = str(answer.get("errmsg", ""))[:120] if isinstance(answer, dict) else "no JSON answer"
        raise SendError(_digits_masked(f"errcode {code}: {message}"))


def clip(text: str, limit: int = MAX_TEXT_BYTES) -> str:
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode(errors="ignore") + "…"


@dataclass(slots=True)
class WecomChannel:
    """企业微信 group robot: POST {"msgtype": "text", "text": {"content", "mentioned_mobile_list"}}."""

    url: str = field(repr=False)
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    post: Post = field(default=requests.post, repr=False)
    name: str = "wecom"

    def send(self, text: str, *, mobile: str | None) -> None:
        content: dict[str, Any] = {"content": clip(text)}
        if mobile:
            content["mentioned_mobile_list"] = [mobile]
        _robot_answer(_post(self.post, self.url, {"msgtype": "text", "text": content}, self.timeout, {}))


@dataclass(slots=True)
class DingtalkChannel:
    """钉钉 group robot: POST {"msgtype": "text", "text": {"content"}, "at": {"atMobiles"}}; with a 加签
    secret the URL gains `timestamp` (ms) and `sign` = urlencode(base64(HMAC-SHA256(secret,
    f"{timestamp}\\n{secret}")))."""

    url: str = field(repr=False)
    secret: str = field(default="", repr=False)
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    post: Post = field(default=requests.post, repr=False)
    now_ms: Callable[[], int] = field(default=lambda: round(time.time() * 1000), repr=False)
    name: str = "dingtalk"

    def signed_url(self) -> str:
        if not self.secret:
            return self.url
        timestamp = str(self.now_ms())
        digest = hmac.new(self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256)
        sign = urllib.parse.quote_plus(base64.b64encode(digest.digest()))
        return f"{self.url}{'&' if '?' in self.url else '?'}timestamp={timestamp}&sign={sign}"

    def send(self, text: str, *, mobile: str | None) -> None:
        body: dict[str, Any] = {"msgtype": "text", "text": {"content": clip(text)}}
        body["at"] = {"atMobiles": [mobile] if mobile else [], "isAtAll": False}
        _robot_answer(_post(self.post, self.signed_url(), body, self.timeout, {}))


@dataclass(slots=True)
class SmsChannel:
    """A generic SMS gateway: POST {"to": mobile, "text": text} with `Authorization: Bearer <token>`; any 2xx
    is sent."""

    url: str = field(repr=False)
    token: str = field(default="", repr=False)
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    post: Post = field(default=requests.post, repr=False)
    name: str = "sms"

    def send(self, text: str, *, mobile: str | None) -> None:
        if not mobile:
            raise SendError("收件人无手机号", permanent=True)
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        _post(self.post, self.url, {"to": mobile, "text": clip(text)}, self.timeout, headers)


def make_channel(settings: NotifierSettings) -> Channel | None:
    """The configured channel; None when notifications are off (`none`)."""
    match settings.channel:
        case "wecom":
            return WecomChannel(settings.webhook_url, settings.timeout_seconds)
        case "dingtalk":
            return DingtalkChannel(settings.webhook_url, settings.dingtalk_secret, settings.timeout_seconds)
        case "sms":
            return SmsChannel(settings.sms_url, settings.sms_token, settings.timeout_seconds)
    return None
