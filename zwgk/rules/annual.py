"""Rules on the annual report (annual/<YYYY>.yml, 国办公开办函〔2021〕30号): the sums of tables 三 and 四,
the carry-over between years, figures quoted in section 一, and the publication deadline."""

import datetime as dt
import re
from collections import defaultdict

from zwgk.catalog.annual_model import Applicants, Outcomes
from zwgk.rules import ERROR, WARNING, Hit, rule

COLUMNS = (*Applicants.COLUMNS, "total")


def column_label(column: str) -> str:
    return "总计" if column == "total" else Applicants.model_fields[column].title


def _rows(report):
    """Every row of table 三 with its key path and label."""
    applications = report.applications
    results = applications.results
    base = ("applications",)
    yield (*base, "new"), "一、本年新收", applications.new
    yield (*base, "carried_over"), "二、上年结转", applications.carried_over
    for name in results.SINGLE:
        yield (*base, "results", name), type(results).model_fields[name].title, getattr(results, name)
    for name in results.GROUPS:
        group = getattr(results, name)
        group_title = type(results).model_fields[name].title
        for reason in group.REASONS:
            yield (*base, "results", name, reason), f"{group_title}{type(group).model_fields[reason].title}", getattr(group, reason)
        if group.total is not None:
            yield (*base, "results", name, "total"), f"{group_title}合计", group.total
    if results.total is not None:
        yield (*base, "results", "total"), "（七）总计", results.total
    yield (*base, "carried_forward"), "四、结转下年度继续办理", applications.carried_forward


@rule("annual.year-mismatch", ERROR, "annual")
def year_mismatch(report, ctx):
    """检查：年度报告中的 year 是否等于文件名中的年份。
    原因：文件名和 year 说的应是同一年，否则统计会算到别的年度。
    示例：
        # annual/2024.yml
        year: 2023
    修正：改正 year，或把文件改名。
    """
    year = report.file.rsplit("/", 1)[-1].removesuffix(".yml")
    if str(report.year) != year:
        yield Hit(f"year 为 {report.year}，与文件名的年份 {year} 不一致。", ("year",))


@rule("annual.balance", ERROR, "annual")
def balance(report, ctx):
    """检查：表三每一列（自然人、各类法人或其他组织、总计）是否平衡：一、本年新收 + 二、上年结转 = 三、本年度办理结果（七）总计 + 四、结转下年度继续办理。
    原因：这是年度报告表三的基本勾稽关系；对不上说明有申请漏计或重计。
    示例：
        applications:
          new: {natural_person: 10}
          results: {disclosed: {natural_person: 8}}
          carried_forward: {natural_person: 1}
    修正：核对每一类申请人的收到、办结和结转数。
    """
    applications = report.applications
    for column in COLUMNS:
        received = applications.new.value(column) + applications.carried_over.value(column)
        handled = applications.results.total_of(column) + applications.carried_forward.value(column)
        if received != handled:
            yield Hit(
                f"“{column_label(column)}”一列不平衡：本年新收 + 上年结转 = {received}，办理结果总计 + 结转下年度 = {handled}。",
                ("applications", "new", column) if column != "total" else ("applications", "new"),
            )


@rule("annual.row-total", ERROR, "annual")
def row_total(report, ctx):
    """检查：表三每一行写明的“总计”是否等于自然人与五类法人或其他组织之和。
    原因：总计列是各类申请人之和，写错会让全省汇总出错。
    示例：
        new: {natural_person: 10, commercial: 2, total: 13}
    修正：改正 total，或删去 total 让系统按各列相加。
    """
    for path, label, row in _rows(report):
        if row.total is not None and row.total != row.column_sum:
            yield Hit(f"“{label}”一行的总计写为 {row.total}，各类申请人之和为 {row.column_sum}。", (*path, "total"))


@rule("annual.group-sum", ERROR, "annual")
def group_sum(report, ctx):
    """检查：表三（三）不予公开、（四）无法提供、（五）不予处理、（六）其他处理写明的本组合计，是否等于组内各项之和（每一列）。
    原因：组合计与分项对不上，说明有申请算进了合计却没有归到具体理由。
    示例：
        withheld:
          total: {natural_person: 3}
          state_secret: {natural_person: 1}
    修正：核对分项数字，或删去 total 让系统按分项相加。
    """
    results = report.applications.results
    for name in results.GROUPS:
        group = getattr(results, name)
        if group.total is None:
            continue
        for column in COLUMNS:
            stated, summed = group.total.value(column), sum(row.value(column) for row in group.reasons())
            if stated != summed:
                title = type(results).model_fields[name].title
                path = ("applications", "results", name, "total", column)
                yield Hit(f"{title}的“{column_label(column)}”合计写为 {stated}，组内各项之和为 {summed}。", path)


@rule("annual.results-total", ERROR, "annual")
def results_total(report, ctx):
    """检查：表三写明的（七）总计是否等于（一）至（六）各项之和（每一列）。
    原因：（七）总计是本年办结的全部申请，与各项之和不符说明漏计或重计。
    示例：
        results:
          disclosed: {natural_person: 5}
          total: {natural_person: 6}
    修正：核对各项数字，或删去 results.total 让系统相加。
    """
    results = report.applications.results
    if results.total is None:
        return
    for column in COLUMNS:
        stated, summed = results.total.value(column), results.total_of(column)
        if stated != summed:
            yield Hit(
                f"（七）总计的“{column_label(column)}”写为 {stated}，（一）至（六）各项之和为 {summed}。",
                ("applications", "results", "total", column),
            )


