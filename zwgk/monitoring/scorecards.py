"""Monitors' scorecards: for each department a score out of 100, built from criteria shown one by one.

Every criterion is a share of the department's records that meet it, times its weight; a criterion
with nothing to measure (no service items, no normative documents) gets its full weight and says so.
Criteria that a rule checks are counted from that rule's findings, so that a score and the check can
never disagree about what is wrong. The weights come from scheme.yml (`score_weights`, checked by
the rule scheme.score-weights to add up to 100); the defaults are DEFAULT_SCORE_WEIGHTS.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from zwgk.catalog.codes import add_months, workdays_between
from zwgk.catalog.findings import Finding
from zwgk.catalog.scheme_model import DEFAULT_SCORE_WEIGHTS
from zwgk.rules.annual import deadline
from zwgk.rules.disclosure import interpretation_genres
from zwgk.site import urls
from zwgk.site.data import SiteData
from zwgk.site.exports import absolute_url, resource, to_csv


@dataclass(frozen=True)
class Criterion:
    key: str
    title: str
    explanation: str
    rules: tuple[str, ...] = ()  # the rules whose findings count against it


INDEX_RULES = ("index.duplicate", "index.format", "index.period-mismatch", "index.prefix-not-publisher", "index.serial-gap")
CRITERIA = (
    Criterion(
        "eight",
        "八公开齐全",
        "须“八公开”的服务类事项（行政许可、行政给付、行政确认、公共服务等）中，八项内容都已公开的比例。",
        ("item.eight-disclosures",),
    ),
    Criterion("flowchart", "有运行流程图", "现行有效事项中，公开了运行流程（流程图）的比例。"),
    Criterion("basis", "引用法律依据", "现行有效事项中，写明设定依据或实施依据的比例。"),
    Criterion("review", "复核及时", "现行有效事项中，最近一次复核在规定月数以内的比例。", ("item.review-stale",)),
    Criterion(
        "timely",
        "按时公开",
        "主动公开的目录条目中，写明发布日期且自生成日期起在规定工作日（默认 20 个工作日）内发布的比例。",
        ("entry.published-late", "inspection.no-publication-date"),
    ),
    Criterion("index", "索引号完整", "目录条目中，索引号没有任何检查问题（格式、唯一、年月、前缀、连续编号）的比例。", INDEX_RULES),
    Criterion("clean", "检查无问题", "本部门文件没有任何检查问题得满分；每个错误扣分值的 10%，每个警告扣 2%，扣完为止。"),
    Criterion(
        "up_to_date",
        "持续更新",
        "最近 12 个完整月份中，每月都有新发布的信息，或部门写明了该月的备注说明（如“本月无新增信息”）的月份比例。",
    ),
    Criterion(
        "guide",
        "办事指南要素齐全",
        "服务类事项中，办事指南八个关键要素（事项名称、设定依据、申请条件、办理材料、办理地点、办理时间、联系电话、办理流程）齐全的比例。",
        ("inspection.guide-incomplete",),
    ),
    Criterion(
        "validity",
        "规范性文件标注有效性",
        "行政规范性文件中，明确标注了有效性（有效、失效或废止）的比例。",
        ("entry.normative-validity-missing",),
    ),
    Criterion(
        "interpretation",
        "政策解读关联",
        "主动公开的行政规范性文件中有政策解读的，和政策解读中写明了所解读文件的，合计占两者总数的比例。",
    ),
    Criterion(
        "annual",
        "年度报告按时一致",
        "已到公布期限的最近两个年度：每年有年度报告且按时公布得一半，表格勾稽一致、正文数字与表格相符再得一半。",
    ),
)
MAX_SCORE = 100
ANNUAL_CONSISTENCY_RULES = (
    "annual.balance",
    "annual.row-total",
    "annual.group-sum",
    "annual.results-total",
    "annual.appeals-total",
    "annual.carry-over-mismatch",
    "annual.overview-figures",
    "annual.year-mismatch",
)


def weights(site=None) -> dict[str, int]:
    """The weight of every criterion: scheme.yml's score_weights (criteria it leaves out weigh 0); the
    defaults without a site."""
    configured = DEFAULT_SCORE_WEIGHTS if site is None or site.scheme.score_weights is None else site.scheme.score_weights
    return {criterion.key: configured.get(criterion.key, 0) for criterion in CRITERIA}


@dataclass
class Mark:
    criterion: Criterion
    met: float
    total: int
    points: float
    weight: int = 0
    note: str = ""

    @property
    def share(self) -> str:
        if self.criterion.key == "clean":
            return f"{self.met:g} 个问题"
        shown = f"{self.met:g}/{self.total}" if self.total else "不适用"
        return f"{shown}（{self.note}）" if self.note else shown


@dataclass
class Scorecard:
    dept_id: str
    name: str
    level: str
    marks: list[Mark]
    findings: list[Finding] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(sum(mark.points for mark in self.marks), 1)


def _share(weight: int, met: float, total: int) -> float:
    return weight * met / total if total else float(weight)


def recent_months(as_of: dt.date, count: int = 12) -> list[str]:
    """The `count` complete months before as_of's month, as YYYY-MM, oldest first."""
    first = as_of.replace(day=1)
    return [add_months(first, -back).strftime("%Y-%m") for back in range(count, 0, -1)]


