"""A file the services made (an export, a report, a statement) as the answer that downloads it."""

from __future__ import annotations

from typing import Protocol

from flask import Response


class Download(Protocol):
    @property
    def content(self) -> bytes: ...
    @property
    def media_type(self) -> str: ...
    @property
    def filename(self) -> str: ...


def attachment(file: Download) -> Response:
    """Saved, never shown in the browser; `no-store`: it holds (masked) personal data, kept by no cache."""
    return Response(
        file.content,
        mimetype=file.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{file.filename}"',
            "Cache-Control": "no-store",
        },
    )
