"""The scan stage: find a site's pages, every image reference in them, and the file each names.

Works on text and the site folder only: it reads posts and `_config.yml`, and turns each
`src` into a real file inside the site or an error (the tool's safety boundary). It knows
nothing of pixels, encoders, metadata or markup generation; `build` hands what it finds to
the other stages.

Modules: `site` (site layouts, published URLs, safe resolution), `post` (one page's
references, front matter and skip rules), `html` and `markdown` (the two syntaxes),
`regions` (code and comments to leave alone), `collection` (every page of a site, resolved).
"""

from __future__ import annotations

from .collection import VARIANT_NOTE, Collection, Post, Resolved, collect, rewritable
from .post import encode_original
from .site import Site, page_relative, source_hint, variant_prefix

__all__ = [
    "VARIANT_NOTE",
    "Collection",
    "Post",
    "Resolved",
    "Site",
    "collect",
    "encode_original",
    "page_relative",
    "rewritable",
    "source_hint",
    "variant_prefix",
]
