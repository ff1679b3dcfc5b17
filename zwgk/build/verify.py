"""Nothing lost: the build's own count of every item and entry in the written site."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

from zwgk.build.state import SiteBuild
from zwgk.site import urls

# An entry's permalink target: its title's heading, first in its row's <summary> (entries.html).
ENTRY_ANCHOR = re.compile(r'<summary><h2 id="(\d{5})"')


CHART = re.compile(r'<img class="zwgk-flowchart__wide" src="(?:\.\./)*([^"]+)"[^>]* alt="[^"]+"')


def _item_facts(path: Path, code: str) -> tuple[bool, str]:
    """Whether an item's page shows its code, and the site path of the flowchart it shows ("" if none)."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    chart = CHART.search(text)
    return code in text, chart.group(1) if chart else ""


def _entry_anchors(path: Path) -> frozenset[str]:
    return frozenset(ENTRY_ANCHOR.findall(path.read_text(encoding="utf-8")))


def csv_records(data: bytes) -> int:
    """How many records a CSV file holds, as csv.reader counts them, without parsing its cells (at
    province scale parsing entries.csv took a second of every build). A line break (CRLF, LF or CR)
    ends a record unless it is inside a quoted cell; quotes in a cell are doubled, so the stretches
    between the file's quote characters are outside and inside in turn, and only those outside count."""
    data = data.removeprefix(codecs.BOM_UTF8)
    stretches = data.split(b'"')
    outside = stretches[::2]
    breaks = sum(part.count(b"\n") + part.count(b"\r") - part.count(b"\r\n") for part in outside)
    ends_with_break = len(stretches) % 2 == 1 and outside[-1][-1:] in (b"\n", b"\r")
    return breaks + (0 if not data or ends_with_break else 1)


def verify(build: SiteBuild, site_dir: Path) -> dict[str, int]:
    """Nothing lost: every item and entry of the loaded catalogue is on its page and in the exports."""
    data = build.data
    missing = []
    flowcharts = 0
    facts = build.facts  # what earlier builds read from the same pages (zwgk.build.facts)
    for item in data.items:
        rel = f"{urls.item(item.dept_id, item.basic_code).rstrip('/')}/index.html"
        path = site_dir / rel
        shows, charted = facts.get(rel, f"item {item.basic_code}", lambda path=path, code=item.basic_code: _item_facts(path, code))
        if not shows or not path.is_file():
            missing.append(f"权力事项 {item.label}（{path.relative_to(site_dir)}）")
        elif item.is_active and item.flow:
            if charted and (site_dir / charted).is_file():
                flowcharts += 1
            else:
                missing.append(f"权力事项 {item.label} 的运行流程图")
    by_page: dict[str, list] = {}
    for entry in data.entries:
        by_page.setdefault(data.entry_url(entry).split("#")[0], []).append(entry)
    for url, entries in by_page.items():
        rel = f"{url.rstrip('/')}/index.html"
        path = site_dir / rel
        ids = facts.get(rel, "entries", lambda path=path: _entry_anchors(path)) if path.is_file() else set()
        for entry in entries:
            if f"{data.numbers[id(entry)].serial:05d}" not in ids:
                missing.append(f"目录条目 {entry.label}（{url}）")
    exported_rows = csv_records((site_dir / "exports/entries.csv").read_bytes()) - 1
    if exported_rows != len(data.entries):
        missing.append(f"导出文件 entries.csv 有 {exported_rows} 条，目录有 {len(data.entries)} 条")
    for dept_id in data.departments:  # the row counts are checked as each workbook is written
        if not (site_dir / f"exports/departments/{dept_id}/{dept_id}.xlsx").is_file():
            missing.append(f"部门 {dept_id} 的 Excel 工作簿")
    if missing:
        shown = "\n".join(missing[:50])
        raise PluginError(f"有 {len(missing)} 个记录没有出现在生成的网站中：\n{shown}")
    return {
        "departments": len(data.departments),
        "items": len(data.items),
        "entries": len(data.entries),
        "flowcharts": flowcharts,
        "pages": len(build.pages),
    }
