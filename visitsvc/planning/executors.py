"""Where a run's solves go: in turn, a local process pool, or a Dask cluster. The one place that decides it
for the CLI (`plan`, `replan`) and the scheduler's planning jobs.

A configured cluster (VISITSVC_DASK_SCHEDULER) that cannot be reached fails the run with `ClusterUnreachable`:
no quiet fallback to this machine's cores, which would hide a misconfiguration until a city's night overran
(the scheduler records the failure in job_runs; the CLI refuses with the message).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from visitsvc.kernel.errors import DomainError

DASK_SCHEMES = ("tcp://", "tls://")
# Long enough for a scheduler on another machine under load, short enough that a wrong address fails the
# night's job within a minute rather than hanging it.
CONNECT_SECONDS = 20.0

ExecutorName = Literal["process", "serial", "dask"]


class ClusterUnreachable(DomainError):
    """The configured Dask scheduler did not answer within the connect timeout."""

    code = "cluster_unreachable"


def check_dask_address(address: str, *, name: str = "VISITSVC_DASK_SCHEDULER") -> str:
    """`address` if it is a scheduler address (`tcp://host:port` or `tls://host:port`); ValueError if not."""
    scheme = next((s for s in DASK_SCHEMES if address.startswith(s)), None)
    host, _, port = address.removeprefix(scheme or "").rpartition(":")
    if scheme is None or not host or not port.isdigit():
        raise ValueError(
            f"{name} must be tcp://host:port or tls://host:port of a Dask scheduler; got {address!r}"
        )
    return address


@dataclass(frozen=True, slots=True)
class Solving:
    """How a run solves its worker problems. `dask` with no address starts a cluster on this machine (one
    worker process per core), as `plan --executor dask` always did."""

    executor: ExecutorName = "process"
    dask_scheduler: str | None = None
    connect_seconds: float = CONNECT_SECONDS

    @classmethod
    def configured(cls, dask_scheduler: str | None) -> Solving:
        """The scheduler's jobs: on the configured cluster, else this machine's process pool."""
        return cls("dask", dask_scheduler) if dask_scheduler else cls()

    @contextmanager
    def open(self) -> Iterator[str | Any]:
        """The executor for `routing.solve_many` during one run: a name, or a connected `distributed.Client`
        closed when the run ends (one connection per run: nothing held between nightly jobs)."""
        if self.executor != "dask":
            yield self.executor
            return
        from distributed import Client, LocalCluster

        if self.dask_scheduler is None:
            with LocalCluster(processes=True, threads_per_worker=1) as cluster, Client(cluster) as local:  # type: ignore[no-untyped-call]
                yield local
            return
        try:
            client = Client(self.dask_scheduler, timeout=self.connect_seconds)  # type: ignore[no-untyped-call]
        except OSError:  # distributed's connect timeout, a refused or unresolvable address
            raise ClusterUnreachable(
                f"Dask scheduler {self.dask_scheduler} did not answer within {self.connect_seconds:g} s"
            ) from None
        with client:
            yield client
