"""What encryption at rest costs a read: 50,000 elders' four sealed values (docs/adr/0013).

`python -m benchmarks.decrypt [--rows 50000]` times, on an in-memory SQLite table shaped like the sealed
columns of `elders`: sealing every value, reading every row back through the encrypted column types, and
the same read of plain strings, so the difference is what the planner's load of a city pays.
"""

from __future__ import annotations

import argparse
import time
from datetime import date

from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, select

from visitsvc.kernel import crypto
from visitsvc.model.encrypted import EncryptedDate, EncryptedString


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rows", type=int, default=50_000)
    rows = p.parse_args().rows
    crypto.install(crypto.Keyring.parse(f"k1:{crypto.generate_key()}", crypto.generate_key()))
    meta = MetaData()
    sealed = Table(
        "sealed",
        meta,
        Column("id", Integer, primary_key=True),
        Column("id_number", EncryptedString("elders.id_number")),
        Column("birth_date", EncryptedDate("elders.birth_date")),
        Column("phone", EncryptedString("elders.phone")),
        Column("emergency_phone", EncryptedString("elders.emergency_phone")),
    )
    plain = Table(
        "plain", meta, Column("id", Integer, primary_key=True), Column("id_number", String),
        Column("birth_date", String), Column("phone", String), Column("emergency_phone", String),
    )  # fmt: skip
    engine = create_engine("sqlite://")
    meta.create_all(engine)
    values = [
        {"id_number": f"330106{1930 + i % 40}0517{i % 1000:03d}X", "birth_date": date(1930 + i % 40, 5, 17),
         "phone": f"139{i:08d}", "emergency_phone": f"0571-8{i % 10_000_000:07d}"}
        for i in range(rows)
    ]  # fmt: skip
    with engine.begin() as conn:
        started = time.perf_counter()
        conn.execute(insert(sealed), values)
        seal = time.perf_counter() - started
        conn.execute(insert(plain), [{**v, "birth_date": v["birth_date"].isoformat()} for v in values])
    with engine.connect() as conn:
        started = time.perf_counter()
        got = conn.execute(select(sealed)).all()
        read_sealed = time.perf_counter() - started
        started = time.perf_counter()
        conn.execute(select(plain)).all()
        read_plain = time.perf_counter() - started
    assert got[-1].phone == values[-1]["phone"]
    print(f"{rows} rows x 4 values: seal+insert {seal:.2f} s, read sealed {read_sealed:.2f} s, "
          f"read plain {read_plain:.2f} s, decrypt cost {read_sealed - read_plain:.2f} s "
          f"({(read_sealed - read_plain) / (4 * rows) * 1e6:.1f} µs per value)")  # fmt: skip


if __name__ == "__main__":
    main()
