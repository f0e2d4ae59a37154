"""Visit photos are recognised by their first bytes, never by a file name or a declared type."""

from __future__ import annotations

ALLOWED_TYPES = ("image/jpeg", "image/png", "image/webp")


def sniff(data: bytes) -> str | None:
    """The image type the bytes really are, if it is one we keep."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None
