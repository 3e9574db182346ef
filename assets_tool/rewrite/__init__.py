"""The rewrite stage: build responsive image markup as data, render it escaped, splice it in.

Pure text work: given a reference (its exact span in the post) and the variants rendered for
it, produce the markup and replace exactly those characters. It knows nothing of files,
encoders or metadata, and never reads or writes a post itself (`build` does). `hugo` gives
Hugo's image render hook and the data it reads, made from the same markup data.
"""

from __future__ import annotations

from .hugo import HOOK_MARKER, HOOK_TEMPLATE, hook_entry, render_hook_data
from .markup import Picture, build_picture, render_picture, splice

__all__ = [
    "HOOK_MARKER",
    "HOOK_TEMPLATE",
    "Picture",
    "build_picture",
    "hook_entry",
    "render_hook_data",
    "render_picture",
    "splice",
]
