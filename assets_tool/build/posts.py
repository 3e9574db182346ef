"""The build's text half: splice each reference's new markup (or its original) into posts."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ..atomic import ChangedMeanwhile, write_atomic
from ..config import Config
from ..errors import AssetsToolError
from ..models import ImageRef, RefKind, VariantSet
from ..report import BuildMode, BuildReport
from ..rewrite import build_picture, render_picture, splice
from ..scan import (
    Collection,
    Post,
    Resolved,
    Site,
    encode_original,
    page_relative,
    rewritable,
    source_hint,
)
from .display import content_width, display_of

# what follows an image inside a link: `</a>`, or the `](url)`/`][id]` of a Markdown link
_LINK_CLOSE = re.compile(r"\s*</a\s*>|\](?:\(|\[)", re.IGNORECASE)
# `![alt][id]`, `![alt][]`, `![alt]` (perhaps in a link), not an inline `![alt](src)`
_REFERENCE_IMAGE = re.compile(r"\[?!\[(?:[^\[\]\\]|\\.|\[[^\]]*\])*\](?!\()")
# what may precede markup on its line and still leave it first in its block: indentation and
# blockquote and list markers (a few false positives only cost the <picture>'s AVIF)
_LINE_START = re.compile(r"[ \t>*+\-\d.)]*\Z")
MARKDOWN_SUFFIXES = (".md", ".markdown")
# the lightbox link Chirpy itself puts around images; href is set to the largest variant
LIGHTBOX_LINK: tuple[tuple[str, str | None], ...] = (("class", "popup img-link"),)


def rewrite_posts(
    collection: Collection,
    sets: Mapping[ImageRef, VariantSet],
    config: Config,
    mode: BuildMode,
    report: BuildReport,
    revert: bool,
) -> None:
    """Splice new markup (or, with `revert`, the originals) into every post that changes."""
    site = collection.site
    markup = _Markup(
        sets, markup_style(collection, config), config, site, content_width(site.theme, config)
    )
    by_post: dict[Path, list[Resolved]] = {}
    for item in collection.resolved + collection.variant_refs:
        by_post.setdefault(item.post.path, []).append(item)
    # a variant named directly stays as the author wrote it (markup made from it is undone)
    as_written = {item.ref for item in collection.variant_refs}
    for post in collection.posts:
        edits = []
        for item in by_post.get(post.path, []):
            undo = revert or item.ref in as_written
            edit = _edit_or_error(markup, post, item.ref, undo, report)
            if edit is not None:
                edits.append(edit)
        apply_edits(post, edits, mode, report)


def apply_edits(
    post: Post, edits: list[tuple[int, int, str]], mode: BuildMode, report: BuildReport
) -> None:
    """Splice `edits` into a post: write it (unless the run writes nothing), report, diff."""
    new_text = splice(post.text, sorted(edits))
    if new_text == post.text:
        return
    if mode.writes and not write_post(post, new_text, report):
        return
    report.posts_changed.append(post.path)
    if mode.dry_run:
        report.diffs.append(post_diff(post, new_text))


def _edit_or_error(
    markup: _Markup, post: Post, ref: ImageRef, undo: bool, report: BuildReport
) -> tuple[int, int, str] | None:
    """Return a reference's edit; one that fails is an error line and stays as written."""
    try:
        return markup.edit_for(post, ref, undo)
    except AssetsToolError as error:
        failed = error
    except Exception as error:  # a bug in one reference's markup must not stop the other posts
        failed = AssetsToolError(
            post.path,
            f"cannot rewrite {ref.src or 'generated markup'} ({type(error).__name__}: {error})",
            "the reference was left as written; run with --debug and report the traceback",
            line=ref.line,
        )
        failed.__cause__ = error
    if failed.path != post.path or not failed.line:
        # name the reference, so the author can find it whatever raised
        where = AssetsToolError(post.path, f"{ref.src}: {failed.message}", line=ref.line)
        where.__cause__, failed = failed, where
    report.errors.append(failed)
    return None


def write_post(post: Post, new_text: str, report: BuildReport) -> bool:
    """Write a post's rewrite only if the file still holds the text it was computed from."""
    try:
        write_atomic(post.path, new_text.encode("utf-8"), unchanged_from=post.text.encode("utf-8"))
    except ChangedMeanwhile:
        # an editor saved it or `git checkout` replaced it: its new text was never scanned
        what = "changed during the build (saved by an editor or git); left as it is"
        report.errors.append(AssetsToolError(post.path, what, "run the build again"))
        return False
    except OSError as exc:
        fix = "check the file's permissions and free space"
        report.errors.append(AssetsToolError(post.path, f"cannot rewrite ({exc.strerror})", fix))
        return False
    return True


