"""The annual report in the official layout (国办公开办函〔2021〕30号) as plain rows for the templates:
section texts as safe HTML (richtext), tables 二, 三 and 四 as rows of numbers, for one department's
report or for summed totals."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from zwgk.catalog.annual_model import AnnualReport, Appeals, Applicants, Applications, OtherMatters, Outcomes, Overview, Proactive
from zwgk.monitoring.annual_totals import Totals
from zwgk.site.richtext import markdown

ORGANISATION_TITLES = [Applicants.model_fields[c].title for c in Applicants.ORGANISATIONS]


def number(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[str]
    kind: str = "row"  # row | group (a group of reasons, its sum) | reason | heading (a row label only) | total


@dataclass(frozen=True)
class Section:
    title: str
    html: Markup


@dataclass
class Layout:
    """One year's report (or totals) ready for templates/annual_macros.html."""

    year: int
    two: list[list[str]]  # rows of table 二 after its section headings, see annual_macros.html
    three: list[Row]
    four: list[str]  # the 15 numbers of table 四
    received: int
    settled: int
    overview: list[Section] = field(default_factory=list)
    problems: Markup = field(default_factory=Markup)
    other: Markup = field(default_factory=Markup)
    fee_notices: int = 0
    fee_amount: float = 0


def _applicant_cells(row: Applicants) -> list[str]:
    return [str(getattr(row, column)) for column in Applicants.COLUMNS] + [str(row.grand_total)]


def table_two(proactive: Proactive) -> dict[str, list[str]]:
    docs = (proactive.regulations, proactive.normative_documents)
    return {
        "regulations": [number(docs[0].made), number(docs[0].repealed), number(docs[0].in_force)],
        "normative_documents": [number(docs[1].made), number(docs[1].repealed), number(docs[1].in_force)],
        "licensing": [number(proactive.licensing)],
        "penalty": [number(proactive.penalty)],
        "coercion": [number(proactive.coercion)],
        "fees": [number(proactive.fees)],
    }


def table_three(applications: Applications) -> list[Row]:
    results = applications.results
    titles = type(results).model_fields
    rows = [
        Row("一、本年新收政府信息公开申请数量", _applicant_cells(applications.new)),
        Row("二、上年结转政府信息公开申请数量", _applicant_cells(applications.carried_over)),
        Row("三、本年度办理结果", [], "heading"),
    ]
    for name in results.SINGLE:
        rows.append(Row(titles[name].title, _applicant_cells(getattr(results, name))))
    for name in results.GROUPS:
        group = getattr(results, name)
        rows.append(Row(titles[name].title, _applicant_cells(group.summed()), "group"))
        rows += [
            Row(type(group).model_fields[reason].title, _applicant_cells(getattr(group, reason)), "reason") for reason in group.REASONS
        ]
    rows.append(Row("（七）总计", _applicant_cells(results.summed()), "total"))
    rows.append(Row("四、结转下年度继续办理", _applicant_cells(applications.carried_forward)))
    return rows


def table_four(appeals: Appeals) -> list[str]:
    cells = []
    for block in appeals.BLOCKS:
        outcomes: Outcomes = getattr(appeals, block)
        cells += [str(getattr(outcomes, name)) for name in Outcomes.RESULTS] + [str(outcomes.grand_total)]
    return cells


def _balance(applications: Applications) -> tuple[int, int]:
    received = applications.new.grand_total + applications.carried_over.grand_total
    return received, applications.results.summed().grand_total + applications.carried_forward.grand_total


def _layout(year: int, proactive: Proactive, applications: Applications, appeals: Appeals, other: OtherMatters) -> Layout:
    received, settled = _balance(applications)
    two = table_two(proactive)
    return Layout(
        year,
        two,
        table_three(applications),
        table_four(appeals),
        received,
        settled,
        fee_notices=other.fee_notices,
        fee_amount=other.fee_amount,
    )


def report_layout(report: AnnualReport) -> Layout:
    """A department's report: every section, the texts rendered from their basic Markdown."""
    layout = _layout(report.year, report.proactive, report.applications, report.appeals, report.other)
    layout.overview = [
        Section(Overview.model_fields[part].title, Markup(markdown(getattr(report.overview, part))))
        for part in Overview.PARTS
        if getattr(report.overview, part)
    ]
    layout.problems = Markup(markdown(report.problems))
    layout.other = Markup(markdown(report.other.text))
    return layout


def totals_layout(totals: Totals) -> Layout:
    return _layout(totals.year, totals.proactive, totals.applications, totals.appeals, totals.other)
