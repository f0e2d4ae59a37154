"""How large a request body may be, per route: small unless a route needs more.

Flask's MAX_CONTENT_LENGTH is the default for every route; the few routes that take files or batches raise it
for their own requests (request.max_content_length, Flask >= 3.1) before anything reads the body. Werkzeug
refuses a larger body with 413 before reading it (by Content-Length) or once the limit is read (chunked), and
the error handlers answer in the one shape (the console with its page).
"""

from __future__ import annotations

from flask import Flask, request

from visitsvc.config import Settings

KIB = 1024
MIB = 1024 * KIB
# Every JSON body but a sync batch: the largest legal one (a visit with five 500-character notes and 20 photo
# notes, every character \u-escaped) is about 17 KiB; 200 moves about 16 KiB.
DEFAULT_BODY_BYTES = 1 * MIB
# 200 records: about 235 KiB as a phone sends them (four short findings notes, a follow-up, three photos),
# 3.2 MiB if every record held every field at its longest with every character \u-escaped.
SYNC_BODY_BYTES = 4 * MIB
# A multipart body wraps the file in a boundary and part headers: a few hundred bytes, granted generously.
MULTIPART_OVERHEAD_BYTES = 64 * KIB


def body_limits(settings: Settings) -> dict[str, int]:
    """Endpoint -> the largest body it accepts; any other endpoint accepts DEFAULT_BODY_BYTES."""
    imports = settings.max_import_bytes + MULTIPART_OVERHEAD_BYTES
    return {
        "elders.ElderImport": imports,
        "console.ledger_check": imports,
        "console.ledger_import": imports,
        "field.VisitPhotos": settings.field_rules.max_photo_bytes + MULTIPART_OVERHEAD_BYTES,
        "field.MySync": SYNC_BODY_BYTES,
    }


def init_app(app: Flask, settings: Settings) -> None:
    """Registered before any other before_request hook, so no hook reads a body under the default."""
    app.config["MAX_CONTENT_LENGTH"] = DEFAULT_BODY_BYTES
    limits = body_limits(settings)

    @app.before_request
    def _body_limit() -> None:
        limit = limits.get(request.endpoint or "")
        if limit is not None:
            request.max_content_length = limit
