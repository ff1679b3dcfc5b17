"""The model of annual/<YYYY>.yml, the annual report; part of the one model of the catalogue
(`model.py` holds the shared types)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from zwgk.catalog.model import Count, IsoDate, Model, Record

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
