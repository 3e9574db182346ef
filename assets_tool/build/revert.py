"""`build --revert`: put every reference the tool rewrote back as its author wrote it.

A revert touches posts only. It needs no image, so a reference to a missing or misplaced
file, which a build reports as an error, is only a warning here: it cannot stop the revert.
"""

from __future__ import annotations

import difflib
import shlex
from pathlib import Path

from ..atomic import write_atomic
from ..errors import AssetsToolError, ResolveError
from ..models import RefKind
from ..report import BuildMode, BuildReport
from ..rewrite import splice
from ..scan import Collection, Post
from .manifest import load_manifest


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
    new_text = splice(post.text, edits)
    if new_text == post.text:
        return
    if mode.writes:
        try:
            write_atomic(post.path, new_text.encode("utf-8"))
        except OSError as exc:
            fix = "check the file's permissions and free space"
            report.errors.append(
                AssetsToolError(post.path, f"cannot rewrite ({exc.strerror})", fix)
            )
            return
    report.posts_changed.append(post.path)
    if mode.dry_run:
        report.diffs.append(_diff(post.path, post.text, new_text))


def _diff(path: Path, old: str, new: str) -> str:
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )
