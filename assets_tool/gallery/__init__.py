"""The gallery: a standalone static photo gallery built from a folder of photos.

Folders become albums (`albums`), photos carry captions and alt text from sidecars and
XMP/IPTC (`captions`), each photo is rendered by the render stage in a process pool with
content-addressed names and remembered for rebuilds (`media`, `state`), albums and photos
are placed in the output (`layout`) and turned into page contexts (`pages`) that Jinja2
templates render (`theme`, with `templates/` and `static/` beside this file); after every
build the privacy gate (`gate`) audits the whole output for location. `flow` runs it all.

`post` makes an album of the photos one post of a site references, through the scan stage's
and build's facades (which posts a site has, how a reference resolves safely inside it).
It must not know the command line, how a container stores location or how pixels are
encoded (the privacy and render stages): it only calls their facades. No page it writes
may contain a location, a file name as alt text, or a request to anything outside the
gallery folder.
"""

from __future__ import annotations

from .flow import GalleryReport, build_gallery
from .gate import PrivacyError
from .post import build_post_gallery
from .settings import SETTINGS_NAME, GallerySettings, load_settings

__all__ = [
    "SETTINGS_NAME",
    "GalleryReport",
    "GallerySettings",
    "PrivacyError",
    "build_gallery",
    "build_post_gallery",
    "load_settings",
]