@dataclass(frozen=True)
class _Markup:
    """What every reference's new markup is made from in one run."""

    sets: Mapping[ImageRef, VariantSet]
    style: str  # "img" or "picture" (see markup_style)
    config: Config
    site: Site  # a built site's pages have no front matter and no reference definitions
    column: int  # the content column's width (CSS px), for `sizes`

    def edit_for(self, post: Post, ref: ImageRef, revert: bool) -> tuple[int, int, str] | None:
        """Return the (start, end, text) that replaces `ref` in `post`, or None to leave it."""
        if revert:
            if ref.kind is RefKind.GENERATED and ref.original is not None:
                return (ref.start, ref.end, ref.original)
            return None
        variants = self.sets.get(ref)
        if not rewritable(ref) or variants is None or not variants.variants:
            return None
        original = ref.original if ref.original is not None else post.text[ref.start : ref.end]
        if self.style == "img" and ref.link_attrs is None and not _in_link(post.text, ref.end):
            # Chirpy wraps every <img> not already in a link in a lightbox link to its src; a
            # link of our own, to the largest variant, keeps the lightbox sharp and stops the
            # theme adding another (inside the author's own link it would nest links)
            ref = replace(ref, link_attrs=LIGHTBOX_LINK)
        # a relative src, or a reference-style image's definition, is lost once the page is built
        lost = page_relative(ref) or _REFERENCE_IMAGE.match(original) is not None
        hint = (lost and not self.site.built) or source_hint(ref) is not None
        display = display_of(ref, variants.width, variants.height, self.column, self.config)
        picture = build_picture(
            ref,
            variants,
            style=self._form(post, ref, original),
            sizes=display.sizes,
            marker=encode_original(original),
            source_hint=hint,
        )
        return (ref.start, ref.end, render_picture(picture))

    def _form(self, post: Post, ref: ImageRef, original: str) -> str:
        """Pick <picture> or a single <img srcset>, keeping the post's block structure.

        kramdown turns a line that starts with a non-span tag such as <picture> into an HTML
        block (the paragraph and its block IAL are lost); <img> and <a> are span tags. In
        CommonMark an <img> alone on its line is an HTML block and a <picture> would make it
        a paragraph, while a Markdown image is always inline.
        """
        if self.style == "img":
            return "img"
        dialect = markdown_dialect(self.site, post.path)
        line = post.text.rfind("\n", 0, ref.start) + 1
        first = _LINE_START.match(post.text[line : ref.start]) is not None
        # an author's own <picture> already made its block what a new one makes it
        own_picture = original.lstrip()[:8].lower() == "<picture"
        if dialect is None or ref.link_attrs is not None or not first or own_picture:
            return "picture"
        markdown = original.lstrip().startswith(("![", "[!["))
        return "picture" if dialect == "commonmark" and markdown else "img"


def markdown_dialect(site: Site, post_path: Path) -> str | None:
    """Tell which Markdown renders a post: "kramdown" (Jekyll), "commonmark", or None (HTML)."""
    if site.built or post_path.suffix.lower() not in MARKDOWN_SUFFIXES:
        return None
    # Jekyll's default is kramdown; Hugo's goldmark and Eleventy's markdown-it are CommonMark
    return "kramdown" if site.generator == "jekyll" else "commonmark"


def _in_link(text: str, end: int) -> bool:
    """Tell whether markup ending at `end` is the last thing inside a link (HTML or Markdown)."""
    return _LINK_CLOSE.match(text, end) is not None


# what each markup style lets a browser download
SERVED_MIMES = {
    "img": frozenset({"image/webp", "image/jpeg", "image/png"}),
    "picture": frozenset({"image/avif", "image/webp", "image/jpeg", "image/png"}),
}


def markup_style(collection: Collection, config: Config) -> str:
    """Pick the markup: theme-safe <img srcset> where Chirpy post-processes the sources."""
    if config.markup != "auto":
        return config.markup
    site = collection.site
    return "img" if site.theme == "chirpy" and not site.built else "picture"


def post_diff(post: Post, new_text: str) -> str:
    """Return the unified diff a dry run prints for a post."""
    return "".join(
        difflib.unified_diff(
            post.text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=f"a/{post.path}",
            tofile=f"b/{post.path}",
        )
    )
