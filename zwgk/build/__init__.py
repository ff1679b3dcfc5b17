"""The MkDocs build of the catalogue. The hooks in hooks/ only call these functions, in event order:
`prepare` (check, arrange, render flowcharts, build pages: `prepare.py`) and `keep_site` (the site
folder kept from MkDocs's cleaning: `keep.py`), `add_pages` and
`restore_blocks` (hand the pages to MkDocs and put their blocks back: `render.py`), `finish`
(exports, search indexes, links and the check that nothing was lost: `finish.py`).

The build's state travels on the MkDocs config object (one per build, `state.py`), never in module
globals, so `mkdocs serve` starts every rebuild afresh."""

from zwgk.build.finish import check_links, finish
from zwgk.build.keep import keep_site
from zwgk.build.lock import release_all_locks
from zwgk.build.prepare import prepare
from zwgk.build.render import add_pages, cache_nav, plain_markdown, restore_blocks, watch, write_blocks
from zwgk.build.state import STATE_KEY, SiteBuild
from zwgk.build.verify import verify

__all__ = [
    "STATE_KEY",
    "SiteBuild",
    "add_pages",
    "cache_nav",
    "check_links",
    "finish",
    "keep_site",
    "plain_markdown",
    "prepare",
    "release_all_locks",
    "restore_blocks",
    "verify",
    "watch",
    "write_blocks",
]
