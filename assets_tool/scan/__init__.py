"""The scan stage: find a site's pages, every image reference in them, and the file each names.

Works on text and the site folder only: it reads posts and `_config.yml`, and turns each
`src` into a real file inside the site or an error (the tool's safety boundary). It knows
nothing of pixels, encoders, metadata or markup generation; `build` hands what it finds to
the other stages.

Modules: `site` (which generator, which pages; the common part of the layouts), `layout`
(the Site record, walking folders), `jekyll`, `hugo`, `eleventy` (what each generator
publishes, and where), `resolve` (a src to a file and a published URL, safely), `post` (one page's
references, front matter and skip rules), `html` and `markdown` (the two syntaxes),
`regions` (code and comments to leave alone), `collection` (every page of a site, resolved),
`published` (every file the site publishes).
"""

from __future__ import annotations

from .collection import (
    VARIANT_NOTE,
    Collection,
    Post,
    Resolved,
    ScanMemo,
    collect,
    read_post,
    rewritable,
)
from .hugo import RENDER_HOOK
from .layout import Site
from .post import ScannedPost, encode_original
from .published import published_bytes, published_files
from .site import (
    open_site,
    page_relative,
    source_hint,
    variant_prefix,
    variants_dir,
)

__all__ = [
    "RENDER_HOOK",
    "VARIANT_NOTE",
    "Collection",
    "Post",
    "Resolved",
    "ScanMemo",
    "ScannedPost",
    "Site",
    "collect",
    "encode_original",
    "open_site",
    "page_relative",
    "published_bytes",
    "published_files",
    "read_post",
    "rewritable",
    "source_hint",
    "variant_prefix",
    "variants_dir",
]