@rule("annual.appeals-total", ERROR, "annual")
def appeals_total(report, ctx):
    """检查：表四行政复议、行政诉讼（未经复议直接起诉、复议后起诉）各栏写明的总计，是否等于结果维持、结果纠正、其他结果、尚未审结四项之和。
    原因：表四每一栏的总计是四种结果之和，写错会让复议诉讼的统计失真。
    示例：
        appeals:
          review: {upheld: 2, corrected: 1, total: 4}
    修正：改正 total，或删去 total 让系统相加。
    """
    for block in report.appeals.BLOCKS:
        outcomes: Outcomes = getattr(report.appeals, block)
        if outcomes.total is not None and outcomes.total != outcomes.result_sum:
            title = type(report.appeals).model_fields[block].title
            yield Hit(f"表四“{title}”的总计写为 {outcomes.total}，四种结果之和为 {outcomes.result_sum}。", ("appeals", block, "total"))


@rule("annual.carry-over-mismatch", ERROR, "catalog")
def carry_over_mismatch(ctx):
    """检查：本年的“二、上年结转”是否等于上一年年度报告的“四、结转下年度继续办理”（两年的报告都在时，每一列）。
    原因：上年结转下来的申请就是上一年没办完的申请，两个数字说的是同一批申请。
    示例：
        # annual/2024.yml
        carried_forward: {natural_person: 2}
        # annual/2025.yml
        carried_over: {natural_person: 3}
    修正：核对两年的结转数字，改正写错的一年。
    """
    by_dept = defaultdict(dict)
    for report in ctx.catalog.annual:
        by_dept[report.dept_id][report.year] = report
    for reports in by_dept.values():
        for year, report in sorted(reports.items()):
            last = reports.get(year - 1)
            if last is None:
                continue
            for column in COLUMNS:
                now, before = report.applications.carried_over.value(column), last.applications.carried_forward.value(column)
                if now != before:
                    path = ("applications", "carried_over", column) if column != "total" else ("applications", "carried_over")
                    yield Hit(f"上年结转的“{column_label(column)}”为 {now}，而 {year - 1} 年度报告的结转下年度为 {before}。", path, report)


# Figures that section 一 commonly quotes, by the words that name them. A number right after those
# words (a few characters apart at most, before 件 or 元) must equal the table's figure.
_GAP = r"[^\d，。；、,;]{0,6}?"
QUOTED_FIGURES = (
    ("新收政府信息公开申请", r"新收(?:政府信息公开)?申请", "件", lambda r: r.applications.new.grand_total),
    ("上年结转", r"上年结转(?:政府信息公开申请)?", "件", lambda r: r.applications.carried_over.grand_total),
    ("结转下年度", r"结转下年度(?:继续办理)?", "件", lambda r: r.applications.carried_forward.grand_total),
    ("予以公开", r"(?<!部分)予以公开", "件", lambda r: r.applications.results.disclosed.grand_total),
    ("部分公开", r"部分公开", "件", lambda r: r.applications.results.partly_disclosed.grand_total),
    ("制发规范性文件", r"制发(?:行政)?规范性文件", "件", lambda r: r.proactive.normative_documents.made),
    ("现行有效规范性文件", r"现行有效(?:行政)?规范性文件", "件", lambda r: r.proactive.normative_documents.in_force),
    ("行政复议", r"行政复议(?:案件)?", "件", lambda r: r.appeals.review.grand_total),
    ("信息处理费", r"信息处理费", "元", lambda r: r.other.fee_amount),
)
_QUOTES = [(label, re.compile(words + _GAP + r"(\d+(?:\.\d+)?)\s*" + unit), value) for label, words, unit, value in QUOTED_FIGURES]


@rule("annual.overview-figures", WARNING, "annual")
def overview_figures(report, ctx):
    """检查：一、总体情况的正文中引用的数字（如“新收政府信息公开申请 52 件”“予以公开 40 件”“行政复议 1 件”“信息处理费 0 元”）是否与表二、表三、表四中的数字一致。
    原因：正文和表格说的是同一组数字；不一致时，读者不知道该信哪一个。
    示例：
        overview:
          applications: 全年新收政府信息公开申请 60 件。
        applications:
          new: {natural_person: 52}
    修正：改正正文或表格中写错的数字。
    """
    for part in report.overview.PARTS:
        text = getattr(report.overview, part)
        if not text:
            continue
        for label, pattern, value in _QUOTES:
            for match in pattern.finditer(text):
                quoted, actual = float(match.group(1)), float(value(report))
                if quoted != actual:
                    yield Hit(f"正文写“{label} {match.group(1)}”，表格中为 {actual:g}：请核对。", ("overview", part))


def deadline(year: int, government: bool) -> dt.date:
    """The last day to publish the annual report of `year` (条例第四十九条)."""
    return dt.date(year + 1, 3, 31) if government else dt.date(year + 1, 1, 31)


@rule("annual.published-late", WARNING, "annual")
def published_late(report, ctx):
    """检查：年度报告是否按时公布：部门在次年 1 月 31 日前，人民政府（department.yml 中 government: true）在次年 3 月 31 日前；没有写公布日期的也算。
    原因：《政府信息公开条例》第四十九条规定了年度报告的公布期限；公布日期也是监测年度报告是否按时的依据。
    示例：
        year: 2024
        published: 2025-02-20
    修正：按期公布，并写明 published（公布日期）。
    """
    dept = ctx.department(report.dept_id)
    government = bool(dept and dept.is_government)
    last_day = deadline(report.year, government)
    who = "人民政府" if government else "部门"
    if report.published is None:
        if ctx.as_of > last_day:
            yield Hit(f"没有写公布日期 published：{who}的 {report.year} 年度报告应在 {last_day} 前公布，请写明实际公布日期。", ())
    elif report.published > last_day:
        yield Hit(f"{report.published} 才公布，晚于{who}年度报告的公布期限 {last_day}（条例第四十九条）。", ("published",))
