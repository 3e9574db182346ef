"""`build --revert`: put every reference the tool rewrote back as its author wrote it.

A revert touches posts only. It needs no image, so a reference to a missing or misplaced
file, which a build reports as an error, is only a warning here: it cannot stop the revert.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from ..errors import AssetsToolError, ResolveError
from ..models import RefKind
from ..report import BuildMode, BuildReport
from ..scan import Collection, Post
from .manifest import load_manifest
from .posts import apply_edits


def revert_site(collection: Collection, folder: Path, mode: BuildMode, report: BuildReport) -> None:
    """Restore the authors' references in every post, and say what the revert left behind."""
    posts = {post.path for post in collection.posts}
    kept: list[AssetsToolError] = []
    for error in report.errors:
        if isinstance(error, ResolveError) and error.path in posts:
            report.warnings.append(error.message)
        else:
            kept.append(error)
    report.errors = kept
    for post in collection.posts:
        _revert_post(post, mode, report)
    report.variants_bytes = sum(size or 0 for size in load_manifest(folder).entries.values())
    if folder.is_dir():
        report.notes.append(
            f"{folder}: the variants folder was left in place (the reverted posts no longer use "
            f"it); remove it with `rm -r {shlex.quote(str(folder))}`"
        )


def _revert_post(post: Post, mode: BuildMode, report: BuildReport) -> None:
    # every generated reference, resolved or not: restoring it needs no image file
    edits = [
        (ref.start, ref.end, ref.original)
        for ref in post.scanned.refs
        if ref.kind is RefKind.GENERATED and ref.original is not None and ref.skip is None
    ]
    apply_edits(post, edits, mode, report)
