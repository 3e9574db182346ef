"""Rendering on a Dask cluster and sharding across CI jobs, through the CLI.

A real `distributed.LocalCluster` (two worker processes, loopback only) stands in for a
cluster; every build is compared byte for byte with a build in the local process pool.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from examples.make_site import generate_photos, make_site
from tests.helpers import CLI, run_cli, tree_digest

VARIANTS = "assets/img/variants"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Client]:
    """Two single-threaded worker processes behind a scheduler on 127.0.0.1."""
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        ) as local,
        Client(local) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def local_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The example site built in the local process pool: what every cluster build must equal."""
    site = tmp_path_factory.mktemp("local") / "site"
    make_site(site, photos=generate_photos())
    done = run_cli("build", site)
    assert done.returncode == 0, done.stderr
    return tree_digest(site)


def _site(tmp_path: Path, name: str) -> Path:
    site = tmp_path / name
    make_site(site, photos=generate_photos())
    return site


def _address(client: Client) -> str:
    return str(client.scheduler.address)


def test_cluster_build_equals_the_local_build_and_runs_on_the_workers(
    tmp_path: Path, cluster: Client, local_build: dict[str, str]
) -> None:
    site = _site(tmp_path, "site")
    done = run_cli("build", site, "--scheduler", _address(cluster))
    assert done.returncode == 0, done.stderr
    assert "7 images" in done.stderr
    assert tree_digest(site) == local_build
    # the encodes ran on the cluster, not in a local pool
    prefixes = cluster.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.task_prefixes))
    assert "encode" in prefixes


def test_a_worker_killed_mid_run_costs_only_its_tasks(
    tmp_path: Path, cluster: Client, local_build: dict[str, str]
) -> None:
    site = _site(tmp_path, "site")
    before = cluster.run(os.getpid)
    build = subprocess.Popen(
        [*CLI, "build", str(site), "--scheduler", _address(cluster)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    variants = site / VARIANTS
    deadline = time.monotonic() + 120
    # kill once the first results have come back, so the run is surely under way
    while not (variants.is_dir() and any(variants.glob("*.webp"))):
        assert build.poll() is None, build.communicate()
        assert time.monotonic() < deadline, "no variant appeared"
        time.sleep(0.05)
    victim = sorted(before.values())[0]
    os.kill(victim, signal.SIGKILL)
    _, err = build.communicate(timeout=300)
    assert build.returncode == 0, err
    assert tree_digest(site) == local_build
    cluster.wait_for_workers(2, timeout=300)  # a loaded machine restarts it slowly
    assert victim not in cluster.run(os.getpid).values()  # the nanny started a new worker


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_scheduler_is_named_before_any_work(tmp_path: Path) -> None:
    # the option and DASK_SCHEDULER_ADDRESS (honoured as Dask users expect) run side by side:
    # each waits out the connection timeout
    address = f"tcp://127.0.0.1:{_free_port()}"
    runs = {}
    for via in ("option", "environment"):
        site = _site(tmp_path, via)
        args: list[str | Path] = ["build", site]
        env = {**os.environ}
        if via == "option":
            args += ["--scheduler", address]
        else:
            env["DASK_SCHEDULER_ADDRESS"] = address
        process = subprocess.Popen(
            [*CLI, *map(str, args)], stderr=subprocess.PIPE, text=True, env=env
        )
        runs[via] = (site, tree_digest(site), process)
    for via, (site, before, process) in runs.items():
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 1, via
        assert f"cannot reach the Dask scheduler at {address}" in stderr, via
        assert "Traceback" not in stderr
        assert tree_digest(site) == before  # nothing encoded, stripped or rewritten


def test_shards_are_disjoint_cover_everything_and_a_final_build_only_rewrites(
    tmp_path: Path, local_build: dict[str, str]
) -> None:
    jobs = [_site(tmp_path, f"job{k}") for k in (1, 2, 3)]
    untouched = tree_digest(jobs[0])
    rendered: list[set[str]] = []
    for k, site in enumerate(jobs, start=1):
        done = run_cli("build", site, "--shard", f"{k}/3")
        assert done.returncode == 0, done.stderr
        tree = tree_digest(site)
        # a shard job renders variants only: posts and originals are as they were
        assert {p: h for p, h in tree.items() if not p.startswith(VARIANTS)} == untouched
        rendered.append({p for p in tree if p.startswith(VARIANTS) and "manifest" not in p})
    everything = {p for p in local_build if p.startswith(VARIANTS) and "manifest" not in p}
    assert set().union(*rendered) == everything
    assert sum(len(names) for names in rendered) == len(everything)  # no variant twice
    # the final job gets every shard's variants folder (CI artifacts) and only rewrites
    final = _site(tmp_path, "final")
    for site in jobs:
        shutil.copytree(site / VARIANTS, final / VARIANTS, dirs_exist_ok=True)
    done = run_cli("build", final, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["variants_written"] == 0
    assert len(report["posts_changed"]) == 1
    assert tree_digest(final) == local_build  # shard manifests merged into the one manifest


def test_a_bad_shard_is_a_usage_error(tmp_path: Path) -> None:
    site = _site(tmp_path, "site")
    for bad in ("3/2", "0/2", "x", "1/0"):
        done = run_cli("build", site, "--shard", bad)
        assert done.returncode == 2, (bad, done.stderr)
        assert "K/N" in done.stderr
