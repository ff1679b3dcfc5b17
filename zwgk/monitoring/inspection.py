"""The 检查指标自查 page (国办秘函〔2019〕19号) under /monitoring/: for each department, each indicator a
static catalogue can prove, pass or fail, from the findings of the inspection rules, and the veto
failures (单项否决). Findings in, `(uri, markdown)` out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from zwgk.catalog.findings import Finding
from zwgk.monitoring import plain
from zwgk.site import tags, urls
from zwgk.site.data import SiteData
from zwgk.site.pages.common import href, page
from zwgk.site.templating import renderer

render = renderer("zwgk.monitoring", "zwgk.site")
SHOWN_PER_INDICATOR = 50


@dataclass(frozen=True)
class Indicator:
    key: str
    title: str
    explanation: str
    rules: tuple[str, ...]


INDICATORS = (
    Indicator(
        "empty",
        "空白栏目",
        "每年的政府信息公开目录和部门设置的各个栏目，没有内容的都写了备注说明。",
        ("inspection.empty-column",),
    ),
    Indicator(
        "stale",
        "栏目更新",
        "全省编码方案规定了更新周期的体裁（默认通知公告、政策文件类），最新一条都在规定月数以内。",
        ("inspection.stale-column",),
    ),
    Indicator("dated", "发布日期", "每条目录条目都写明了发布日期（没有发布日期的信息按未更新计）。", ("inspection.no-publication-date",)),
    Indicator(
        "guide",
        "办事指南要素",
        "服务类事项的办事指南都有事项名称、设定依据、申请条件、办理材料、办理地点、办理时间、联系电话、办理流程。",
        ("inspection.guide-incomplete",),
    ),
)
# A veto (单项否决): the thresholds of empty and stale columns, and a 办事指南 lacking key elements.
VETO_RULES = ("inspection.veto-empty-columns", "inspection.veto-stale-columns")


def _dept_of(finding: Finding) -> str:
    parts = finding.file.split("/")
    return parts[1] if len(parts) > 1 and parts[0] == "departments" else ""


def inspection_page(site: SiteData, findings: list[Finding]) -> tuple[str, str]:
    url = urls.inspection()
    by_dept: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in findings:
        if finding.rule.startswith("inspection."):
            by_dept[_dept_of(finding)][finding.rule].append(finding)
    rows, details = [], []
    for dept_id, dept in sorted(site.departments.items()):
        found = by_dept.get(dept_id, {})
        indicators = []
        for indicator in INDICATORS:
            hits = [f for rule in indicator.rules for f in found.get(rule, [])]
            shown = [{"record": plain.record(f, site, url), "message": plain.plain_message(f.message)} for f in hits[:SHOWN_PER_INDICATOR]]
            indicators.append(
                {"title": indicator.title, "findings": shown, "count": len(hits), "more": max(0, len(hits) - SHOWN_PER_INDICATOR)}
            )
        vetoes = [plain.plain_message(f.message) for rule in VETO_RULES for f in found.get(rule, [])]
        if found.get("inspection.guide-incomplete"):
            vetoes.append(f"{len(found['inspection.guide-incomplete'])} 个服务事项的办事指南缺少关键要素。")
        anchor = f"dept-{dept_id}"
        rows.append(
            {
                "name": dept.short_name,
                "anchor": anchor,
                "cells": [{"passed": not i["count"], "count": i["count"]} for i in indicators],
                "veto": bool(vetoes),
            }
        )
        details.append(
            {
                "anchor": anchor,
                "name": dept.short_name,
                "veto": bool(vetoes),
                "vetoes": vetoes,
                "indicators": indicators,
                "scorecard_href": href(url, urls.scorecard(dept_id)),
                "department_href": href(url, urls.department(dept_id)),
            }
        )
    # Vetoed departments first, then those with a failed indicator: what an inspector looks at first
    # (on a phone, where the table is cards, its column headings cannot be pressed to sort it).
    order = sorted(range(len(rows)), key=lambda n: (not rows[n]["veto"], all(c["passed"] for c in rows[n]["cells"]), n))
    rows, details = [rows[n] for n in order], [details[n] for n in order]
    limits = site.scheme.limits
    body = render(
        "inspection.md",
        indicators=[
            {"title": i.title, "explanation": i.explanation, "rules": [plain.rule_link(r, url) for r in i.rules]} for i in INDICATORS
        ],
        indicator_titles=[i.title for i in INDICATORS],
        rows=rows,
        details=details,
        failed=sum(1 for row in rows if not all(cell["passed"] for cell in row["cells"])),
        vetoed=sum(1 for row in rows if row["veto"]),
        veto_rule=f"空白栏目 {limits.veto_empty_columns} 个及以上、不更新栏目 {limits.veto_stale_columns} 个及以上，或办事指南缺少关键要素，为单项否决。",
    )
    return urls.page_source(url), page("检查指标自查", body, searchable=False, wide=True, gov_tags=tags.column("检查指标自查", "监测统计"))
