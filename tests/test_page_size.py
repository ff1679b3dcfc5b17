"""Page-size budgets on the bundled catalogue's build: the page frame (everything outside <article>, on
every page), the item pages (no drawing inline: the flowcharts are files shared by the items drawn
alike) and the entry tables (no class on each of their cells). At province scale (9,900 pages, 100,000
entries) each kilobyte a page is ~10 MB of site: these fail when a change puts the bytes back."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pytest

from zwgk.site import flowchart

# Measured on the bundled catalogue (bytes): the frame 12.0-12.6 KB on item and catalogue pages (12.8-13.0 KB
# on department pages, whose table of contents is longer; 11.1-11.3 KB on topic and type pages) and item pages
# 37-38 KB before the frame was trimmed and the drawings linked; 9.2-11.1 KB and 19-20 KB after.
FRAME_BUDGETS = {"items": 11_000, "catalogue": 11_000, "departments": 11_500, "topics": 10_000, "types": 10_000}
ITEM_BUDGET = 24_000
TOPIC_MEDIAN_BUDGET = 13_000


def _pages(site: Path, kind: str) -> list[tuple[Path, str]]:
    return [(path, path.read_text(encoding="utf-8")) for path in sorted((site / kind).rglob("index.html"))]


def _frame(text: str) -> int:
    start, end = text.index("<article"), text.index("</article>")
    return len(text.encode()) - len(text[start:end].encode())


@pytest.mark.parametrize("kind", sorted(FRAME_BUDGETS))
def test_the_page_frame_stays_within_its_budget(sample_site, kind):
    pages = _pages(sample_site, kind)
    budget = FRAME_BUDGETS[kind]
    assert pages
    over = {str(path.relative_to(sample_site)): _frame(text) for path, text in pages if _frame(text) > budget}
    assert over == {}, f"page frame over {budget} bytes: {dict(list(over.items())[:5])}"


def test_item_pages_stay_within_their_budget_and_hold_no_drawing_inline(sample_site):
    pages = _pages(sample_site, "items")
    over = {str(path.relative_to(sample_site)): len(text.encode()) for path, text in pages if len(text.encode()) > ITEM_BUDGET}
    assert over == {}, f"item pages over {ITEM_BUDGET} bytes: {dict(list(over.items())[:5])}"
    inline = [str(path.relative_to(sample_site)) for path, text in pages if "<svg" in text[text.index("<article") :]]
    assert inline == [], f"drawings inline: {inline[:5]}"


def test_flowchart_files_are_shared_by_items_drawn_alike_and_each_is_a_whole_svg(sample_site):
    sources = []
    for path, text in _pages(sample_site, "items"):
        for src in re.findall(r'<img class="zwgk-flowchart__(?:wide|narrow)" src="([^"]+)"', text):
            sources.append((path.parent / src).resolve())
    assert sources, "no item page shows a flowchart"
    files = set(sources)
    assert len(files) < len(sources), "items whose flows are drawn alike share one file"
    written = {path.resolve() for path in (sample_site / flowchart.CHART_FOLDER).glob("*.svg")}
    assert written == files, "every chart file is linked, and every link has its file"
    assert all(flowchart.is_svg(path.read_text(encoding="utf-8")) for path in files)


def test_entry_table_cells_carry_no_class(sample_site):
    for kind in ("catalogue", "topics"):
        for path, text in _pages(sample_site, kind):
            for table in re.findall(r'<table class="[^"]*zwgk-entries[^"]*">.*?</table>', text, re.S):
                body = table[table.index("<tbody>") :]
                assert "<td class=" not in body, path.relative_to(sample_site)


def test_topic_pages_stay_within_their_budget(sample_site):
    sizes = [len(text.encode()) for _, text in _pages(sample_site, "topics")]
    assert statistics.median(sizes) <= TOPIC_MEDIAN_BUDGET, statistics.median(sizes)
