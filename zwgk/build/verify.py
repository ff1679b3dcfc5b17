"""Nothing lost: the build's own count of every item and entry in the written site."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

from zwgk.build.state import SiteBuild
from zwgk.site import urls

ENTRY_ANCHOR = re.compile(r'<h2 class="zwgk-entry" id="(\d{5})"')


def verify(build: SiteBuild, site_dir: Path) -> dict[str, int]:
    """Nothing lost: every item and entry of the loaded catalogue is on its page and in the exports."""
    data = build.data
    missing = []
    flowcharts = 0
    for item in data.items:
        path = site_dir / urls.item(item.dept_id, item.basic_code) / "index.html"
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        if item.basic_code not in text:
            missing.append(f"权力事项 {item.label}（{path.relative_to(site_dir)}）")
        elif item.is_active and item.flow:
            if 'role="img"' in text and "<svg" in text:
                flowcharts += 1
            else:
                missing.append(f"权力事项 {item.label} 的运行流程图")
    by_page: dict[str, list] = {}
    for entry in data.entries:
        by_page.setdefault(data.entry_url(entry).split("#")[0], []).append(entry)
    for url, entries in by_page.items():
        path = site_dir / url / "index.html"
        ids = set(ENTRY_ANCHOR.findall(path.read_text(encoding="utf-8"))) if path.is_file() else set()
        for entry in entries:
            if f"{data.numbers[id(entry)].serial:05d}" not in ids:
                missing.append(f"目录条目 {entry.label}（{url}）")
    exported = (site_dir / "exports/entries.csv").read_bytes().decode("utf-8-sig")
    limit = csv.field_size_limit(max(csv.field_size_limit(), len(exported) + 1))  # no cell may be too long to count
    try:
        exported_rows = sum(1 for _ in csv.reader(io.StringIO(exported))) - 1
    finally:
        csv.field_size_limit(limit)
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
