"""Install the raw Git pre-commit hook, chaining to a hook that was already there.

The installed file is entirely ours (recognised by its marker lines). A hook that existed
before is moved aside, run first by ours, and moved back byte for byte by `uninstall`.
Only `pre-commit` is touched, so the hooks `git lfs install` writes keep working.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import HookError

HOOK_NAME = "pre-commit"
CHAINED_SUFFIX = ".assets-tool-chained"
LEGACY_SUFFIX = ".legacy"  # where `pre-commit install` moves a hook it finds
BEGIN_MARKER = "# >>> assets-tool pre-commit hook >>>"
END_MARKER = "# <<< assets-tool pre-commit hook <<<"
# Every hook file the pre-commit framework writes carries one of these ids.
FRAMEWORK_IDS = (
    "138fd403232d2ddd5efb44317e38bf03",
    "4d9958c90bc262f47553e2c073f14cfe",
    "d8ee923c46731b42cd95cc869add4062",
    "49fd668cb42069aa1b6048464be5d395",
    "79f09a650522a87b0da915d0d983b2de",
    "e358c9dae00eac5d06b38dfdb1e33a8c",
)

SCRIPT = """#!/bin/sh
{begin}
# Keeps location data and large non-LFS images out of commits. Written by
# `assets-tool hook install`; `assets-tool hook uninstall` removes it and puts back the
# hook it chains to.
chained="$(dirname "$0")/{chained}"
if [ -x "$chained" ]; then
    "$chained" "$@" || exit $?
fi
tool={tool}
if ! command -v "$tool" >/dev/null 2>&1; then
    tool=assets-tool
fi
if ! command -v "$tool" >/dev/null 2>&1; then
    echo "assets-tool pre-commit hook: assets-tool not found; install it, or remove this" \\
        "hook with \\`assets-tool hook uninstall\\`" >&2
    exit 1
