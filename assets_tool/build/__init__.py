"""The main job's flow, used by the CLI and the hook alike: scan, resolve, render, strip, rewrite.

The only package that wires the stages together: `flow` runs them in order, `images` is the
image half (render in an executor, publish variants, strip originals), `posts` the text half
(rewrite each post by span), `manifest` the content-addressed record of variants, `listing`
the `scan` command's report, `cluster` the executor variants are encoded on (a local
process pool or a Dask cluster). It knows nothing of the command line or of Git.
"""

from __future__ import annotations

from ..report import BuildMode, BuildReport
from .cluster import Encoders, open_encoders, scheduler_address
from .flow import build_site, check_posts, load_site_config
from .images import Progress
from .listing import Row, inventory

__all__ = [
    "BuildMode",
    "BuildReport",
    "Encoders",
    "Progress",
    "Row",
    "build_site",
    "check_posts",
    "inventory",
    "load_site_config",
    "open_encoders",
    "scheduler_address",
]
