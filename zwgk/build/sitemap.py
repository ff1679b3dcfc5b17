"""sitemap.xml lists every page: MkDocs writes it for the pages it rendered, and the pages the build
copied from the cache of rendered pages (zwgk.build.render) are added here, in MkDocs's own form."""

from __future__ import annotations

import gzip
from html import escape
from pathlib import Path

from mkdocs.utils import get_build_date, get_build_timestamp


def add_pages(site_dir: Path, urls: list[str], site_url: str) -> None:
    """Add the pages at `urls` (relative to the site) to sitemap.xml and sitemap.xml.gz."""
    path = site_dir / "sitemap.xml"
    if not urls or not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    lastmod = get_build_date()
    base = site_url.rstrip("/") + "/" if site_url else "/"
    added = "".join(
        f"\n    <url>\n         <loc>{escape(base + url)}</loc>\n         <lastmod>{lastmod}</lastmod>\n    </url>" for url in urls
    )
    end = text.rindex("</urlset>")
    text = text[:end].rstrip("\n") + added + "\n" + text[end:]
    path.write_text(text, encoding="utf-8")
    packed = path.with_name("sitemap.xml.gz")
    with packed.open("wb") as raw, gzip.GzipFile(fileobj=raw, filename=str(packed), mode="wb", mtime=get_build_timestamp()) as out:
        out.write(text.encode("utf-8"))
