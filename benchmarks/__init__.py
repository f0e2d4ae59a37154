"""Benchmarks: `routing` (`python -m benchmarks.solomon|month|city|ruin_rounds`), the service end to end
(`import_bench`, `plan_city`, `replan`, `route_load`, `sync_load`). Not tests: they time things.

Data lives outside the project, in `../shared/benchmarks` relative to the repository (override with
VISITSVC_BENCHMARKS or `--data`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "benchmarks"


def data_dir(flag: str | None) -> Path:
    path = Path(flag or os.environ.get("VISITSVC_BENCHMARKS") or DEFAULT_DATA)
    if not path.is_dir():
        raise SystemExit(f"benchmark data not found at {path} (set VISITSVC_BENCHMARKS or --data)")
    return path


def parser(description: str, *, search: bool = True) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", help="benchmark data folder (default ../shared/benchmarks)")
    p.add_argument("--json", action="store_true", help="print one JSON document and nothing else")
    if search:
        p.add_argument("--first-solution", default="PARALLEL_CHEAPEST_INSERTION")
        p.add_argument("--metaheuristic", default="GUIDED_LOCAL_SEARCH")
        p.add_argument(
            "--override",
            action="append",
            default=[],
            type=override,
            help="search parameter PATH=VALUE, repeatable",
        )
        p.add_argument("--ruins", type=int, default=0, help="rounds of ruin and recreate after the search")
        p.add_argument("--start", default="solver", choices=["solver", "sweep"], help="routing.Options.start")
    return p


def override(text: str) -> tuple[str, bool | int | float]:
    """`routing.Options.search_overrides` from the command line: true/false, integers, decimals."""
    path, _, raw = text.partition("=")
    if raw.lower() in {"true", "false"}:
        return path, raw.lower() == "true"
    return path, float(raw) if "." in raw else int(raw)


class Reporter:
    """Progress lines for a person at a terminal; silence (and one JSON document at the end) otherwise."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def line(self, text: str) -> None:
        if not self.quiet:
            print(text, flush=True)

    def progress(self, done: int, total: int) -> None:
        if not self.quiet and sys.stderr.isatty():
            print(f"\r{done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    def result(self, document: object) -> None:
        if self.quiet:
            json.dump(document, sys.stdout, indent=1, default=str)
            print()


def percent_summary(gaps: Sequence[float]) -> dict[str, float]:
    if not gaps:
        return {"mean": float("nan"), "median": float("nan"), "max": float("nan")}
    return {"mean": statistics.fmean(gaps), "median": statistics.median(gaps), "max": max(gaps)}
