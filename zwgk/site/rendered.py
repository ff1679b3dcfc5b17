"""Rendered pages kept between builds: a generated page whose inputs did not change is not rendered again.

MkDocs renders every page on every build: Markdown, then Material's whole template. For a generated
page the rendered HTML is a pure function of its Markdown source, its URL and the theme: the theme's
templates (Material's and ours in overrides/), the MkDocs and Material versions, the site settings
the templates read (names, URLs, extra, the navigation, Markdown extensions) and the build's own code
that puts the HTML blocks back. The cache keys each page by all of these. A page found in it is handed
to MkDocs as a static file backed by the cached HTML (zwgk.build.render), which MkDocs copies into the
site without rendering anything; the build adds it to sitemap.xml. Freshly rendered pages are copied
into the cache after the build.

Pages in the navigation are always rendered (they are few, and their titles feed the navigation).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from importlib.metadata import version
from pathlib import Path

from zwgk.catalog.loader import code_version

# What the templates read from the configuration (everything that can change a page's HTML).
_CONFIG_KEYS = (
    "site_name",
    "site_url",
    "site_description",
    "site_author",
    "copyright",
    "repo_url",
    "repo_name",
    "edit_uri",
    "use_directory_urls",
    "extra",
    "extra_css",
    "extra_javascript",
    "markdown_extensions",
    "mdx_configs",
    "nav",
    "not_in_nav",
)
BUILD_MODULES = ("build/render.py", "site/rendered.py", "site/minify.py")


def theme_key(config) -> str:
    """Everything besides a page's own source and URL that its rendered HTML depends on."""
    digest = hashlib.sha256()
    settings = {key: config.get(key) for key in _CONFIG_KEYS}
    settings["theme"] = {key: config.theme[key] for key in config.theme}
    digest.update(json.dumps(settings, sort_keys=True, default=str, ensure_ascii=False).encode())
    digest.update(f"{version('mkdocs')}\0{version('mkdocs-material')}\0{code_version(BUILD_MODULES)}".encode())
    for folder in config.theme.dirs:  # our overrides first, then Material's own templates
        for path in sorted(Path(folder).rglob("*.html")):
            digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    hooks = Path(config.config_file_path).parent / "hooks"
    for path in sorted(hooks.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


class RenderedPages:
    """The cache folder `rendered/` of the build cache: one file per page, named by its key."""

    def __init__(self, cache_dir: Path | None, config):
        self.folder = cache_dir / "rendered" if cache_dir else None
        self.theme = theme_key(config) if self.folder else ""
        self.hits: dict[str, Path] = {}  # page source -> cached HTML, copied into the site as it is
        self.misses: dict[str, str] = {}  # page source -> its key, rendered in this build
        self.written: dict[str, Path] = {}  # page source -> the HTML file MkDocs wrote

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.html"

    def lookup(self, uri: str, digest: str) -> bool:
        """Whether the page's HTML is cached (`digest`: its source's SHA-256, hex); remembers either way."""
        if self.folder is None:
            return False
        key = hashlib.sha256(f"{self.theme}\0{uri}\0{digest}".encode()).hexdigest()
        path = self._path(key)
        if path.is_file():
            self.hits[uri] = path
            return True
        self.misses[uri] = key
        return False

    def store(self) -> None:
        """Keep the pages rendered in this build, and only the pages this build used."""
        if self.folder is None:
            return
        keep = {path.name for path in self.hits.values()}
        for uri, key in self.misses.items():
            written = self.written.get(uri)
            if written is None or not written.is_file():
                continue
            target = self._path(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            # A hard link, not a copy: the next build finds the page in the site already the cached
            # file (zwgk.build.render._linked) and has nothing to remove or link; at province scale
            # removing ten thousand pages to link them again took most of a warm build. Nothing
            # writes into a linked page in place: a page MkDocs renders again is unlinked first
            # (render._unlink_shared), the build's own files too (keep.Written).
            partial = target.with_suffix(".partial")
            partial.unlink(missing_ok=True)
            try:
                os.link(written, partial)
            except OSError:  # another file system
                shutil.copyfile(written, partial)
            os.replace(partial, target)
            keep.add(target.name)
        for path in self.folder.glob("*/*.html"):
            if path.name not in keep:
                path.unlink()
