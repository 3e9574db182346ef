"""Where variants are encoded: a local process pool, or the workers of a Dask cluster.

Dask's client hands out a standard `concurrent.futures.Executor`, so the build drives a
cluster through the same seam as the local pool: no distribution code of our own. Only the
driver reads and writes files; workers receive source bytes and return encoded bytes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..config import Config
from ..errors import ConfigError

# how long to wait for a scheduler before saying it cannot be reached
CONNECT_TIMEOUT = "10s"
INSTALL_HINT = 'install the extra: pip install "assets-tool[dask]"'


@dataclass(frozen=True)
class Encoders:
    """An executor to encode on, and how many encodes it runs at once (None: the default)."""

    executor: Executor | None
    slots: int | None = None


class DaskExecutor(Executor):
    """Submit straight to a Dask client; its futures have the `result()` the build calls.

    Not `Client.get_executor()`: its wrapper reads a task's status after fetching its result,
    so a worker that dies just after finishing a task turns that result into a spurious
    `ValueError` (distributed 2026.8, `cfexecutor._cascade_future`). The client's own futures
    wait for Dask to recompute lost results instead.
    """

    def __init__(self, client: Any) -> None:
        self._client = client

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Run `fn(*args, **kwargs)` on a worker (every call a task of its own)."""
        future: Future[Any] = self._client.submit(fn, *args, pure=False, **kwargs)
        return future


def scheduler_address(config: Config) -> str:
    """Return the Dask scheduler to use: the setting, else DASK_SCHEDULER_ADDRESS, else ""."""
    return config.scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS", "")


@contextmanager
def open_encoders(config: Config) -> Iterator[Encoders]:
    """Connect to the configured Dask scheduler, or leave the choice to the local pool.

    The connection is made before any work starts, so an unreachable scheduler fails fast
    with its address instead of hanging the build.
    """
    address = scheduler_address(config)
    if not address:
        yield Encoders(None)
        return
    try:
        from distributed import Client
    except ImportError as exc:
        raise ConfigError(
            None, f"scheduler {address} set but Dask is not installed", INSTALL_HINT
        ) from exc
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ConfigError(
            None,
            f"cannot reach the Dask scheduler at {address} ({exc.__class__.__name__}: {exc})",
            "check the address (tcp://host:8786) and that the scheduler is running",
        ) from exc
    try:
        threads = sum(client.nthreads().values())
        yield Encoders(DaskExecutor(client), max(1, threads))
    finally:
        client.close()
