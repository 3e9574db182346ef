"""The rewrite stage: build responsive image markup as data, render it escaped, splice it in.

Pure text work: given a reference (its exact span in the post) and the variants rendered for
it, produce the markup and replace exactly those characters. It knows nothing of files,
encoders or metadata, and never reads or writes a post itself (`build` does).
"""

from __future__ import annotations

from .markup import Picture, build_picture, render_picture, splice

__all__ = ["Picture", "build_picture", "render_picture", "splice"]
