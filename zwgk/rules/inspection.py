"""Rules of the website inspection indicators (政府网站与政务新媒体检查指标，国办秘函〔2019〕19号) that a
static catalogue can prove: empty and stale columns, entries without a publication date, incomplete
办事指南, and the thresholds at which these become a veto (单项否决). Broken links are checked on the
built site (zwgk/site/links.py): the build fails on any."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from zwgk.catalog.codes import add_months
from zwgk.rules import WARNING, Hit, rule

# The key elements of a 办事指南 (19号: an inspection fails on a guide missing any of them).
GUIDE_ELEMENTS = {
    "name": "事项名称",
    "basis": "设定依据",
    "conditions": "申请条件",
    "materials": "办理材料",
    "location": "办理地点",
    "hours": "办理时间",
    "phone": "联系电话",
    "flow": "办理流程",
}


def guide_missing(item) -> list[str]:
    """The key elements a service item's 办事指南 lacks, as Chinese labels."""
    missing = []
    for key, label in GUIDE_ELEMENTS.items():
        value = (item.contact.consult_phone if item.contact else None) if key == "phone" else getattr(item, key)
        if value in (None, "", []):
            missing.append(label)
    return missing


@dataclass(frozen=True)
class Column:
    """A column (栏目) of a department's part of the site."""

    key: str  # "2025", "topic:05", "type:01", "genre:06": the key a remark is written under
    label: str
    path: tuple  # where in department.yml a finding points


def column_label(key: str, scheme) -> str:
    kind, _, code = key.partition(":")
    if not code:
        return f"{key} 年政府信息公开目录"
    names = {"topic": ("主题", scheme.topics), "type": ("权力类型", scheme.power_types), "genre": ("体裁", scheme.genres)}
    if kind not in names:
        return key
    word, codes = names[kind]
    return f"{word}“{codes.get(code, code)}”栏目"


def _shows(key: str, years: set[int], entries, items) -> bool:
    """Whether the column `key` of a department shows anything."""
    kind, _, code = key.partition(":")
    if not code:
        return key.isdigit() and int(key) in years
    if kind == "topic":
        return any(e.topic == code or (e.topic or "").startswith(code + ".") for e in entries)
    if kind == "genre":
        return any(e.genre == code for e in entries)
    if kind == "type":
        return any(item.is_active and item.type == code for item in items)
    return False


def empty_columns(dept, entries, items, file_keys, as_of: dt.date, scheme) -> list[Column]:
    """Columns of a department that show nothing and carry no 备注说明: every year from its first
    catalogue year to this year (this year from February on), and the columns it declares."""
    base = f"departments/{dept.dept_id}/disclosure/"
    years = {entry.date.year for entry in entries}
    first = years | {int(rel[len(base) : -4]) for rel in file_keys if rel.startswith(base) and rel[len(base) : -4].isdigit()}
    columns = []
    if first:
        last = as_of.year if as_of.month > 1 else as_of.year - 1
        columns += [Column(str(year), column_label(str(year), scheme), ()) for year in range(min(first), max(last, max(first)) + 1)]
    columns += [Column(key, column_label(key, scheme), ("columns", number)) for number, key in enumerate(dept.columns)]
    return [
        column for column in columns if not (dept.remarks.get(column.key) or "").strip() and not _shows(column.key, years, entries, items)
    ]


def stale_columns(dept, entries, as_of: dt.date, intervals: dict[str, int]) -> list[tuple[str, int, object]]:
    """(genre, months, newest entry) for each genre column with an update interval whose newest entry
    is older than the interval."""
    newest = {}
    for entry in entries:
        if entry.genre in intervals and (entry.genre not in newest or entry.date > newest[entry.genre].date):
            newest[entry.genre] = entry
    return [
        (genre, intervals[genre], entry)
        for genre, entry in sorted(newest.items())
        if intervals[genre] and add_months(entry.date, intervals[genre]) < as_of
    ]


def _intervals(scheme) -> dict[str, int]:
    """The update intervals of the genres the scheme has (the defaults name genres a province may not use)."""
    return {code: months for code, months in scheme.update_intervals.items() if code in scheme.genres}


def _by_dept(ctx):
    """Entries and items by department, grouped once per check for all the rules of this family."""
    cached = ctx.__dict__.get("_inspection_by_dept")
    if cached is None:
        entries, items = defaultdict(list), defaultdict(list)
        for entry in ctx.catalog.entries:
            entries[entry.dept_id].append(entry)
        for item in ctx.catalog.items:
            items[item.dept_id].append(item)
        cached = ctx.__dict__["_inspection_by_dept"] = (entries, items)
    return cached


@rule("inspection.empty-column", WARNING, "catalog")
def empty_column(ctx):
    """检查：部门的栏目是否空白：从第一年到今年（2 月起算今年）每一年的政府信息公开目录，以及 department.yml 的 columns 中设置的主题、权力类型、体裁栏目，没有任何内容又没有在 remarks 中写备注说明。
    原因：国办秘函〔2019〕19号把空白栏目列为检查指标，5 个及以上即单项否决；确实没有信息的栏目应写明备注说明（如“本机关本年度无此类信息”），不能是一个空栏目。
    示例：
        # department.yml
        columns: ["topic:05"]
        # 没有主题 05 的条目，也没有 remarks
    修正：补上应公开的信息；确实没有的，在 department.yml 写 remarks: {"topic:05": 本机关本年度无此类信息}。
    """
    entries, items = _by_dept(ctx)
    for dept_id, dept in ctx.catalog.departments.items():
        for column in empty_columns(dept, entries[dept_id], items[dept_id], ctx.catalog.file_keys, ctx.as_of, ctx.scheme):
            yield Hit(
                f"{column.label}没有任何内容，也没有备注说明：请补上信息，或在 remarks 中写明原因（键为“{column.key}”）。",
                column.path,
                dept,
            )


