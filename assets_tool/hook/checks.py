"""Commit-time checks: strip location from staged images, and check what is about to land.

Two modes. With file names (the pre-commit framework passes them, after stashing unstaged
changes) the files in the working tree are the ones examined. Without (the raw Git hook), the
staged images are: only those, so a big repository stays fast, and never a partially staged
file's working-tree version, so no unstaged work is committed or lost. Nothing on this path
re-encodes an image.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import AssetsToolError
from ..privacy import (
    image_kind,
    is_lfs_pointer,
    is_xmp_sidecar,
    read_location,
    strip_file_report,
)
from .git_hook import git

# Raster formats a blog can hold, photo editors' XMP sidecars (they carry the photo's GPS)
# and the videos phones save beside photos (Live Photos, motion photos: QuickTime location);
# the .pre-commit-hooks.yaml `files:` pattern lists the same.
RASTER_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".jpe", ".jfif", ".mpo", ".png", ".apng", ".gif", ".webp", ".tif", ".tiff"}
    | {".dng", ".heic", ".heif", ".hif", ".avif", ".jxl", ".xmp", ".mov", ".mp4", ".m4v"}
)
DEFAULT_MAX_UNTRACKED = 500_000
_LFS_OID = re.compile(rb"^oid sha256:([0-9a-f]{64})$", re.MULTILINE)


@dataclass(frozen=True)
class Problem:
    """One reason a file blocks the commit, printed as `path: reason`."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class HookResult:
    """What a hook run changed and what it found wrong; either one fails the hook."""

    changed: list[str] = field(default_factory=list)
    removed: dict[str, str] = field(default_factory=dict)  # changed file -> the fields found
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tell whether the commit may go ahead."""
        return not (self.changed or self.problems)


@dataclass(frozen=True)
class Candidate:
    """A file to examine, and where its to-be-committed bytes are."""

    name: str  # as printed: relative to the folder the hook runs in
    path: Path  # the working-tree file
    partial: bool = False  # staged content differs from the working tree


def is_raster_name(name: str) -> bool:
    """Tell whether a file name has one of the raster image suffixes."""
    return Path(name).suffix.lower() in RASTER_SUFFIXES


def staged_candidates(repo: Path) -> list[Candidate]:
    """List the staged images (added, copied, modified, renamed) and whether each is partial."""
    out = git(repo, "diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR")
    names = [n for n in out.decode("utf-8", "surrogateescape").split("\0") if is_raster_name(n)]
    partial: set[str] = set()
    for start in range(0, len(names), 500):  # keep each command line short
        chunk = names[start : start + 500]
        changed = git(repo, "diff", "--name-only", "-z", "--", *chunk)
        partial.update(changed.decode("utf-8", "surrogateescape").split("\0"))
    # a staged symlink commits its target's name, not the image it points to
    return [Candidate(n, repo / n, n in partial) for n in names if not (repo / n).is_symlink()]


def given_candidates(files: Iterable[str], cwd: Path) -> list[Candidate]:
    """Wrap file names passed on the command line (the framework passes staged files)."""
    return [Candidate(f, cwd / f) for f in files if is_raster_name(f)]


def lfs_tracked(repo: Path, names: Sequence[str]) -> set[str]:
    """Return which of `names` Git LFS stores (their `filter` attribute is `lfs`)."""
    if not names:
        return set()
    stdin = "".join(f"{n}\0" for n in names).encode("utf-8", "surrogateescape")
    out = git(repo, "check-attr", "-z", "--stdin", "filter", stdin=stdin).decode(
        "utf-8", "surrogateescape"
    )
    fields = out.split("\0")
    return {fields[i] for i in range(0, len(fields) - 2, 3) if fields[i + 2] == "lfs"}


def staged_bytes(repo: Path, name: str) -> bytes:
    """Return the staged content of `name`, from the local LFS store when it is a pointer."""
    return _lfs_content(repo, git(repo, "cat-file", "blob", f":{name}"))


def _lfs_content(repo: Path, blob: bytes) -> bytes:
    """Return the content a Git LFS pointer stands for, from the local store, if it is there."""
    match = _LFS_OID.search(blob) if is_lfs_pointer(blob) else None
    if match is None:
        return blob
    oid = match.group(1).decode()
    common = Path(git(repo, "rev-parse", "--git-common-dir").decode().strip())
    stored = (repo / common / "lfs" / "objects" / oid[:2] / oid[2:4] / oid).resolve()
    try:
        return stored.read_bytes()
    except OSError:
        return blob  # still a pointer: reported as unverifiable


def strip_location(candidates: Sequence[Candidate]) -> HookResult:
    """Remove location data in place from each image; partially staged files are refused."""
    result = HookResult()
    for item in candidates:
        if item.partial:
            result.problems.append(Problem(item.name, _partial_reason(item)))
            continue
        data = _read(item, result)
        if data is None or _unverifiable(item, data, result):
            continue
        try:
            report = strip_file_report(item.path)
            if report is not None:
                result.changed.append(item.name)
                result.removed[item.name] = report.kinds()
        except AssetsToolError as error:
            result.problems.append(Problem(item.name, _what(error)))
    return result


SiteCheck = Callable[[Path], list[str]]


def check_images(
    repo: Path,
    candidates: Sequence[Candidate],
    max_untracked: int = DEFAULT_MAX_UNTRACKED,
    site_check: SiteCheck | None = None,
    site: Path | None = None,
    pushed: tuple[str, str] | None = None,
) -> HookResult:
    """Find location data, unverifiable LFS pointers and large images Git LFS does not store.

    `pushed` is the (from, to) range of commits about to be pushed: every version of each
    file in those commits is checked too, since a later fix does not take location out of
    an earlier commit.
    """
    result = HookResult()
    if pushed is not None:
        _check_history(repo, candidates, pushed, result)
    large: dict[str, int] = {}
    for item in candidates:
        data = staged_bytes(repo, item.name) if item.partial else _read(item, result)
        if data is None or _unverifiable(item, data, result):
            continue
        try:
            report = read_location(data, item.path)
        except AssetsToolError as error:  # metadata too broken to parse safely
            result.problems.append(Problem(item.name, f"cannot verify: {_what(error)}"))
            continue
        if report.findings:
            found = "; ".join(f"{f.where} ({f.detail})" for f in report.findings)
            fix = f"run `assets-tool strip {item.name}` and stage it again"
            result.problems.append(Problem(item.name, f"location data: {found}; {fix}"))
        elif report.unchecked:
            result.problems.append(Problem(item.name, f"cannot verify: {report.unchecked}"))
        if max_untracked and len(data) > max_untracked:
            large[item.name] = len(data)
    tracked = lfs_tracked(repo, list(large))
    for name, size in large.items():
        if name not in tracked:
            result.problems.append(Problem(name, _untracked_reason(name, size, max_untracked)))
    if site is not None and site_check is not None:
        for line in site_check(site):
            path, _, reason = line.partition(": ")
            if not reason:
                path, reason = str(site), line
            result.problems.append(Problem(_shown(Path(path), repo), reason))
    return result


def _check_history(
    repo: Path, candidates: Sequence[Candidate], pushed: tuple[str, str], result: HookResult
) -> None:
    """Report location in any version of the candidates that the pushed commits hold."""
    paths: dict[str, Path | None] = {item.name: item.path for item in candidates}
    span = f"{pushed[0]}..{pushed[1]}"
    for name in _gone_in(repo, span, pushed[1]):
        paths.setdefault(name, None)  # added and deleted (or renamed away) before the push
    names = list(paths)
    if not names:
        return
    commits = git(repo, "log", "--format=%H", span, "--", *names).decode().split()
    seen: set[bytes] = set()
    for commit in commits:
        listing = git(repo, "ls-tree", "-z", commit, "--", *names).split(b"\0")
        for line in filter(None, listing):
            info, _, raw_name = line.partition(b"\t")
            blob, name = info.split()[2], raw_name.decode("utf-8", "surrogateescape")
            if blob in seen:
                continue
            seen.add(blob)
            _check_blob(repo, (name, paths.get(name)), blob.decode(), commit, result)


def _gone_in(repo: Path, span: str, end: str) -> list[str]:
    """List the images some commit of `span` touched that the last commit no longer has."""
    out = git(repo, "log", "--format=", "--name-only", "--no-renames", "-z", span)
    touched = {n for n in out.decode("utf-8", "surrogateescape").split("\0") if is_raster_name(n)}
    if not touched:
        return []
    names = sorted(touched)
    there = git(repo, "ls-tree", "--name-only", "-z", end, "--", *names)
    present = set(there.decode("utf-8", "surrogateescape").split("\0"))
    return [name for name in names if name not in present]


def _check_blob(
    repo: Path, file: tuple[str, Path | None], blob: str, commit: str, result: HookResult
) -> None:
    name, path = file
    data = _lfs_content(repo, git(repo, "cat-file", "blob", blob))
    if is_lfs_pointer(data) or not _examinable(data):
        return  # content not here (the working-tree check says so) or not an image
    if path is not None and path.is_file() and path.read_bytes() == data:
        return  # the working-tree check reports this very version
    try:
        report = read_location(data, Path(name))
    except AssetsToolError:
        return  # the working-tree check reports unparsable files
    if report.findings:
        found = "; ".join(f"{f.where} ({f.detail})" for f in report.findings)
        fix = (
            "rewrite the unpushed commits so that none holds this version "
            f"(e.g. `git rebase -i {commit[:10]}^`), then push again"
        )
        reason = f"location data in commit {commit[:10]}: {found}; {fix}"
        result.problems.append(Problem(name, reason))


def _shown(path: Path, base: Path) -> str:
    """Print a path relative to where the hook runs when it lies inside it."""
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def _read(item: Candidate, result: HookResult) -> bytes | None:
    try:
        return item.path.read_bytes()
    except OSError as exc:
        result.problems.append(Problem(item.name, f"cannot read ({exc.strerror})"))
        return None


def _unverifiable(item: Candidate, data: bytes, result: HookResult) -> bool:
    """Report a Git LFS pointer; tell whether the file is to be skipped (pointer or not raster)."""
    if is_lfs_pointer(data):
        reason = (
            "cannot verify: LFS content not present (the file is a Git LFS pointer); "
            f'fetch it with `git lfs pull --include="{item.name}"` and commit again'
        )
        result.problems.append(Problem(item.name, reason))
        return True
    return not _examinable(data)


def _examinable(data: bytes) -> bool:
    """Tell whether the content is an image or an XMP sidecar (an SVG or text is neither)."""
    return image_kind(data[:256]) is not None or is_xmp_sidecar(data)


def _partial_reason(item: Candidate) -> str:
    if not item.path.exists():
        return "staged, but deleted from the working tree; restore it or unstage it"
    return (
        f"partially staged: stage the whole file (`git add {item.name}`) or strip it with "
        f"`assets-tool strip {item.name}` and stage it"
    )


def _untracked_reason(name: str, size: int, limit: int) -> str:
    suffix = Path(name).suffix.lower()
    return (
        f"{size / 1e6:.1f} MB image is not tracked by Git LFS (limit {limit / 1e3:.0f} kB); run "
        f'`git lfs track "*{suffix}"`, then `git add .gitattributes` and '
        f"`git add --renormalize {name}`"
    )


def _what(error: AssetsToolError) -> str:
    return f"{error.what}; {error.fix}" if error.fix else error.what
