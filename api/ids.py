"""Record ids at the HTTP edge: within the database's INTEGER, or the request never reaches a query.

Every id column is a 32-bit INTEGER on PostgreSQL; a larger number in a path, query or body made the driver
fail (SQLite: OverflowError past 64 bits; PostgreSQL: integer out of range past 32) and answered 500.
"""

from __future__ import annotations

from marshmallow import validate
from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1
ID_RANGE = validate.Range(min=1, max=MAX_ID)


class IdConverter(IntegerConverter):
    """`<id:elder_id>`: 1 to MAX_ID, else no route matches and the answer is 404, as for a missing record.

    flask-smorest documents it from IntegerConverter's min and max (`minimum: 1, maximum: 2147483647`)."""

    def __init__(self, map: Map) -> None:  # werkzeug passes the map by this name
        super().__init__(map, min=1, max=MAX_ID)
