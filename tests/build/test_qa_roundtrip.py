"""Any mix of reference forms: rewriting twice changes nothing more, reverting restores every byte.

Drives the text half of the build (collect -> rewrite_posts) with made-up variants, so
hypothesis can try many posts without encoding a single image.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assets_tool.build.posts import rewrite_posts
from assets_tool.config import Config
from assets_tool.models import ImageRef, RefKind, Variant, VariantSet
from assets_tool.report import BuildMode, BuildReport
from assets_tool.scan.collection import Collection, collect

FRAGMENTS = [
    "![a](/img/a.jpg)",
    '![t](/img/a.jpg "T")',
    '![i](/img/b%20c.jpg){: .shadow width="300" }',
    "![r][ref]",
    "[![l](/img/a.jpg)](/img/a.jpg)",
    "[![away](/img/a.jpg)](https://example.com/)",
    '<img src="/img/a.jpg" alt="x" width=400>',
    "<IMG SRC='/img/b c.jpg?v=2' ALT=up>",
    '<img\n  src="/img/a.jpg"\n  alt="multi">',
    '<a href="/img/a.jpg"><img src="/img/a.jpg" alt="lb"></a>',
    '<picture><source srcset="/img/a.jpg"><img src="/img/a.jpg" alt="p"></picture>',
    '<img src="/img/a.jpg" width="50%" sizes="50vw" loading="eager" alt="own">',
    "`![code](/img/a.jpg)`",
    # a fence on lines of its own: text glued to a fence line changes where code ends
    '\n\n```\n<img src="/img/a.jpg">\n```\n\n',
    "<!-- ![c](/img/a.jpg) -->",
    "![ext](https://example.com/x.jpg)",
    "| ![t](/img/a.jpg) | x |",
    "> ![q](/img/a.jpg)",
    "- ![l](/img/b%20c.jpg)",
    "text with [brackets] and ![ and <img",
    '![p](/img/a.jpg){: width="30%"}',
    '{:refdef: style="text-align: center;"}\n![x](/img/a.jpg) ![y](/img/b%20c.jpg)\n{: refdef}',
    '<center><img src="/img/a.jpg" alt="c" width=400></center>',
    '<img src="/img/a.jpg" style="width: 50vw; border: 0" alt="vw">',
    '<img src="/img/a.jpg" style="height: 10em" alt="own height">',
    "",
]
SEPARATORS = ["\n\n", "\n", " ", "\r\n\r\n"]


def _variant_sets(collection: Collection) -> dict[ImageRef, VariantSet]:
    sets = {}
    for item in collection.resolved:
        name = item.source.path.stem.replace(" ", "-")
        variants = tuple(
            Variant(width, width * 3 // 4, mime, f"{name}-{width}.{ext}", 100)
            for width in (300, 600)
            for mime, ext in (("image/webp", "webp"), ("image/jpeg", "jpg"))
        )
        sets[item.ref] = VariantSet(item.source.url, 600, 450, "/v/", variants)
    return sets


def _rewrite(root: Path, style: str, revert: bool = False) -> str:
    config = Config(markup=style, output_dir="v")
    collection = collect(root, config)
    assert not collection.errors, [e.message for e in collection.errors]
    report = BuildReport()
    rewrite_posts(collection, _variant_sets(collection), config, BuildMode(), report, revert)
    return (root / "_posts/2025-01-01-p.md").read_bytes().decode("utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.sampled_from(FRAGMENTS), st.sampled_from(SEPARATORS)), max_size=8),
    st.sampled_from(["picture", "img"]),
    st.booleans(),
)
def test_rewrite_is_idempotent_and_reverts_exactly(
    parts: list[tuple[str, str]], style: str, jekyll: bool
) -> None:
    body = "".join(fragment + separator for fragment, separator in parts)
    original = f"---\ntitle: p\n---\n{body}\n[ref]: /img/a.jpg\n"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "_posts").mkdir()
        (root / "img").mkdir()
        for name in ("a.jpg", "b c.jpg"):
            (root / "img" / name).write_bytes(b"not decoded here")
        post = root / "_posts/2025-01-01-p.md"
        post.write_bytes(original.encode("utf-8"))
        if jekyll:  # kramdown's rules for which markup keeps a block, else CommonMark's
            (root / "_config.yml").write_text("title: p\n", encoding="utf-8")
        once = _rewrite(root, style)
        refs = collect(root, Config(markup=style, output_dir="v")).posts[0].scanned.refs
        rewritable = [r for r in refs if r.skip is None]
        assert (once != original) == bool(rewritable)
        assert all(r.kind is RefKind.GENERATED for r in rewritable), refs
        assert '<source srcset="/img/a.jpg"><picture>' not in once  # no nested <picture>
        assert _rewrite(root, style) == once
        assert _rewrite(root, style, revert=True) == original
