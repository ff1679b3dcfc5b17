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
from urllib.parse import unquote, urlsplit

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


def internal_links(content: bytes) -> list[str]:
    """The distinct href and src values of a page that point into the site, as written (entities decoded)."""
    values = []
    for raw in {value for pattern in _ATTRIBUTES for value in pattern.findall(content)}:
        value = raw.decode("utf-8", "replace")
        if "&" in value:
            value = html.unescape(value)
        if not _EXTERNAL.match(value):
            values.append(value)
    return values


def _files(site_dir: Path) -> set[str]:
    found = set()
    root = str(site_dir)
    for folder, _dirs, names in os.walk(root):
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        found.update(prefix + name for name in names)
    return found


def _target(page_dir: str, path: str, base: str) -> str | None:
    """The file a link's path names, relative to the site's root; None above the root or off the site."""
    if path.startswith("/"):
        # Absolute paths (MkDocs writes them on the 404 page) are under the site's own path.
        if not path.startswith(base):
            return None
        page_dir, path = "", path[len(base) :] or "."
    target = posixpath.normpath(posixpath.join(page_dir, path))
    if target == "..":
        return None
    return None if target.startswith("../") else ("" if target == "." else target)


class _Resolver:
    """Resolves links page after page. Most links of a page are the theme's and the navigation's,
    written relative to the page (`../../assets/...`): once their leading `../` are taken against
    the page's folder, they name the same few targets on every page, so each resolution is cached by
    (the folder left, the rest of the path)."""

    def __init__(self, files: set[str], base: str):
        self.files, self.base, self.known = files, base, {}

    def resolves(self, page_dir: str, value: str) -> bool:
        # A path may be percent-encoded (MkDocs encodes non-ASCII file names): the file has the decoded name.
        path = unquote(value.split("#", 1)[0].split("?", 1)[0])
        if not path:
            return True  # a link within the page
        ups = 0
        while path.startswith("../", ups * 3):
            ups += 1
        parts = page_dir.split("/") if page_dir else []
        if ups > len(parts):
            return False  # above the site's root
        key = ("/".join(parts[: len(parts) - ups]), path[ups * 3 :])
        found = self.known.get(key)
        if found is None:
            target = _target(key[0], key[1], self.base)
            found = self.known[key] = target is not None and (
                target in self.files or (target.rstrip("/") + "/index.html").lstrip("/") in self.files
            )
        return found


def broken_links(site_dir: Path, site_url: str = "") -> tuple[list[BrokenLink], int, int]:
    """The broken internal links of every HTML page, how many pages and how many links were checked.
    Absolute paths are resolved against the path of `site_url` (e.g. /zwgk/)."""
    base = "/" + urlsplit(site_url).path.strip("/")
    base = base.rstrip("/") + "/"
    files = _files(site_dir)
    resolver = _Resolver(files, base)
    broken, pages, checked = [], 0, 0
    for rel in sorted(name for name in files if name.endswith(".html")):
        pages += 1
        page_dir = posixpath.dirname(rel)
        for value in internal_links((site_dir / rel).read_bytes()):
            checked += 1
            if not resolver.resolves(page_dir, value.strip()):
                broken.append(BrokenLink(rel, value))
    return broken, pages, checked
