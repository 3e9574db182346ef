"""What earlier runs found in each post, so a warm run need not parse it again.

Scanning a post (YAML front matter, the Markdown block structure, every `<img>` and `![]()`)
is a pure function of its bytes, of whether it is Markdown, of the site's URL and of the
scanner's code. A record holds the references found, keyed by the SHA-256 of the bytes and a
hash of the rest (the code fingerprint included): the text itself is read on every run (the
rewrite compares against it), so the content, not a stat signature, says whether the post is
unchanged, and a post restored by `git checkout` with a new mtime is still known. The file
sits next to the sources cache; a missing, unreadable or damaged one only makes a run slower.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..atomic import write_atomic
from ..cache import cache_folder, read_records
from ..models import ImageRef, RefKind, SkipReason
from ..scan import ScannedPost
from .fingerprint import code_fingerprint
from .sources import site_key

VERSION = 1
T = TypeVar("T")


@dataclass
class PostCache:
    """Post path -> what scanning its bytes found, for one site on this machine."""

    path: Path
    records: dict[str, Any] = field(default_factory=dict)
    seen: dict[str, Any] = field(default_factory=dict)  # this run's records, saved at the end

    def lookup(self, post: Path, data: bytes, inputs: tuple[object, ...]) -> ScannedPost | None:
        """Return the scan of `data` recorded for `post`, if made from these bytes and inputs."""
        record = self.records.get(str(post))
        if not isinstance(record, dict) or record.get("key") != _key(data, inputs):
            return None
        try:
            scanned = _scanned_from(record["scanned"], post)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None  # damaged: scanned again and recorded anew
        self.seen[str(post)] = record
        return scanned

    def remember(
        self, post: Path, data: bytes, inputs: tuple[object, ...], scanned: ScannedPost
    ) -> None:
        """Record what scanning `data` found."""
        self.seen[str(post)] = {"key": _key(data, inputs), "scanned": _scanned_to(scanned)}

    def save(self) -> None:
        """Write this run's records (the posts it scanned) if they differ from the file's."""
        if self.seen == self.records:
            return
        try:
            write_atomic(self.path, json.dumps({"version": VERSION, "posts": self.seen}).encode())
        except OSError:
            return  # a cache that cannot be written only makes the next run slower
        self.records = dict(self.seen)


def load_posts(site_root: Path) -> PostCache:
    """Read the post records of the site at `site_root`; missing or unreadable means none."""
    path = cache_folder() / f"posts-{site_key(site_root)}.json"
    (records,) = read_records(path, VERSION, "posts")
    return PostCache(path, records)


def _key(data: bytes, inputs: tuple[object, ...]) -> str:
    context = json.dumps([code_fingerprint(), list(inputs)], default=str).encode()
    return hashlib.sha256(hashlib.sha256(data).digest() + context).hexdigest()


def _scanned_to(scanned: ScannedPost) -> dict[str, Any]:
    return {"media_subpath": scanned.media_subpath, "refs": [_ref_to(r) for r in scanned.refs]}


def _scanned_from(body: dict[str, Any], post: Path) -> ScannedPost:
    subpath = body["media_subpath"]
    if subpath is not None and not isinstance(subpath, str):
        raise TypeError("media_subpath")
    return ScannedPost(tuple(_ref_from(r, post) for r in body["refs"]), subpath)


def _ref_to(ref: ImageRef) -> dict[str, Any]:
    return {
        "line": ref.line,
        "start": ref.start,
        "end": ref.end,
        "kind": ref.kind.value,
        "src": ref.src,
        "alt": ref.alt,
        "title": ref.title,
        "width": ref.width,
        "height": ref.height,
        "attrs": ref.attrs,
        "link_attrs": ref.link_attrs,
        "original": ref.original,
        "skip": ref.skip.name if ref.skip else None,
    }


def _ref_from(body: dict[str, Any], post: Path) -> ImageRef:
    link = body["link_attrs"]
    return ImageRef(
        post=post,
        line=_int(body["line"]),
        start=_int(body["start"]),
        end=_int(body["end"]),
        kind=RefKind(body["kind"]),
        src=_text(body["src"]),
        alt=_optional(body["alt"], _text),
        title=_optional(body["title"], _text),
        width=_optional(body["width"], _int),
        height=_optional(body["height"], _int),
        attrs=_attrs(body["attrs"]),
        link_attrs=None if link is None else _attrs(link),
        original=_optional(body["original"], _text),
        skip=None if body["skip"] is None else SkipReason[body["skip"]],
    )


def _attrs(pairs: list[Any]) -> tuple[tuple[str, str | None], ...]:
    return tuple((_text(name), _optional(value, _text)) for name, value in pairs)


def _int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError(f"not an integer: {value!r}")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"not a string: {value!r}")
    return value


def _optional(value: Any, kind: Callable[[Any], T]) -> T | None:
    return None if value is None else kind(value)
