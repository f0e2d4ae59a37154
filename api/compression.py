"""gzip for JSON responses when the client accepts it: a day's route over a weak village signal is a few KB
instead of tens. Small bodies are left alone, where the header would cost more than it saves."""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

MIN_BYTES = 1024


def gzip_json(app: Flask, *, level: int = 6) -> None:
    @app.after_request
    def _gzip(response: Response) -> Response:
        if response.mimetype != "application/json":
            return response
        response.vary.add("Accept-Encoding")
        if (
            response.status_code != 200
            or response.direct_passthrough
            or "Content-Encoding" in response.headers
            or not request.accept_encodings["gzip"]
        ):
            return response
        body = response.get_data()
        if len(body) < MIN_BYTES:
            return response
        # mtime=0: the same body compresses to the same bytes, as an ETag'd resource should.
        response.set_data(gzip.compress(body, compresslevel=level, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
        return response