def _up_to_date(dept, entries, as_of: dt.date) -> tuple[int, int]:
    # Months as (year, month) pairs: formatting 100,000 dates as text costs seconds at province scale.
    published = {((day := entry.published or entry.date).year, day.month) for entry in entries}
    first = min(((entry.date.year, entry.date.month) for entry in entries), default=None)
    met = total = 0
    for month in recent_months(as_of):
        key = (int(month[:4]), int(month[5:]))
        if first is not None and key < first:
            continue
        total += 1
        met += key in published or bool((dept.remarks.get(month) or "").strip())
    return met, total


def _timeliness(site, entries, workdays: dict) -> str:
    """The average working days from 生成日期 to 发布日期 of the entries with both dates; `workdays`
    caches the count by pair of dates (many entries share them)."""
    holidays, extra = frozenset(site.scheme.holidays), frozenset(site.scheme.workdays)
    days = []
    for entry in entries:
        if entry.published and entry.published >= entry.date:
            pair = (entry.date, entry.published)
            if pair not in workdays:
                workdays[pair] = workdays_between(entry.date, entry.published, holidays, extra)
            days.append(workdays[pair])
    return f"平均 {sum(days) / len(days):.1f} 个工作日" if days else ""


def _interpretations(site, entries, interpreted: set[str], indices: set[str]) -> tuple[int, int]:
    genres = interpretation_genres(site.scheme)
    policies = [e for e in entries if e.normative and e.mode in (None, "主动公开")]
    readings = [e for e in entries if e.genre in genres]
    met = sum(1 for e in policies if e.index in interpreted) + sum(1 for e in readings if e.interprets in indices)
    return met, len(policies) + len(readings)


def _annual(dept, reports, found, as_of: dt.date) -> tuple[float, int]:
    last_year = as_of.year - 1 if as_of > deadline(as_of.year - 1, dept.is_government) else as_of.year - 2
    years = {report.year: report for report in reports}
    late = {f.record for f in found if f.rule == "annual.published-late"}
    inconsistent = {f.record for f in found if f.rule in ANNUAL_CONSISTENCY_RULES}
    met = 0.0
    for year in (last_year - 1, last_year):
        report = years.get(year)
        if report is not None:
            met += 0.5 * (report.label not in late) + 0.5 * (report.label not in inconsistent)
    return met, 2


