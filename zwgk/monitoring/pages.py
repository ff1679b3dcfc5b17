"""Pure page builders of the monitoring section: the province table, one scorecard per department,
and the score on each department page. Scorecards in, `(uri, markdown)` out."""

from __future__ import annotations

from collections import Counter

from zwgk.monitoring import trend
from zwgk.monitoring.scorecards import CRITERIA, MAX_SCORE, Scorecard, weights
from zwgk.rules.reference import rule_anchor
from zwgk.site import html, urls
from zwgk.site.data import SiteData
from zwgk.site.pages import _href, page

RULES_PAGE = "contributing/rules/"
SHOWN_FINDINGS = 500  # per scorecard page; the rest are counted, and all are in `zwgk check`


def _criteria_table(site, from_url: str) -> str:
    weight = weights(site)
    rows = []
    for criterion in CRITERIA:
        rules = "、".join(html.link(_href(from_url, RULES_PAGE) + "#" + rule_anchor(rule), rule) for rule in criterion.rules)
        rows.append([html.text(criterion.title), str(weight[criterion.key]), html.text(criterion.explanation), rules or "—"])
    return html.table("评分标准（满分 100）", ["标准", "分值", "怎样计算", "依据的检查规则"], rows)


def score_section(card: Scorecard, from_url: str) -> str:
    """The score on a department's own page."""
    link = html.link(_href(from_url, urls.scorecard(card.dept_id)), "查看各项得分和检查问题")
    return "\n## 监测得分\n\n" + html.block(f'<p class="zwgk-score"><strong>{card.score:g}</strong> / {MAX_SCORE} 分。{link}</p>')


def monitoring_pages(site: SiteData, cards: list[Scorecard], points: list[trend.Point]) -> list[tuple[str, str]]:
    url = urls.monitoring()
    weight = weights(site)
    headers = ["部门", "层级", "得分", *(f"{c.title}（{weight[c.key]}）" for c in CRITERIA), "问题数"]
    rows = [
        [
            html.link(_href(url, urls.scorecard(card.dept_id)), card.name),
            html.text(card.level),
            f"{card.score:g}",
            *(f"{mark.points:.1f}" for mark in card.marks),
            str(len(card.findings)),
        ]
        for card in sorted(cards, key=lambda c: (-c.score, c.dept_id))
    ]
    table = html.table(
        "各部门得分（点击列标题排序）", headers, rows, classes=["c-name", "c-short", "c-num", *["c-num"] * len(CRITERIA), "c-num"]
    )
    average = sum(card.score for card in cards) / len(cards) if cards else 0
    by_type = Counter(item.type for item in site.items if item.is_active)
    type_rows = [
        [html.link(_href(url, urls.power_type(code)), f"{code} {label}"), str(by_type.get(code, 0))]
        for code, label in site.scheme.power_types.items()
    ]
    by_topic = Counter(entry.topic for entry in site.entries if entry.topic)
    topic_rows = [
        [html.link(_href(url, urls.topic(code)), f"{code} {label}"), str(by_topic.get(code, 0))]
        for code, label in site.scheme.topics.items()
        if by_topic.get(code)
    ]
    body = (
        "# 监测\n\n"
        + html.block(
            f"<p>全省 {len(cards)} 个部门，平均得分 <strong>{average:.1f}</strong> 分。得分由下表中的各项标准逐项计算，"
            "每项都是本部门记录中达到该标准的比例乘以分值；每个部门的页面列出扣分的检查问题。</p>",
            _criteria_table(site, url),
        )
        + "\n## 得分趋势\n\n"
        + html.block(trend.svg(points, "全省平均得分（近 12 个月）"))
        + "\n## 各部门得分\n\n"
        + html.block(table.replace('<table class="zwgk-data">', '<table class="zwgk-data zwgk-sortable">', 1))
        + "\n## 按权力类型统计\n\n"
        + html.block(html.table("现行有效的权力事项", ["权力类型", "事项数"], type_rows))
        + "\n## 按主题统计\n\n"
        + html.block(html.table("政府信息公开目录条目", ["主题", "条目数"], topic_rows))
    )
    built = [(urls.page_source(url), page("监测", body, searchable=False, wide=True))]
    built += [scorecard_page(card, points) for card in cards]
    return built


def scorecard_page(card: Scorecard, points: list[trend.Point]) -> tuple[str, str]:
    url = urls.scorecard(card.dept_id)
    rows = [[html.text(mark.criterion.title), html.text(mark.share), f"{mark.points:.1f}", str(mark.weight)] for mark in card.marks]
    marks = html.table(
        f"{html.text(card.name)}各项得分", ["标准", "达到", "得分", "分值"], rows, classes=["c-name", "c-short", "c-num", "c-num"]
    )
    shown = card.findings[:SHOWN_FINDINGS]
    finding_rows = [
        [
            html.link(_href(url, RULES_PAGE) + "#" + rule_anchor(f.rule), f.rule),
            html.text("错误" if f.is_error else "警告"),
            html.text(f"{f.file}:{f.line}"),
            html.text(f.record),
            html.text(f.message),
        ]
        for f in shown
    ]
    findings = (
        html.table(f"检查问题（{len(card.findings)} 个）", ["规则", "级别", "位置", "记录", "说明"], finding_rows)
        if finding_rows
        else "<p>没有检查问题。</p>"
    )
    more = (
        f"<p>另有 {len(card.findings) - SHOWN_FINDINGS} 个问题未列出，运行 zwgk check 可看到全部。</p>"
        if len(card.findings) > SHOWN_FINDINGS
        else ""
    )
    back = html.link(_href(url, urls.department(card.dept_id)), f"{card.name}的部门页面")
    overview = html.link(_href(url, urls.monitoring()), "全省监测")
    body = (
        f"# {html.md(card.name)}监测得分\n\n"
        + html.block(f'<p class="zwgk-score"><strong>{card.score:g}</strong> / {MAX_SCORE} 分。{back}；{overview}。</p>', marks)
        + "\n## 得分趋势\n\n"
        + html.block(trend.svg(points, f"{card.name}得分（近 12 个月）", card.dept_id))
        + "\n## 检查问题\n\n"
        + html.block(findings, more)
    )
    return urls.page_source(url), page(f"{card.name}监测得分", body, searchable=False, wide=True)
