"""What the build's own checks read from a page, kept between builds by the page's rendered-HTML key
(zwgk.site.rendered): a page whose HTML is the cached one for its key holds the same links, entry
anchors and codes as when it was first read, so the link check, the verification that nothing was
lost and the split of the static search into parts ask this store instead of reading the page again. Every page is still checked on every build:
only the reading is saved, and a page without a key (the Markdown pages, the redirect pages) or not
yet read is read."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zwgk.catalog.cache import code_version

FACT_MODULES = ("build/facts.py", "build/linkcheck.py", "build/verify.py", "site/links.py", "site/pagefind.py")


class PageFacts:
    """One pickle in the build cache: {page key: {fact name: value}}, holding the keys of the last build."""

    def __init__(self, cache_dir: Path | None):
        self.path = cache_dir / "page-facts.pickle" if cache_dir else None
        self.version = code_version(FACT_MODULES)
        self.known: dict[str, dict[str, Any]] = {}
        self.used: dict[str, dict[str, Any]] = {}
        self.keys: dict[str, str] = {}  # page file relative to the site -> its rendered-HTML key
        if self.path is not None:
            try:
                version, known = pickle.loads(self.path.read_bytes())
                if version == self.version and isinstance(known, dict):
                    self.known = known
            except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
                pass

    def get(self, rel: str, name: str, read: Callable[[], Any]) -> Any:
        """The fact `name` of the page at `rel` (relative to the site), read from the page only when unknown."""
        key = self.keys.get(rel)
        if key is None:
            return read()
        facts = self.known.get(key)
        value = facts[name] if facts is not None and name in facts else read()
        self.used.setdefault(key, {})[name] = value
        return value

    def store(self) -> None:
        if self.path is None:
            return
        partial = self.path.with_suffix(".partial")
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(pickle.dumps((self.version, self.used), protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(self.path)
