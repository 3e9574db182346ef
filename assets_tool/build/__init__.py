"""The main job's flow, used by the CLI and the hook alike: scan, resolve, render, strip, rewrite.

The only package that wires the stages together: `flow` runs them in order, `images` is the
image half (render in an executor, publish variants, strip originals), `posts` the text half
(rewrite each post by span), `revert` the `--revert` run, `manifest` the content-addressed
record of variants, `relocate` the cleaning of a former `output_dir`, `estimates` the sizes of
variants a run plans but does not encode, `listing` the `scan` command's report, `lock` one
run at a time per site, `cluster` the executor variants are encoded on (a local process
pool or a Dask cluster). It knows nothing of the command line or of Git.
"""

from __future__ import annotations

from ..report import BuildMode, BuildReport
from .cluster import Encoders, open_encoders, scheduler_address
from .flow import build_site, check_posts, load_site_config
from .images import Progress
from .listing import Row, inventory
from .lock import BusyError, site_lock

__all__ = [
    "BuildMode",
    "BuildReport",
    "BusyError",
    "Encoders",
    "Progress",
    "Row",
    "build_site",
    "check_posts",
    "inventory",
    "load_site_config",
    "open_encoders",
    "scheduler_address",
    "site_lock",
]
