"""The model of scheme.yml (the province's coding scheme and limits) and of each department.yml; part
of the one model of the catalogue (`model.py` holds the shared types)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from zwgk.catalog.model import INDEX_FORMATS, LEVELS, Count, Flag, IsoDate, Model, Record

# ---- scheme.yml ----------------------------------------------------------------------------------


class Limits(Model):
    publish_within_workdays: Count = Field(20, title="生成后应在多少个工作日内公开（条例第二十六条）")
    review_every_months: Count = Field(12, title="权力事项至少每多少个月复核一次")
    summary_max_chars: Count = Field(300, title="内容概述最多字数")
    veto_empty_columns: Count = Field(5, title="空白栏目达到多少个即单项否决（国办秘函〔2019〕19号）")
    veto_stale_columns: Count = Field(10, title="不更新栏目达到多少个即单项否决（国办秘函〔2019〕19号）")


CodeList = dict[str, str]

# 通知公告 (03 公告, 04 通告, 06 通知) and 政策文件 (01 政府令, 02 决定, 05 意见): a column of these genres
# not updated for 6 months fails the inspection (国办秘函〔2019〕19号).
DEFAULT_UPDATE_INTERVALS = {"01": 6, "02": 6, "03": 6, "04": 6, "05": 6, "06": 6}
# The scorecard's criteria and their default weights (zwgk/monitoring/scorecards.py); a province sets
# its own in scheme.yml (score_weights), and the weights must add up to 100.
DEFAULT_SCORE_WEIGHTS = {
    "eight": 10,
    "flowchart": 5,
    "basis": 5,
    "review": 5,
    "timely": 10,
    "index": 5,
    "clean": 10,
    "up_to_date": 15,
    "guide": 10,
    "validity": 5,
    "interpretation": 10,
    "annual": 10,
}


class Scheme(Record):
    kind: ClassVar[str] = "scheme"
    province: str = Field(title='省级行政区划代码前两位，如安徽为 "34"')
    regions: CodeList = Field(title="行政区划代码（GB/T 2260）及名称")
    power_types: CodeList = Field(title="权力类型代码及名称")
    sectors: CodeList = Field(title="行业（业务指导部门）代码及名称")
    topics: CodeList = Field(title="主题分类代码（NN 或 NN.MM）及名称")
    genres: CodeList = Field(title="体裁分类代码及名称")
    index_formats: list[Literal[INDEX_FORMATS]] = Field(min_length=1, title="允许的索引号格式")
    limits: Limits = Field(default_factory=Limits, title="规则使用的数值")
    # Extension: public holidays and adjusted working days (调休), so that "working days" are counted
    # as the State Council's yearly notice sets them, not just Monday to Friday.
    holidays: list[IsoDate] = Field(default_factory=list, title="法定节假日（不计工作日）")
    workdays: list[IsoDate] = Field(default_factory=list, title="调休上班的周末（计为工作日）")
    # Extension: which power types are service items that must carry all eight disclosures (section 4.1).
    service_types: list[str] = Field(default_factory=lambda: ["01", "05", "07", "20"], title="须“八公开”齐全的服务类权力类型")
    # Extension: a notice shown on every page of the site, e.g. that the catalogue is sample data.
    notice: str | None = Field(None, title="网站每页显示的提示，如“示例数据”")
    # Extension: how many months a column of a genre may go without a new entry (inspection.stale-column).
    update_intervals: dict[str, Count] = Field(
        default_factory=lambda: dict(DEFAULT_UPDATE_INTERVALS), title="各体裁栏目最长不更新月数（默认通知公告、政策文件类 6 个月）"
    )
    # Extension: the scorecard's weights by criterion (scheme.score-weights checks them).
    score_weights: dict[str, Count] = Field(default_factory=lambda: dict(DEFAULT_SCORE_WEIGHTS), title="监测评分各项标准的分值，合计 100")
    # Extension: province-wide synonyms for the search, applied when someone searches (both the
    # browser's search and `zwgk search`): a query holding one word of a group also finds the others.
    synonyms: list[list[str]] = Field(default_factory=list, title="检索同义词组，如 [营业执照, 企业登记]")

    @property
    def label(self) -> str:
        return "编码方案"


# ---- department.yml ------------------------------------------------------------------------------


class DisclosureOffice(Model):
    name: str = Field(title="政府信息公开工作机构名称")
    phone: str = Field(title="联系电话")
    address: str | None = Field(None, title="办公地址")
    hours: str | None = Field(None, title="办公时间")
    fax: str | None = Field(None, title="传真")
    email: str | None = Field(None, title="电子邮箱")
    website: str | None = Field(None, title="网站")
    postcode: str | None = Field(None, title="邮政编码")


class Department(Record):
    kind: ClassVar[str] = "department"
    name: str = Field(title="部门全称")
    short_name: str = Field(title="部门简称")
    uscc: str = Field(title="统一社会信用代码（18 位）")
    region: str = Field(title="行政区划代码，等于文件夹名前 6 位")
    level: Literal[LEVELS] = Field(title="层级")
    sector: str = Field(title="行业代码（2 位）")
    disclosure_office: DisclosureOffice = Field(title="政府信息公开工作机构（条例第十二条）")
    supervision_phone: str | None = Field(None, title="监督投诉电话")
    maintainers: list[str] = Field(default_factory=list, title="可批准本部门文件夹变更的代码托管平台账号")
    # Extension: a people's government (or its general office) publishes its annual report by 31 March,
    # every other organ by 31 January (条例第四十九条).
    government: Flag = Field(False, title="是否为人民政府（含其办公厅、办公室）：年度报告 3 月 31 日前公布；其他部门 1 月 31 日前")
    # Extension: columns the department keeps even when they hold nothing yet ("topic:NN", "type:NN").
    columns: list[str] = Field(default_factory=list, title="本部门设置的栏目，如 topic:05、type:01（没有内容时也要有备注说明）")
    # Extension: 备注说明 for a column that has nothing to show, keyed by the column: "2025" (a year of
    # the catalogue), "2025-03" (a month), "topic:05", "type:01", "genre:06".
    remarks: dict[str, str] = Field(
        default_factory=dict, title="栏目备注说明：栏目（2025、2025-03、topic:05、type:01、genre:06）→ 说明，如 本机关本年度无此类信息"
    )

    @property
    def label(self) -> str:
        return f"{self.dept_id} {self.name}"

    @property
    def is_government(self) -> bool:
        return self.government
