"""Exit 0 when the PostgreSQL server for the tests answers (used by `make test`)."""

from __future__ import annotations

import os
import sys

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from tests.conftest import DEFAULT_PG_URL


def main() -> int:
    engine = create_engine(
        os.environ.get("VISITSVC_TEST_PG_URL", DEFAULT_PG_URL), connect_args={"connect_timeout": 3}
    )
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError:
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