def scorecards(site, findings: list[Finding], as_of: dt.date | None = None) -> list[Scorecard]:
    """One scorecard per department, from the arranged catalogue, the check's findings and the date
    the check was made for (today unless given)."""
    as_of = as_of or dt.date.today()
    by_dept: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        parts = finding.file.split("/")
        if len(parts) > 1 and parts[0] == "departments":
            by_dept[parts[1]].append(finding)
    service = set(site.scheme.service_types)
    weight = weights(site)
    indices = {entry.index for entry in site.entries}
    interpreted = {entry.interprets for entry in site.entries if entry.interprets}
    workdays: dict = {}
    annual_by_dept = defaultdict(list)
    for report in site.annual:
        annual_by_dept[report.dept_id].append(report)
    cards = []
    for dept_id, dept in sorted(site.departments.items()):
        items = site.items_by_dept.get(dept_id, [])
        active = [item for item in items if item.is_active]
        entries = site.entries_by_dept.get(dept_id, [])
        found = by_dept.get(dept_id, [])
        flagged = defaultdict(set)  # rule -> records with a finding of that rule
        for finding in found:
            flagged[finding.rule].add(finding.record)
        errors = sum(1 for f in found if f.is_error)
        proactive = [entry for entry in entries if entry.mode in (None, "主动公开")]
        totals = {
            "eight": len([item for item in active if item.type in service]),
            "flowchart": len(active),
            "basis": len(active),
            "review": len(active),
            "timely": len(proactive),
            "index": len(entries),
            "guide": len([item for item in active if item.type in service]),
            "validity": len([entry for entry in entries if entry.normative]),
        }
        met = {"flowchart": sum(1 for item in active if item.flow), "basis": sum(1 for item in active if item.basis)}
        met["up_to_date"], totals["up_to_date"] = _up_to_date(dept, entries, as_of)
        met["interpretation"], totals["interpretation"] = _interpretations(site, entries, interpreted, indices)
        met["annual"], totals["annual"] = _annual(dept, annual_by_dept.get(dept_id, []), found, as_of)
        marks = []
        for criterion in CRITERIA:
            share = weight[criterion.key]
            if criterion.key == "clean":
                points = max(0.0, share - share * (0.1 * errors + 0.02 * (len(found) - errors)))
                marks.append(Mark(criterion, len(found), 0, points, share))
                continue
            total = totals[criterion.key]
            failing = len(set().union(*(flagged.get(rule, set()) for rule in criterion.rules)))
            good = met[criterion.key] if criterion.key in met else max(0, total - failing)
            note = _timeliness(site, proactive, workdays) if criterion.key == "timely" else ""
            marks.append(Mark(criterion, good, total, _share(share, good, total), share, note))
        cards.append(Scorecard(dept_id, dept.short_name, dept.level, marks, found))
    return cards


def score_columns(site=None) -> list[tuple[str, str, str]]:
    weight = weights(site)
    return [
        ("department", "部门文件夹", "string"),
        ("short_name", "部门简称", "string"),
        ("level", "层级", "string"),
        ("score", "得分（满分 100）", "number"),
        *((f"points_{c.key}", f"{c.title}（满分 {weight[c.key]}）", "number") for c in CRITERIA),
        ("findings", "检查问题数", "integer"),
        ("scorecard", "监测页面", "string"),
    ]


def scores_csv(site: SiteData, cards) -> bytes:
    """The scorecards as CSV (exports/scores.csv). Written with each build, not cached with the other
    exports: scores depend on the date of the check too."""
    rows = []
    for card in cards:
        row = {"department": card.dept_id, "short_name": card.name, "level": card.level, "score": card.score}
        row |= {f"points_{mark.criterion.key}": round(mark.points, 1) for mark in card.marks}
        row |= {"findings": len(card.findings), "scorecard": absolute_url(site, urls.scorecard(card.dept_id))}
        rows.append(row)
    return to_csv(score_columns(site), rows)


def scores_resource(site=None) -> dict:
    return resource("scores", "scores.csv", "各部门监测得分", score_columns(site), ["department"])


# The description with the default weights; the build describes the scheme's own (scores_resource).
SCORES_RESOURCE = scores_resource(None)
