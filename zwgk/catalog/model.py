"""The one model of the catalogue (catalog-format.md): the shared types and records, power items and
disclosure entries here; the scheme and departments in `scheme_model.py`, the annual report in
`annual_model.py`. Field titles are the Chinese names shown in editors (through the generated JSON
Schemas), on the site and in messages.

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
