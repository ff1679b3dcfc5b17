"""Broken links inside the built site (国办秘函〔2019〕19号 scores every broken link): every internal
`href` and `src` of every built HTML page must resolve to a file of the site. One pass over the HTML
with a regular expression against the set of files written; the build fails on any broken link."""

from __future__ import annotations

import html
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

# An attribute value in double quotes after a space (what MkDocs, Material and our templates write).
# Two patterns that start with a literal: the regular expression engine then skips ahead to each
# occurrence, several times faster than one pattern with an alternation. Inline scripts may build URLs
# from parts; they are not attributes and are not matched.
_ATTRIBUTES = (re.compile(rb' href="([^"]*)"'), re.compile(rb' src="([^"]*)"'))
_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")  # http:, mailto:, data:, protocol-relative


@dataclass(frozen=True)
class BrokenLink:
    page: str  # the page, relative to the site folder
    target: str  # the attribute's value as written


def _files(site_dir: Path) -> set[str]:
    found = set()
    root = str(site_dir)
    for folder, _dirs, names in os.walk(root):
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        found.update(prefix + name for name in names)
    return found


def _resolves(page_dir: str, value: str, files: set[str], base: str) -> bool:
    path = value.split("#", 1)[0].split("?", 1)[0]
    if not path:
        return True  # a link within the page
    if path.startswith("/"):
        # Absolute paths (MkDocs writes them on the 404 page) are under the site's own path.
        if not path.startswith(base):
            return False
        path = path[len(base) :] or "."
        page_dir = ""
    target = posixpath.normpath(posixpath.join(page_dir, path))
    if target.startswith("../"):
        return False  # above the site's root
    target = "" if target == "." else target
    return target in files or (target.rstrip("/") + "/index.html").lstrip("/") in files


def broken_links(site_dir: Path, site_url: str = "") -> tuple[list[BrokenLink], int, int]:
    """The broken internal links of every HTML page, how many pages and how many links were checked.
    Absolute paths are resolved against the path of `site_url` (e.g. /zwgk/)."""
    base = "/" + urlsplit(site_url).path.strip("/")
    base = base.rstrip("/") + "/"
    files = _files(site_dir)
    broken, pages, checked = [], 0, 0
    for rel in sorted(name for name in files if name.endswith(".html")):
        pages += 1
        page_dir = posixpath.dirname(rel)
        content = (site_dir / rel).read_bytes()
        for raw in {value for pattern in _ATTRIBUTES for value in pattern.findall(content)}:
            value = raw.decode("utf-8", "replace")
            if "&" in value:
                value = html.unescape(value)
            if _EXTERNAL.match(value):
                continue
            checked += 1
            if not _resolves(page_dir, value.strip(), files, base):
                broken.append(BrokenLink(rel, value))
    return broken, pages, checked