@rule("inspection.stale-column", WARNING, "catalog")
def stale_column(ctx):
    """检查：scheme.yml 的 update_intervals 中列出的体裁（默认通知公告类 03、04、06 和政策文件类 01、02、05，各 6 个月），部门最新一条该体裁的条目是否已超过规定的月数。
    原因：国办秘函〔2019〕19号：通知公告、政策文件类栏目超过 6 个月不更新即为不更新栏目；10 个及以上即单项否决。
    示例：
        # 最新的一条“通知”生成于 2025-03-02，今天是 2026-11-26
        - genre: "06"
          date: 2025-03-02
    修正：及时发布该栏目的信息。
    """
    entries, _ = _by_dept(ctx)
    intervals = _intervals(ctx.scheme)
    for dept_id in ctx.catalog.departments:
        for genre, months, entry in stale_columns(ctx.catalog.departments[dept_id], entries[dept_id], ctx.as_of, intervals):
            label = ctx.scheme.genres.get(genre, genre)
            yield Hit(f"“{label}”栏目最新的一条生成于 {entry.date}，已超过 {months} 个月没有更新。", ("date",), entry)


@rule("inspection.veto-empty-columns", WARNING, "catalog")
def veto_empty_columns(ctx):
    """检查：一个部门的空白栏目（见 inspection.empty-column）是否达到 scheme.yml 的 limits.veto_empty_columns（默认 5 个）。
    原因：国办秘函〔2019〕19号：空白栏目 5 个及以上，网站检查即单项否决，其他得分再高也不合格。
    示例：
        # 2022、2023、2024 年和 topic:05、topic:06 栏目都没有内容也没有备注说明
    修正：逐个处理 inspection.empty-column 列出的栏目。
    """
    entries, items = _by_dept(ctx)
    limit = ctx.scheme.limits.veto_empty_columns
    for dept_id, dept in ctx.catalog.departments.items():
        count = len(empty_columns(dept, entries[dept_id], items[dept_id], ctx.catalog.file_keys, ctx.as_of, ctx.scheme))
        if limit and count >= limit:
            yield Hit(f"有 {count} 个空白栏目，达到 {limit} 个：按国办秘函〔2019〕19号为单项否决。", (), dept)


@rule("inspection.veto-stale-columns", WARNING, "catalog")
def veto_stale_columns(ctx):
    """检查：一个部门的不更新栏目（见 inspection.stale-column）是否达到 scheme.yml 的 limits.veto_stale_columns（默认 10 个）。
    原因：国办秘函〔2019〕19号：应更新而未更新的栏目 10 个及以上，网站检查即单项否决。
    示例：
        # 10 个体裁栏目的最新条目都早于规定的更新周期
    修正：逐个处理 inspection.stale-column 列出的栏目。
    """
    entries, _ = _by_dept(ctx)
    limit = ctx.scheme.limits.veto_stale_columns
    for dept_id, dept in ctx.catalog.departments.items():
        count = len(stale_columns(dept, entries[dept_id], ctx.as_of, _intervals(ctx.scheme)))
        if limit and count >= limit:
            yield Hit(f"有 {count} 个栏目不更新，达到 {limit} 个：按国办秘函〔2019〕19号为单项否决。", (), dept)


@rule("inspection.no-publication-date", WARNING, "entry")
def no_publication_date(entry, ctx):
    """检查：目录条目是否写明发布日期 published。
    原因：国办秘函〔2019〕19号：没有发布日期的信息按未更新计；发布日期也是核对是否按时公开的依据。
    示例：
        - index: 11340000002986061N/202401-00001
          date: 2024-01-05
          # 没有 published
    修正：写明 published（发布日期，YYYY-MM-DD）。
    """
    if entry.published is None:
        yield Hit("没有发布日期 published：请写明信息实际公开的日期。", ())


@rule("inspection.guide-incomplete", WARNING, "item")
def guide_incomplete(item, ctx):
    """检查：服务类事项（scheme.yml 的 service_types）的办事指南是否要素齐全：事项名称、设定依据、申请条件、办理材料、办理地点（location）、办理时间（hours）、联系电话（contact.consult_phone）、办理流程。
    原因：国办秘函〔2019〕19号：办事指南缺少关键要素是单项否决指标；群众照着指南办事，缺一项就要多跑一趟。
    示例：
        type: "01"
        # 没有 location 和 hours
    修正：补上缺少的要素，如 location: 省政务服务中心 2 楼 15 号窗口，hours: 工作日 9:00-17:00。
    """
    if item.type not in ctx.service_types or not item.is_active:
        return
    missing = guide_missing(item)
    if missing:
        yield Hit(f"办事指南缺少关键要素：{'、'.join(missing)}。", ())
