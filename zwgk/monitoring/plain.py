"""Findings as the public reads them on the monitoring pages: the record a finding concerns (an item's
code and name, an entry's 索引号 and title, a year's report), linked to its page, and plain Chinese
in place of file names, YAML keys and rule ids, which belong to the contributor guide."""

from __future__ import annotations

import inspect
import re
from typing import NamedTuple

import pydantic

from zwgk import rules
from zwgk.catalog import model
from zwgk.catalog.findings import Finding
from zwgk.rules.reference import FAMILY_TITLES, rule_anchor
from zwgk.site import urls
from zwgk.site.data import SiteData
from zwgk.site.pages.common import href

RULES_PAGE = "contributing/rules/"

# What each rule shown on a public page checks, in a few plain words (the rules reference has the rest).
RULE_LABELS = {
    "item.eight-disclosures": "八公开是否齐全",
    "item.review-stale": "事项是否按期复核",
    "entry.published-late": "信息是否按时公开",
    "entry.normative-validity-missing": "规范性文件是否标注有效性",
    "entry.interpretation-unlinked": "政策解读是否写明所解读的文件",
    "entry.interprets-unknown": "所解读的文件是否在目录中",
    "inspection.no-publication-date": "是否写明发布日期",
    "inspection.empty-column": "空白栏目是否有备注说明",
    "inspection.stale-column": "栏目是否按时更新",
    "inspection.guide-incomplete": "办事指南要素是否齐全",
    "inspection.veto-empty-columns": "空白栏目是否过多（单项否决）",
    "inspection.veto-stale-columns": "不更新栏目是否过多（单项否决）",
    "index.duplicate": "索引号是否重复",
    "index.format": "索引号格式",
    "index.period-mismatch": "索引号年月与生成日期是否一致",
    "index.prefix-not-publisher": "索引号前缀是否为发布机构的代码",
    "index.serial-gap": "索引号序号是否连续",
    "annual.published-late": "年度报告是否按时公布",
    "annual.balance": "年度报告表三收支是否平衡",
    "annual.row-total": "年度报告各行总计是否正确",
    "annual.group-sum": "年度报告各项小计是否正确",
    "annual.results-total": "年度报告办理结果总计是否正确",
    "annual.appeals-total": "年度报告复议诉讼总计是否正确",
    "annual.carry-over-mismatch": "年度报告结转数是否与上年一致",
    "annual.overview-figures": "年度报告正文数字是否与表格一致",
    "annual.year-mismatch": "年度报告年份是否正确",
}


class RuleLink(NamedTuple):
    label: str
    href: str


class Record(NamedTuple):
    text: str
    href: str  # "" when the record has no page of its own


def rule_label(rule_id: str) -> str:
    if rule_id in RULE_LABELS:
        return RULE_LABELS[rule_id]
    rule = rules.REGISTRY.get(rule_id)
    return f"{FAMILY_TITLES.get(rule.family, '其他')}方面的检查" if rule else "其他检查"


def rule_link(rule_id: str, from_url: str) -> RuleLink:
    """The rule in plain words, linked to its full explanation in the contributor guide."""
    return RuleLink(rule_label(rule_id), href(from_url, RULES_PAGE) + "#" + rule_anchor(rule_id))


def _field_titles() -> dict[str, str]:
    """Every field name of the catalogue's models -> its shortest title, cut before any example."""
    titles: dict[str, str] = {}
    for cls in vars(model).values():
        if inspect.isclass(cls) and issubclass(cls, pydantic.BaseModel):
            for name, info in cls.model_fields.items():
                title = re.split(r"[：:，,（(]", info.title or "", maxsplit=1)[0].strip()
                if title and (name not in titles or len(title) < len(titles[name])):
                    titles[name] = title
    return titles


FIELD_TITLES = _field_titles()
FILE_WORDS = {"scheme.yml": "编码方案", "department.yml": "部门信息"}
_FILE = re.compile(r"[\w./<>-]*\.ya?ml\b")
_KEY = re.compile(r"(?<![\w.])[a-z][a-z0-9]*(?:_[a-z0-9]+)*(?:\.[a-z][a-z0-9_]*)*(?![\w.])")


_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef]) +(?=[\u3000-\u9fff\uff00-\uffef])")


def plain_message(text: str) -> str:
    """A finding's message without file names or YAML keys: each known key becomes its Chinese title."""
    original = text
    text = _FILE.sub(lambda m: FILE_WORDS.get(m.group(0).rsplit("/", 1)[-1], "目录文件"), text)

    def key(match: re.Match) -> str:
        last = match.group(0).rsplit(".", 1)[-1]
        return FIELD_TITLES.get(last, match.group(0))

    text = _KEY.sub(key, text)
    return _CJK_GAP.sub("", text) if text != original else text


def record(finding: Finding, site: SiteData, from_url: str) -> Record:
    """What a finding concerns, as the public names it, and the page that shows it."""
    parts = finding.file.split("/")
    dept_id = parts[1] if len(parts) > 2 and parts[0] == "departments" else ""
    kind, stem = (parts[2], parts[-1].rsplit(".", 1)[0]) if len(parts) > 3 else ("", "")
    link = ""
    if finding.record:
        first = finding.record.split(" ", 1)[0]
        if first in site.entry_by_index:
            link = site.entry_url(site.entry_by_index[first])
        elif kind == "powers" and any(i.basic_code == stem for i in site.items_by_dept.get(dept_id, ())):
            link = urls.item(dept_id, stem)
        elif kind == "annual" and stem.isdigit() and any(r.dept_id == dept_id and r.year == int(stem) for r in site.annual):
            link = urls.annual_report(dept_id, int(stem))
        return Record(finding.record, href(from_url, link) if link else "")
    if kind == "disclosure":
        text = f"{stem} 年政府信息公开目录"
    elif kind == "annual":
        text = f"{stem} 年度报告"
    elif kind == "powers":
        text = f"权力事项 {stem}"
    elif dept_id:
        text, link = "部门信息", urls.department(dept_id) if dept_id in site.departments else ""
    else:
        text = "全省编码方案" if finding.file == "scheme.yml" else "目录"
    return Record(text, href(from_url, link) if link else "")
