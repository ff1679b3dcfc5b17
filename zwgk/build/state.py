"""The state of one build, kept on the MkDocs config object (never in module globals, so that
`mkdocs serve` starts every rebuild afresh), and the build's settings from mkdocs.yml."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from zwgk.build.facts import PageFacts
from zwgk.rules.run import CheckResult
from zwgk.site.data import SiteData
from zwgk.site.flowchart import RenderStats
from zwgk.site.rendered import RenderedPages

STATE_KEY = "zwgk_build"


@dataclass
class SiteBuild:
    result: CheckResult
    data: SiteData
    pages: list[tuple[str, str]]
    charts: RenderStats
    counts: dict[str, int] = field(default_factory=dict)
    blocks: dict[str, list[str]] = field(default_factory=dict)  # page source -> its raw HTML blocks
    searchable: int = 0  # pages rendered with data-pagefind-body (see overrides/main.html)
    index: object = None  # the Whoosh index update running beside the build (search.writer.BackgroundUpdate)
    cards: list = field(default_factory=list)  # the departments' scorecards
    rendered: list = field(default_factory=list)  # MkDocs pages whose HTML holds restored blocks
    cache: RenderedPages | None = None  # rendered pages kept between builds (zwgk.site.rendered)
    copied: list[str] = field(default_factory=list)  # URLs of the pages copied from that cache
    files: object = None  # MkDocs's Files of this build (everything it writes into the site)
    facts: PageFacts = field(default_factory=lambda: PageFacts(None))  # what the checks read from pages (zwgk.build.facts)
    front: dict[str, str] = field(default_factory=dict)  # generated page -> its front matter's JSON (zwgk.build.render)
    plain: object = None  # generated pages' Markdown converted without Python-Markdown (zwgk.build.render.PlainPages)
    chart_files: dict[str, bytes] = field(default_factory=dict)  # the flowcharts' files (zwgk.site.flowchart.chart_files)


def settings(config) -> dict:
    return (config.get("extra") or {}).get("zwgk") or {}


def catalog_dir(config) -> Path:
    """The catalogue to build: $ZWGK_CATALOG, else `extra.zwgk.catalog` in mkdocs.yml (default ./catalog)."""
    configured = os.environ.get("ZWGK_CATALOG") or settings(config).get("catalog", "catalog")
    return (Path(config.config_file_path).parent / configured).resolve()
