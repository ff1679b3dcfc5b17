"""The build's broken-link check (zwgk.site.links) with what each page links to kept by the page's
key (zwgk.build.facts): a page copied from the cache of rendered pages is not read again, yet every
link of every page is resolved against the files of this build."""

from __future__ import annotations

import posixpath
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from zwgk.build.facts import PageFacts
from zwgk.site.links import BrokenLink, _files, _target, internal_links


def _page_links(site_dir: Path, rel: str, base: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...], int]:
    """A page's internal links: ((target relative to the site's root, the value as written) for each
    link to a file, the values that point above the root or off the site, how many internal links)."""
    page_dir = posixpath.dirname(rel)
    targets, outside, count = [], [], 0
    for value in internal_links((site_dir / rel).read_bytes()):
        count += 1
        # A path may be percent-encoded (MkDocs encodes non-ASCII file names): the file has the decoded name.
        path = unquote(value.strip().split("#", 1)[0].split("?", 1)[0])
        if not path:
            continue  # a link within the page
        target = _target(page_dir, path, base)
        if target is None:
            outside.append(value)
        else:
            targets.append(target)
    # Most targets are the theme's and the navigation's, the same on every page: one string each in
    # the kept facts.
    return tuple(sorted({sys.intern(target) for target in targets})), tuple(outside), count


def _values_to(site_dir: Path, rel: str, base: str, missing: set[str]) -> list[str]:
    """The values as written on the page `rel` of the links whose target is in `missing`."""
    page_dir = posixpath.dirname(rel)
    shown = []
    for value in sorted(internal_links((site_dir / rel).read_bytes())):
        path = unquote(value.strip().split("#", 1)[0].split("?", 1)[0])
        if path and _target(page_dir, path, base) in missing:
            shown.append(value)
    return shown


def site_files(site_dir: Path) -> set[str]:
    """Every file of the site (paths in the site), by walking the folder."""
    return _files(site_dir)


def broken_links(site_dir: Path, site_url: str, facts: PageFacts, files: set[str] | None = None) -> tuple[list[BrokenLink], int, int]:
    """As zwgk.site.links.broken_links: the broken internal links of every HTML page, how many pages
    and how many links were checked. `files`: every file of the site, if the caller has walked it."""
    base = "/" + urlsplit(site_url).path.strip("/")
    base = base.rstrip("/") + "/"
    files = _files(site_dir) if files is None else files
    found: dict[str, bool] = {}
    broken, pages, checked = [], 0, 0
    for rel in sorted(name for name in files if name.endswith(".html")):
        pages += 1
        targets, outside, count = facts.get(rel, "links", lambda rel=rel: _page_links(site_dir, rel, base))
        checked += count
        broken += [BrokenLink(rel, value) for value in outside]
        missing = set()
        for target in targets:
            ok = found.get(target)
            if ok is None:
                ok = found[target] = target in files or (target.rstrip("/") + "/index.html").lstrip("/") in files
            if not ok:
                missing.add(target)
        if missing:
            broken += [BrokenLink(rel, value) for value in _values_to(site_dir, rel, base, missing)]
    return broken, pages, checked
