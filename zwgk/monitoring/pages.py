"""Pure page builders of the monitoring section: the province table, one scorecard per department,
and the score on each department page. Scorecards in, `(uri, markdown)` out; the markup is in
zwgk/monitoring/templates/."""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from markupsafe import Markup

from zwgk.monitoring import plain, trend
from zwgk.monitoring.scorecards import CRITERIA, MAX_SCORE, Scorecard, weights
from zwgk.site import tags, urls
from zwgk.site.data import SiteData
from zwgk.site.pages.common import href, page
from zwgk.site.templating import renderer

SHOWN_FINDINGS = 500  # per scorecard page; the rest are counted, and all are in `zwgk check`

render = renderer("zwgk.monitoring", "zwgk.site")


class CriterionRow(NamedTuple):
    title: str
    weight: int
    explanation: str
    rules: list[plain.RuleLink]


class CardRow(NamedTuple):
    href: str
    name: str
    level: str
    score: float
    points: list[float]
    findings: int


class CodeCount(NamedTuple):
    href: str
    label: str
    count: int


class FindingRow(NamedTuple):
    rule: plain.RuleLink
    level: str
    record: plain.Record
    message: str


def score_section(card: Scorecard, from_url: str) -> Markup:
    """The score on a department's own page."""
    return render("score_section.md", score=card.score, max_score=MAX_SCORE, href=href(from_url, urls.scorecard(card.dept_id)))


def monitoring_pages(site: SiteData, cards: list[Scorecard], points: list[trend.Point]) -> list[tuple[str, str]]:
    url = urls.monitoring()
    weight = weights(site)
    criteria = [CriterionRow(c.title, weight[c.key], c.explanation, [plain.rule_link(rule, url) for rule in c.rules]) for c in CRITERIA]
    rows = [
        CardRow(
            href(url, urls.scorecard(card.dept_id)), card.name, card.level, card.score, [m.points for m in card.marks], len(card.findings)
        )
        for card in sorted(cards, key=lambda c: (-c.score, c.dept_id))
    ]
    by_type = Counter(item.type for item in site.items if item.is_active)
    by_topic = Counter(entry.topic for entry in site.entries if entry.topic)
    body = render(
        "monitoring.md",
        cards=rows,
        average=sum(card.score for card in cards) / len(cards) if cards else 0,
        criteria=criteria,
        criterion_headers=[c.title for c in CRITERIA],
        inspection_href=href(url, urls.inspection()),
        weights_href=href(url, "contributing/") + "#score-weights",
        annual_href=href(url, urls.annual_province()),
        trend=trend.svg(points, "全省平均得分（近 12 个月）"),
        types=[
            CodeCount(href(url, urls.power_type(code)), f"{code} {label}", by_type.get(code, 0))
            for code, label in site.scheme.power_types.items()
        ],
        topics=[
            CodeCount(href(url, urls.topic(code)), f"{code} {label}", by_topic[code])
            for code, label in site.scheme.topics.items()
            if by_topic.get(code)
        ],
    )
    built = [(urls.page_source(url), page("监测", body, searchable=False, wide=True, gov_tags=tags.column("监测", "监测统计")))]
    built += [scorecard_page(card, points, site) for card in cards]
    return built


def scorecard_page(card: Scorecard, points: list[trend.Point], site: SiteData) -> tuple[str, str]:
    url = urls.scorecard(card.dept_id)
    findings = [
        FindingRow(
            plain.rule_link(f.rule, url), "错误" if f.is_error else "警告", plain.record(f, site, url), plain.plain_message(f.message)
        )
        for f in card.findings[:SHOWN_FINDINGS]
    ]
    body = render(
        "scorecard.md",
        card=card,
        max_score=MAX_SCORE,
        department_href=href(url, urls.department(card.dept_id)),
        monitoring_href=href(url, urls.monitoring()),
        trend=trend.svg(points, f"{card.name}得分（近 12 个月）", card.dept_id),
        findings=findings,
        hidden=max(len(card.findings) - SHOWN_FINDINGS, 0),
    )
    return urls.page_source(url), page(
        f"{card.name}监测得分", body, searchable=False, wide=True, gov_tags=tags.column(f"{card.name}监测得分", "监测统计")
    )
