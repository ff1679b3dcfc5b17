"""The one model of the catalogue (catalog-format.md). Field titles are the Chinese names shown in
editors (through the generated JSON Schemas), on the site and in messages.

Types are strict where YAML guesses: codes must be quoted strings (an unquoted 01 is the number 1),
counts must be numbers, dates must be written YYYY-MM-DD. Which values are allowed beyond their type
(codes in the scheme, checksums, cross-record consistency) is the business of the rules, not of the
model, so that every such finding has its own rule id and message.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, ClassVar, Literal, NamedTuple

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise PydanticCustomError("zwgk_date_format", "日期应写成 YYYY-MM-DD，如 2024-03-05（当前是“{value}”）", {"value": value})
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("zwgk_date_impossible", "日期“{value}”不存在：请核对年、月、日", {"value": value}) from None


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, (str, dict)) else value


def _as_branches(value: Any) -> Any:
    return [{"to": value}] if isinstance(value, str) else value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date, json_schema_input_type=str), Field(json_schema_extra={"format": "date"})]
Count = Annotated[int, Field(strict=True, ge=0)]
Flag = Annotated[bool, Field(strict=True)]

POWER_SOURCES = ("法定本级行使", "上级下放", "上级授权", "受委托")
LEVELS = ("省级", "市级", "县级", "乡级")
BASIS_LEVELS = ("法律", "行政法规", "地方性法规", "部门规章", "地方政府规章", "规范性文件")
STATUSES = ("有效", "暂停", "已取消", "已合并")
MODES = ("主动公开", "依申请公开", "不予公开")
VALIDITIES = ("有效", "失效", "废止")
INDEX_FORMATS = ("uscc-yyyymm", "org-yyyymm", "org-yyyy")
# 服务对象 of a 办事指南, in the national guide's words: 自然人 (people, shown as 个人办事) and 法人 (legal
# persons and other organisations, shown as 法人办事).
AUDIENCES = ("自然人", "法人")


class Model(BaseModel):
    # Unknown keys are kept and reported as warnings (schema.unknown-key), then dropped by the loader:
    # only the model's fields are published. Numbers must be finite (no inf, nan) everywhere.
    model_config = ConfigDict(extra="allow", allow_inf_nan=False)


class Origin(NamedTuple):
    file: str  # relative to the catalogue root
    at: tuple  # key path of the record inside the file
    dept: str  # the department folder, "" for scheme.yml


class Record(Model):
    """A record read from one place in one file; the loader says where with `place`."""

    kind: ClassVar[str] = "record"

    def place(self, origin: Origin) -> None:
        # A plain instance attribute rather than a pydantic private attribute: those cost more to
        # initialise than validating the record, at 100,000 records. It is not a field, so it is not
        # validated, dumped or exported.
        object.__setattr__(self, "_origin", origin)

    @property
    def origin(self) -> Origin:
        return self.__dict__.get("_origin") or Origin("", (), "")

    @property
    def file(self) -> str:
        return self.origin.file

    @property
    def at(self) -> tuple:
        return self.origin.at

    @property
    def dept_id(self) -> str:
        origin = self.__dict__.get("_origin")  # read often at province scale: one lookup
        return origin.dept if origin else ""

    @property
    def label(self) -> str:
        return ""


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


# ---- powers/<basic_code>.yml ---------------------------------------------------------------------


class Basis(Model):
    level: Literal[BASIS_LEVELS] = Field(title="效力层级")
    title: str = Field(title="法律法规名称，用书名号《》")
    article: str | None = Field(None, title="条款，如 第十二条")
    text: str | None = Field(None, title="条文内容")


class Material(Model):
    name: str = Field(title="材料名称")
    required: Flag = Field(True, title="是否必需")
    form: str | None = Field(None, title="材料形式，如 纸质、电子")
    copies: Count | None = Field(None, title="份数")
    source: str | None = Field(None, title="来源渠道，如 申请人自备")


class Branch(Model):
    to: str = Field(title="下一步骤的 id")
    when: str | None = Field(None, title="走这一分支的条件")


class FlowStep(Model):
    id: str = Field(title="步骤标识（英文、数字、下划线）")
    name: str = Field(title="步骤名称")
    actor: str | None = Field(None, title="承办岗位或机构")
    days: Count | None = Field(None, title="本步骤时限（工作日）")
    next: Annotated[list[Branch], BeforeValidator(_as_branches, json_schema_input_type=str | list[Branch])] = Field(
        default_factory=list, title="下一步骤：一个 id，或带条件的分支列表"
    )
    end: Flag = Field(False, title="是否为结束步骤")


class TimeLimit(Model):
    statutory: Count = Field(title="法定期限（工作日）")
    promised: Count = Field(title="承诺期限（工作日），不超过法定期限")


class Fees(Model):
    charged: Flag = Field(title="是否收费")
    basis: str | None = Field(None, title="收费依据")
    standard: str | None = Field(None, title="收费标准")


class Responsibility(Model):
    phase: str = Field(title="环节，如 受理、审查、决定、送达、事后监管")
    duty: str = Field(title="责任内容")


class Contact(Model):
    consult_phone: str | None = Field(None, title="咨询电话")
    complaint_phone: str | None = Field(None, title="投诉电话")


class PowerItem(Record):
    kind: ClassVar[str] = "item"
    basic_code: str = Field(title="基本编码（12 位）：来源 2 位 + 类型 2 位 + 行业 2 位 + 主项 3 位 + 子项 3 位")
    name: str = Field(title="事项名称")
    # Extension: the names citizens use for the item (俗称), searched like its name.
    aliases: Annotated[list[str], BeforeValidator(_as_list, json_schema_input_type=str | list[str])] = Field(
        default_factory=list, title="俗称（群众常用的叫法），如 开饭店、开餐馆"
    )
    type: str = Field(title="权力类型代码")
    basis: list[Basis] | None = Field(None, title="设定依据、实施依据")
    subject: str | None = Field(None, title="实施主体（默认为本部门）")
    office: str | None = Field(None, title="承办机构（责任处室）")
    source: Literal[POWER_SOURCES] | None = Field(None, title="权力来源")
    levels: list[Literal[LEVELS]] = Field(default_factory=list, title="行使层级")
    content: str | None = Field(None, title="服务内容")
    conditions: Annotated[list[str] | None, BeforeValidator(_as_list, json_schema_input_type=str | list[str])] = Field(
        None, title="申报条件"
    )
    materials: list[Material] | None = Field(None, title="申报材料")
    flow: list[FlowStep] | None = Field(None, title="办理程序（运行流程图）")
    time_limit: TimeLimit | None = Field(None, title="承诺期限")
    fees: Fees | None = Field(None, title="收费标准")
    result: str | None = Field(None, title="办事结果")
    responsibilities: list[Responsibility] | None = Field(None, title="责任事项")
    accountability: list[str] | None = Field(None, title="追责情形")
    contact: Contact | None = Field(None, title="咨询和投诉电话")
    # Extension: the 办事指南 elements a citizen needs to go and apply (检查指标, 国办秘函〔2019〕19号).
    location: str | None = Field(None, title="办理地点")
    hours: str | None = Field(None, title="办理时间")
    online_url: str | None = Field(None, title="在线办理（http 或 https 开头的网址）")
    audience: Annotated[list[Literal[AUDIENCES]], BeforeValidator(_as_list, json_schema_input_type=str | list[str])] = Field(
        default_factory=list, title="服务对象：自然人、法人（法人或其他组织）"
    )
    status: Literal[STATUSES] = Field("有效", title="状态")
    status_date: IsoDate | None = Field(None, title="状态变更日期")
    status_reason: str | None = Field(None, title="状态变更原因")
    replaced_by: str | None = Field(None, title="合并后的事项基本编码")
    updated: IsoDate | None = Field(None, title="最近复核日期")
    # Extension: the 备注 column of the power-list workbooks (zwgk import powers).
    remarks: str | None = Field(None, title="备注")

    @property
    def label(self) -> str:
        return f"{self.basic_code} {self.name}"

    @property
    def main_code(self) -> str:
        return self.basic_code[:9] + "000"

    @property
    def is_sub_item(self) -> bool:
        return len(self.basic_code) == 12 and not self.basic_code.endswith("000")

    @property
    def is_active(self) -> bool:
        return self.status in ("有效", "暂停")


# ---- disclosure/<YYYY>.yml -----------------------------------------------------------------------


class Entry(Record):
    kind: ClassVar[str] = "entry"
    index: str = Field(title="索引号")
    title: str = Field(title="信息名称")
    summary: str | None = Field(None, title="内容概述")
    date: IsoDate = Field(title="生成日期")
    published: IsoDate | None = Field(None, title="发布日期")
    doc_number: str | None = Field(None, title="文号，如 皖政办〔2011〕37号")
    topic: str | None = Field(None, title="主题分类代码")
    genre: str | None = Field(None, title="体裁分类代码")
    mode: Literal[MODES] | None = Field(None, title="公开方式")
    validity: Literal[VALIDITIES] = Field("有效", title="有效性")
    publisher: str | None = Field(None, title="发布机构（部门文件夹名），默认本部门")
    url: str | None = Field(None, title="全文链接（http 或 https）")
    keywords: list[str] = Field(default_factory=list, title="关键词")
    # Extension: a 行政规范性文件 must state its 有效性 (validity) explicitly.
    normative: Flag = Field(False, title="是否行政规范性文件")
    # Extension: a 政策解读 names the 索引号 of the policy it interprets; both pages link to each other.
    interprets: str | None = Field(None, title="所解读政策文件的索引号")

    @property
    def label(self) -> str:
        return f"{self.index} {self.title}"

    @property
    def publisher_id(self) -> str:
        return self.publisher or self.dept_id


# ---- annual/<YYYY>.yml: the annual report (政府信息公开工作年度报告, 国办公开办函〔2021〕30号) ------------
#
# Six sections: 一 and 五, 六 are text (Markdown), 二, 三, 四 are the national tables. Every total the
# national table prints (a group row, （七）总计, the 总计 column, table 四's 总计) may be written as the
# report states it: when written, the rules check it against the figures it sums; when left out, it is
# computed. Files of the first layout (year, proactive, applications only) stay valid.


class Applicants(Model):
    """One row of table 三: counts by applicant kind, and the 总计 column as the report states it."""

    natural_person: Count = Field(0, title="自然人")
    commercial: Count = Field(0, title="商业企业")
    research: Count = Field(0, title="科研机构")
    public_interest: Count = Field(0, title="社会公益组织")
    legal_service: Count = Field(0, title="法律服务机构")
    other: Count = Field(0, title="其他")
    total: Count | None = Field(None, title="总计（不写则按各列相加）")

    COLUMNS: ClassVar[tuple[str, ...]] = ("natural_person", "commercial", "research", "public_interest", "legal_service", "other")
    ORGANISATIONS: ClassVar[tuple[str, ...]] = ("commercial", "research", "public_interest", "legal_service", "other")

    @property
    def column_sum(self) -> int:
        return sum(getattr(self, column) for column in self.COLUMNS)

    @property
    def organisations(self) -> int:
        """The 法人或其他组织 subtotal."""
        return sum(getattr(self, column) for column in self.ORGANISATIONS)

    @property
    def grand_total(self) -> int:
        """The 总计 column: as stated, else the sum of the columns."""
        return self.column_sum if self.total is None else self.total

    def value(self, column: str) -> int:
        return self.grand_total if column == "total" else getattr(self, column)


def summed_rows(rows: list[Applicants]) -> Applicants:
    """Rows of table 三 added column by column (the 总计 column too)."""
    values = {column: sum(getattr(row, column) for row in rows) for column in Applicants.COLUMNS}
    return Applicants(**values, total=sum(row.grand_total for row in rows))


class DocumentCounts(Model):
    made: Count = Field(0, title="本年制发件数")
    repealed: Count = Field(0, title="本年废止件数")
    in_force: Count = Field(0, title="现行有效件数")


class Proactive(Model):
    regulations: DocumentCounts = Field(default_factory=DocumentCounts, title="规章")
    normative_documents: DocumentCounts = Field(default_factory=DocumentCounts, title="行政规范性文件")
    licensing: Count = Field(0, title="行政许可：本年处理决定数量")
    penalty: Count = Field(0, title="行政处罚：本年处理决定数量")
    coercion: Count = Field(0, title="行政强制：本年处理决定数量")
    fees: float = Field(0, ge=0, title="行政事业性收费：本年收费金额（万元）")


class ReasonGroup(Model):
    """A group of rows of table 三（三）to（六）: its reasons, and the group row as the report states it."""

    REASONS: ClassVar[tuple[str, ...]] = ()
    total: Applicants | None = Field(None, title="本组合计（不写则按各项相加）")

    def reasons(self) -> list[Applicants]:
        return [getattr(self, name) for name in self.REASONS]

    def summed(self) -> Applicants:
        """The group row computed from its reasons."""
        return summed_rows(self.reasons())


class Withheld(ReasonGroup):
    REASONS: ClassVar[tuple[str, ...]] = (
        "state_secret",
        "prohibited_by_law",
        "security",
        "third_party",
        "internal_affairs",
        "process_information",
        "enforcement_files",
        "administrative_query",
    )
    state_secret: Applicants = Field(default_factory=Applicants, title="1.属于国家秘密")
    prohibited_by_law: Applicants = Field(default_factory=Applicants, title="2.其他法律行政法规禁止公开")
    security: Applicants = Field(default_factory=Applicants, title="3.危及“三安全一稳定”")
    third_party: Applicants = Field(default_factory=Applicants, title="4.保护第三方合法权益")
    internal_affairs: Applicants = Field(default_factory=Applicants, title="5.属于三类内部事务信息")
    process_information: Applicants = Field(default_factory=Applicants, title="6.属于四类过程性信息")
    enforcement_files: Applicants = Field(default_factory=Applicants, title="7.属于行政执法案卷")
    administrative_query: Applicants = Field(default_factory=Applicants, title="8.属于行政查询事项")


class Unavailable(ReasonGroup):
    REASONS: ClassVar[tuple[str, ...]] = ("not_held", "needs_creation", "unclear")
    not_held: Applicants = Field(default_factory=Applicants, title="1.本机关不掌握相关政府信息")
    needs_creation: Applicants = Field(default_factory=Applicants, title="2.没有现成信息需要另行制作")
    unclear: Applicants = Field(default_factory=Applicants, title="3.补正后申请内容仍不明确")


class NotProcessed(ReasonGroup):
    REASONS: ClassVar[tuple[str, ...]] = ("complaint", "repeated", "publications", "excessive", "confirm_or_reissue")
    complaint: Applicants = Field(default_factory=Applicants, title="1.信访举报投诉类申请")
    repeated: Applicants = Field(default_factory=Applicants, title="2.重复申请")
    publications: Applicants = Field(default_factory=Applicants, title="3.要求提供公开出版物")
    excessive: Applicants = Field(default_factory=Applicants, title="4.无正当理由大量反复申请")
    confirm_or_reissue: Applicants = Field(default_factory=Applicants, title="5.要求行政机关确认或重新出具已获取信息")


class OtherHandling(ReasonGroup):
    REASONS: ClassVar[tuple[str, ...]] = ("no_correction", "no_fee", "other")
    no_correction: Applicants = Field(default_factory=Applicants, title="1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")
    no_fee: Applicants = Field(default_factory=Applicants, title="2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")
    other: Applicants = Field(default_factory=Applicants, title="3.其他")


class Results(Model):
    SINGLE: ClassVar[tuple[str, ...]] = ("disclosed", "partly_disclosed")
    GROUPS: ClassVar[tuple[str, ...]] = ("withheld", "unavailable", "not_processed", "other")
    disclosed: Applicants = Field(default_factory=Applicants, title="（一）予以公开")
    partly_disclosed: Applicants = Field(default_factory=Applicants, title="（二）部分公开（区分处理的，只计这一情形，不计其他情形）")
    withheld: Withheld = Field(default_factory=Withheld, title="（三）不予公开")
    unavailable: Unavailable = Field(default_factory=Unavailable, title="（四）无法提供")
    not_processed: NotProcessed = Field(default_factory=NotProcessed, title="（五）不予处理")
    other: OtherHandling = Field(default_factory=OtherHandling, title="（六）其他处理")
    total: Applicants | None = Field(None, title="（七）总计（不写则按各项相加）")

    def rows(self) -> list[Applicants]:
        """Every reason row (the rows that add up to （七）总计)."""
        rows = [self.disclosed, self.partly_disclosed]
        for name in self.GROUPS:
            rows += getattr(self, name).reasons()
        return rows

    def total_of(self, column: str) -> int:
        """（七）总计 of one column (or of the 总计 column), computed from the reason rows."""
        return sum(row.value(column) for row in self.rows())

    def summed(self) -> Applicants:
        """（七）总计 computed from the reason rows."""
        return summed_rows(self.rows())


class Applications(Model):
    new: Applicants = Field(default_factory=Applicants, title="一、本年新收政府信息公开申请数量")
    carried_over: Applicants = Field(default_factory=Applicants, title="二、上年结转政府信息公开申请数量")
    results: Results = Field(default_factory=Results, title="三、本年度办理结果")
    carried_forward: Applicants = Field(default_factory=Applicants, title="四、结转下年度继续办理")


class Outcomes(Model):
    """One block of table 四."""

    upheld: Count = Field(0, title="结果维持")
    corrected: Count = Field(0, title="结果纠正")
    other: Count = Field(0, title="其他结果")
    pending: Count = Field(0, title="尚未审结")
    total: Count | None = Field(None, title="总计（不写则按四项相加）")

    RESULTS: ClassVar[tuple[str, ...]] = ("upheld", "corrected", "other", "pending")

    @property
    def result_sum(self) -> int:
        return sum(getattr(self, name) for name in self.RESULTS)

    @property
    def grand_total(self) -> int:
        return self.result_sum if self.total is None else self.total


class Appeals(Model):
    BLOCKS: ClassVar[tuple[str, ...]] = ("review", "direct_suit", "suit_after_review")
    review: Outcomes = Field(default_factory=Outcomes, title="行政复议")
    direct_suit: Outcomes = Field(default_factory=Outcomes, title="行政诉讼：未经复议直接起诉")
    suit_after_review: Outcomes = Field(default_factory=Outcomes, title="行政诉讼：复议后起诉")


class Overview(Model):
    """Section 一: text (Markdown), in the five parts the national template names."""

    PARTS: ClassVar[tuple[str, ...]] = ("summary", "proactive", "applications", "management", "platforms", "supervision")
    summary: str | None = Field(None, title="总体情况概述")
    proactive: str | None = Field(None, title="（一）主动公开")
    applications: str | None = Field(None, title="（二）依申请公开")
    management: str | None = Field(None, title="（三）政府信息管理")
    platforms: str | None = Field(None, title="（四）平台建设")
    supervision: str | None = Field(None, title="（五）监督保障")


class OtherMatters(Model):
    """Section 六, including the 信息处理费 charged under 国办函〔2020〕109号."""

    text: str | None = Field(None, title="其他需要报告的事项（正文）")
    fee_notices: Count = Field(0, title="发出收费通知的件数")
    fee_amount: float = Field(0, ge=0, title="收取信息处理费总金额（元）")


class AnnualReport(Record):
    kind: ClassVar[str] = "annual"
    year: int = Field(strict=True, title="年度")
    published: IsoDate | None = Field(None, title="公布日期（部门 1 月 31 日前，政府 3 月 31 日前）")
    overview: Overview = Field(default_factory=Overview, title="一、总体情况")
    proactive: Proactive = Field(default_factory=Proactive, title="二、主动公开政府信息情况")
    applications: Applications = Field(default_factory=Applications, title="三、收到和处理政府信息公开申请情况")
    appeals: Appeals = Field(default_factory=Appeals, title="四、政府信息公开行政复议、行政诉讼情况")
    problems: str | None = Field(None, title="五、存在的主要问题及改进情况")
    other: OtherMatters = Field(default_factory=OtherMatters, title="六、其他需要报告的事项")

    @property
    def label(self) -> str:
        return f"{self.year} 年度报告"
