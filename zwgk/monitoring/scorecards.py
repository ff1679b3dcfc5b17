"""Monitors' scorecards: for each department a score out of 100, built from criteria shown one by one.

Every criterion is a share of the department's records that meet it, times its weight; a criterion
with nothing to measure (no service items, no entries) gets its full weight and says so. Criteria
that a rule checks are counted from that rule's findings, so that a score and the check can never
disagree about what is wrong.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from zwgk.catalog.findings import Finding
from zwgk.site import urls
from zwgk.site.data import SiteData
from zwgk.site.exports import absolute_url, resource, to_csv


@dataclass(frozen=True)
class Criterion:
    key: str
    title: str
    weight: int
    explanation: str
    rules: tuple[str, ...] = ()  # the rules whose findings count against it


CRITERIA = (
    Criterion(
        "eight",
        "八公开齐全",
        20,
        "须“八公开”的事项（scheme.yml 的 service_types）中，八项内容都已公开的比例。",
        ("item.eight-disclosures",),
    ),
    Criterion("flowchart", "有运行流程图", 15, "现行有效事项中，公开了运行流程（流程图）的比例。"),
    Criterion("basis", "引用法律依据", 15, "现行有效事项中，写明设定依据或实施依据的比例。"),
    Criterion("review", "复核及时", 10, "现行有效事项中，最近一次复核在规定月数以内的比例。", ("item.review-stale",)),
    Criterion("timely", "按时公开", 15, "主动公开的目录条目中，在规定工作日内发布的比例。", ("entry.published-late",)),
    Criterion(
        "index",
        "索引号完整",
        10,
        "目录条目中，索引号没有任何检查问题（格式、唯一、年月、前缀、连续编号）的比例。",
        ("index.duplicate", "index.format", "index.period-mismatch", "index.prefix-not-publisher", "index.serial-gap"),
    ),
    Criterion("clean", "检查无问题", 15, "本部门文件没有任何检查问题得满分；每个错误扣 1.5 分，每个警告扣 0.5 分，扣完为止。"),
)
MAX_SCORE = sum(criterion.weight for criterion in CRITERIA)


@dataclass
class Mark:
    criterion: Criterion
    met: int
    total: int
    points: float

    @property
    def share(self) -> str:
        if self.criterion.key == "clean":
            return f"{self.met} 个问题"
        return f"{self.met}/{self.total}" if self.total else "不适用"


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


def _share(weight: int, met: int, total: int) -> float:
    return weight * met / total if total else float(weight)


def scorecards(site, findings: list[Finding]) -> list[Scorecard]:
    """One scorecard per department, from the arranged catalogue and the check's findings."""
    by_dept: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        parts = finding.file.split("/")
        if len(parts) > 1 and parts[0] == "departments":
            by_dept[parts[1]].append(finding)
    service = set(site.scheme.service_types)
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
        totals = {
            "eight": len([item for item in active if item.type in service]),
            "flowchart": len(active),
            "basis": len(active),
            "review": len(active),
            "timely": len([entry for entry in entries if entry.mode in (None, "主动公开")]),
            "index": len(entries),
        }
        met = {
            "flowchart": sum(1 for item in active if item.flow),
            "basis": sum(1 for item in active if item.basis),
        }
        marks = []
        for criterion in CRITERIA:
            if criterion.key == "clean":
                points = max(0.0, criterion.weight - 1.5 * errors - 0.5 * (len(found) - errors))
                marks.append(Mark(criterion, len(found), 0, points))
                continue
            total = totals[criterion.key]
            failing = len(set().union(*(flagged.get(rule, set()) for rule in criterion.rules)))
            good = met[criterion.key] if criterion.key in met else max(0, total - failing)
            marks.append(Mark(criterion, good, total, _share(criterion.weight, good, total)))
        cards.append(Scorecard(dept_id, dept.short_name, dept.level, marks, found))
    return cards


SCORE_COLUMNS = [
    ("department", "部门文件夹", "string"),
    ("short_name", "部门简称", "string"),
    ("level", "层级", "string"),
    ("score", "得分（满分 100）", "number"),
    *((f"points_{c.key}", f"{c.title}（满分 {c.weight}）", "number") for c in CRITERIA),
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
    return to_csv(SCORE_COLUMNS, rows)


SCORES_RESOURCE = resource("scores", "scores.csv", "各部门监测得分", SCORE_COLUMNS, ["department"])
