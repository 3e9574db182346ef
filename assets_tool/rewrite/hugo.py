"""Hugo's share of the markup: the render hook's data, and the hook that turns it into HTML.

Hugo's Markdown renderer drops raw HTML unless `markup.goldmark.renderer.unsafe` is on, so
on a Hugo site the Markdown is left as written and the markup reaches the page through an
image render hook (`layouts/_default/_markup/render-image.html`). The hook looks each image
up in a data file by its destination as written (and, for a relative one, by its page too)
and renders the same `<picture>` that `build_picture` describes for every other site.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .markup import Picture

# the hook's first line: a hook that starts with it was installed by assets-tool (and is
# replaced or removed by it); any other hook is the site's or theme's own
HOOK_MARKER = "{{- /* assets-tool image render hook"
HOOK_TEMPLATE = (
    HOOK_MARKER
    + """: installed by `assets-tool build`, removed by
`assets-tool build --revert`. It serves the variants listed in data/assets_tool/images.json
and renders any other image as a plain <img>. */ -}}
{{- $dest := .Destination -}}
{{- $entry := false -}}
{{- with index site.Data "assets_tool" -}}{{- with index . "images" -}}
  {{- $data := . -}}
  {{- with $.Page.File -}}{{- $page := replace .Path "\\\\" "/" -}}
    {{- with index $data "pages" -}}{{- with index . $page -}}{{- with index . $dest -}}
      {{- $entry = . -}}
    {{- end -}}{{- end -}}{{- end -}}
  {{- end -}}
  {{- if not $entry -}}{{- with index $data "site" -}}{{- with index . $dest -}}
    {{- $entry = . -}}
  {{- end -}}{{- end -}}{{- end -}}
{{- end -}}{{- end -}}
{{- with $entry -}}
<picture>{{ range .sources }}<source type="{{ .type }}" srcset="{{ .srcset }}" sizes="{{ $entry.sizes }}">{{ end }}<img src="{{ .src }}" srcset="{{ .srcset }}" sizes="{{ .sizes }}" width="{{ .width }}" height="{{ .height }}" style="height:auto" alt="{{ $.Text }}"{{ with $.Title }} title="{{ . }}"{{ end }} loading="{{ .loading }}" decoding="{{ .decoding }}"></picture>
{{- else -}}
<img src="{{ .Destination | safeURL }}" alt="{{ .Text }}"{{ with .Title }} title="{{ . }}"{{ end }}>
{{- end -}}
"""  # noqa: E501
)
# the attributes of the <img> the hook takes from the data (alt and title come from the
# Markdown itself, so an author's edit to them needs no new build)
ENTRY_ATTRS = ("src", "srcset", "sizes", "width", "height", "loading", "decoding")


def hook_entry(picture: Picture) -> dict[str, Any]:
    """Return the render hook's data for one image, from the markup `build_picture` describes."""
    attrs = {name: value or "" for name, value in picture.img}
    entry: dict[str, Any] = {name: attrs.get(name, "") for name in ENTRY_ATTRS}
    entry["sources"] = [{"type": mime, "srcset": srcset} for mime, srcset in picture.sources]
    return entry


def render_hook_data(
    site: Mapping[str, dict[str, Any]], pages: Mapping[str, Mapping[str, dict[str, Any]]]
) -> str:
    """Render the data file: `site` keyed by destination, `pages` by page path then destination."""
    data = {"pages": {p: dict(pages[p]) for p in pages}, "site": dict(site)}
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