fi
"$tool" hook strip-location && "$tool" hook check-images || exit $?
{end}
"""
# What earlier versions ended their block with: still recognised as ours, untouched by hand.
_OLD_LAST_LINES = ('"$tool" hook strip-location && "$tool" hook check-images\n',)
_TOOL_LINE = re.compile(r"^tool=.*$", re.MULTILINE)


@dataclass(frozen=True)
class InstallResult:
    """What `install` or `uninstall` did, for the command to report."""

    hook: Path
    action: str  # "installed", "updated", "unchanged", "removed", "not installed"
    chained: Path | None = None  # the earlier hook ours runs first (or that was put back)


def git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run `git ARGS` in `repo` and return its stdout, raising HookError on failure."""
    try:
        done = subprocess.run(
            ["git", "--literal-pathspecs", *args],
            cwd=repo,
            input=stdin,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError as exc:
        raise HookError(repo, "git is not installed", "install git") from exc
    if done.returncode != 0:
        cause = done.stderr.decode(errors="replace").strip() or f"exit {done.returncode}"
        raise HookError(
            repo, f"`git {' '.join(args)}` failed ({cause})", "run it inside a Git work tree"
        )
    return done.stdout


def hooks_dir(repo: Path) -> Path:
    """Return the folder Git runs hooks from (honours core.hooksPath and worktrees)."""
    out = git(repo, "rev-parse", "--git-path", "hooks").decode().strip()
    # A relative answer is relative to where git ran; core.hooksPath is relative to the top level.
    return (repo / out).resolve() if not Path(out).is_absolute() else Path(out)


def tool_command() -> str:
    """Return the absolute path of the assets-tool script that is running, or its bare name."""
    beside = Path(sys.executable).parent / "assets-tool"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("assets-tool") or "assets-tool"


def render_script(tool: str) -> str:
    """Return the text of the hook that runs `tool`'s checks after any chained hook."""
    return SCRIPT.format(
        begin=BEGIN_MARKER,
        end=END_MARKER,
        chained=HOOK_NAME + CHAINED_SUFFIX,
        tool=shlex.quote(tool),
    )


def is_ours(path: Path) -> bool:
    """Tell whether the hook file at `path` was written by `install`."""
    text = _read_text(path)
    start = text.find(BEGIN_MARKER)
    return start >= 0 and text.find(END_MARKER, start) >= 0


def is_framework_hook(path: Path) -> bool:
    """Tell whether the hook file at `path` was written by `pre-commit install`."""
    text = _read_text(path)
    return any(marker in text for marker in FRAMEWORK_IDS)


def install(repo: Path, *, force: bool = False, tool: str | None = None) -> InstallResult:
    """Write our pre-commit hook into `repo`; move a foreign hook aside and chain to it."""
    folder = hooks_dir(repo)
    hook = folder / HOOK_NAME
    chained = folder / (HOOK_NAME + CHAINED_SUFFIX)
    text = render_script(tool or tool_command())
    keeps = chained if os.path.lexists(chained) else None
    if os.path.lexists(hook) and is_ours(hook):
        return _update(hook, text, keeps)
    if os.path.lexists(hook):
        _check_can_chain(hook, chained, force)
        script = _new_script(folder, text)
        os.rename(hook, chained)  # a rename keeps the bytes, mode and symlink-ness exactly
        os.replace(script, hook)
        return InstallResult(hook, "installed", chained)
    os.replace(_new_script(folder, text), hook)
    return InstallResult(hook, "installed", keeps)


def _update(hook: Path, text: str, keeps: Path | None) -> InstallResult:
    """Refresh our block in an installed hook, keeping any lines the user added around it."""
    before, block, after = _split(_read_text(hook))
    if not _pristine(block):
        raise HookError(hook, "the assets-tool part of this hook was edited by hand", _MOVE_EDITS)
    _, new_block, _ = _split(text)
    new_text = before + new_block + after
    if new_text == _read_text(hook):
        return InstallResult(hook, "unchanged", keeps)
    _replace_keeping_mode(hook, new_text)
    return InstallResult(hook, "updated", keeps)


_MOVE_EDITS = (
    "move your changes outside the `# >>> assets-tool` / `# <<< assets-tool` marker lines "
    "(or delete the hook file), then run the command again"
)


def _split(text: str) -> tuple[str, str, str]:
    """Cut a hook's text into what precedes our marked block, the block, and what follows."""
    start = text.index(BEGIN_MARKER)
    end = text.index(END_MARKER, start) + len(END_MARKER)
    if text[end : end + 1] == "\n":
        end += 1
    return text[:start], text[start:end], text[end:]


def _pristine(block: str) -> bool:
    """Tell whether our block is as `install` wrote it (any tool path, any earlier version)."""
    _, template, _ = _split(render_script("assets-tool"))
    normal = _TOOL_LINE.sub("tool=", block)
    current = _TOOL_LINE.sub("tool=", template)
    last = '"$tool" hook strip-location && "$tool" hook check-images || exit $?\n'
    return normal == current or any(normal == current.replace(last, old) for old in _OLD_LAST_LINES)


def _user_lines(before: str, after: str) -> bool:
    """Tell whether a hook holds lines of the user's own around our block."""
    return bool(before.replace("#!/bin/sh\n", "", 1).strip() or after.strip())


def _replace_keeping_mode(hook: Path, text: str) -> None:
    mode = hook.stat().st_mode & 0o7777
    script = _new_script(hook.parent, text)
    os.chmod(script, mode)
    os.replace(script, hook)


def uninstall(repo: Path) -> InstallResult:
    """Remove our pre-commit hook from `repo` and put back the hook it chained to, if any.

    Lines the user added to the hook after `install` are kept (only our block goes); a hook
    whose own block was edited, or an edited hook with a chained one behind it, is refused.
    """
    folder = hooks_dir(repo)
    chained = folder / (HOOK_NAME + CHAINED_SUFFIX)
    # `pre-commit install` run after ours renames ours to pre-commit.legacy and runs it from
    # there; our chained hook then goes back in that slot, where the framework still runs it.
    for hook in (folder / HOOK_NAME, folder / (HOOK_NAME + LEGACY_SUFFIX)):
        if os.path.lexists(hook) and is_ours(hook):
            return _remove(hook, chained)
    return InstallResult(folder / HOOK_NAME, "not installed", None)


def _remove(hook: Path, chained: Path) -> InstallResult:
    before, block, after = _split(_read_text(hook))
    if not _pristine(block):
        raise HookError(hook, "the assets-tool part of this hook was edited by hand", _MOVE_EDITS)
    if _user_lines(before, after):
        if os.path.lexists(chained):
            raise HookError(
                hook,
                f"has lines of your own, and the hook it replaced is in {chained.name}",
                f"merge {chained.name} into it by hand and delete the lines between the "
                "`# >>> assets-tool` and `# <<< assets-tool` markers",
            )
        _replace_keeping_mode(hook, before + after)
        return InstallResult(hook, "removed the assets-tool lines, kept your own", None)
    if os.path.lexists(chained):
        os.replace(chained, hook)
        return InstallResult(hook, "removed", chained)
    hook.unlink()
    return InstallResult(hook, "removed", None)


def _check_can_chain(hook: Path, chained: Path, force: bool) -> None:
    if os.path.lexists(chained):
        raise HookError(
            hook,
            f"is not the assets-tool hook, and {chained.name} is already taken",
            "merge the two hooks by hand or remove one, then install again",
        )
    if is_framework_hook(hook) and not force:
        raise HookError(
            hook,
            "is managed by the pre-commit framework",
            "add the `strip-location` and `check-images` hooks to .pre-commit-config.yaml "
            "instead (see docs/hooks.md), or pass --force to chain to it anyway",
        )


def _new_script(folder: Path, text: str) -> Path:
    """Write `text` to an executable temp file in `folder`, ready to be renamed into place."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{HOOK_NAME}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp_name, 0o755)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return Path(tmp_name)


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return ""
