"""Rules on annual disclosure statistics (annual/<YYYY>.yml, 国办公开办函〔2021〕30号 tables)."""

from zwgk.catalog.model import Applicants
from zwgk.rules import ERROR, Hit, rule


@rule("annual.year-mismatch", ERROR, "annual")
def year_mismatch(report, ctx):
    """检查：年度统计中的 year 是否等于文件名中的年份。
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
    """检查：依申请公开的数字是否平衡：每一类申请人，本年新收 + 上年结转 = 本年办理结果合计 + 结转下年度继续办理。
    原因：这是年度报告表三的基本勾稽关系；对不上说明有申请漏计或重计。
    示例：
        applications:
          new: {natural_person: 10}
          results: {disclosed: {natural_person: 8}}
          carried_forward: {natural_person: 1}
    修正：核对每一类申请人的收到、办结和结转数。
    """
    applications = report.applications
    for column in Applicants.COLUMNS:
        received = getattr(applications.new, column) + getattr(applications.carried_over, column)
        handled = applications.results.total(column) + getattr(applications.carried_forward, column)
        if received != handled:
            label = Applicants.model_fields[column].title
            yield Hit(
                f"“{label}”一列不平衡：新收 + 上年结转 = {received}，办理结果合计 + 结转下年 = {handled}。",
                ("applications", "new", column),
            )
