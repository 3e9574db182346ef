"""Markdown images in a Chirpy site (relative to `media_subpath`, site-root, reference-style)
through the whole documented deploy: build the sources, `jekyll build` (with the Chirpy
emulation), build `_site`.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from examples.photogen import make_photo
from tests.helpers import image_urls, run_cli, tree_digest

HERE = Path(__file__).resolve().parent
POST = """\
---
title: trip
layout: post
media_subpath: /assets/img/trip/
---
Relative to media_subpath: ![first](a.jpg)

<img src="b.jpg" alt="second" width=200>

Site-root Markdown: ![third](/assets/img/trip/a.jpg)

Reference style: ![fourth][pic] and ![fifth][pic]

[pic]: /assets/img/trip/b.jpg "B"
"""


def test_markdown_images_resolve_in_the_built_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: t\npermalink: /posts/:title/\n", encoding="utf-8")
    (site / "Gemfile").write_text('gem "jekyll-theme-chirpy"\n', encoding="utf-8")  # Chirpy
    (site / "_posts/2025-01-01-trip.md").write_text(POST, encoding="utf-8")
    (site / "assets/img/trip").mkdir(parents=True)
    for seed, name in enumerate(("a.jpg", "b.jpg")):
        (site / "assets/img/trip" / name).write_bytes(make_photo(480, 360, seed=40 + seed))
    for folder in ("_layouts", "_includes"):
        shutil.copytree(HERE / "jekyll" / folder, site / folder)

    first = run_cli("build", site, "--workers", "1")
    assert first.returncode == 0, first.stderr
    again = tree_digest(site)
    assert run_cli("build", site, "--workers", "1").returncode == 0
    assert tree_digest(site) == again

    (site / "Gemfile").unlink()  # Debian's jekyll has no Chirpy gem: the emulation stands in
    built = site / "_site"
    subprocess.run(
        ["jekyll", "build", "--quiet", "--source", str(site), "--destination", str(built)],
        check=True,
        capture_output=True,
    )
    deploy = run_cli("build", built, "--workers", "1")
    assert deploy.returncode == 0, deploy.stderr
    page = (built / "posts/trip/index.html").read_text(encoding="utf-8")
    assert 'src="/assets/img/trip/' not in page  # no original offered anywhere
    urls = image_urls(page)
    assert len(urls) > 10
    for url in urls:
        assert url.startswith("/assets/img/variants/"), url
        assert (built / url.lstrip("/")).is_file(), url
    done = tree_digest(built)
    assert run_cli("build", built, "--workers", "1").returncode == 0
    assert tree_digest(built) == done

    assert run_cli("build", site, "--revert").returncode == 0
    assert (site / "_posts/2025-01-01-trip.md").read_text(encoding="utf-8") == POST
