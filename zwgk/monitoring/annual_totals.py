"""The annual reports summed: for the province and for each region, year by year, tables 二, 三 and 四
and the 信息处理费 of section 六 (texts are a department's own and are not summed)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pydantic import BaseModel

from zwgk.catalog.annual_model import AnnualReport, Appeals, Applications, OtherMatters, Proactive


def sum_models(models: list):
    """Field by field sum of models of one type, nested models summed recursively. Stated totals are
    dropped: each was checked against its parts, and the sum's totals are computed from the summed
    parts again."""
    first = models[0]
    values = {}
    for name in type(first).model_fields:
        parts = [getattr(model, name) for model in models]
        if name == "total":
            values[name] = None
        elif isinstance(parts[0], BaseModel):
            values[name] = sum_models(parts)
        elif all(isinstance(part, (int, float)) and not isinstance(part, bool) for part in parts):
            values[name] = sum(parts)
    return type(first)(**values)


@dataclass
class Totals:
    """One year's summed tables over some departments."""

    year: int
    departments: list[str]  # the departments whose reports are summed
    proactive: Proactive
    applications: Applications
    appeals: Appeals
    other: OtherMatters


def totals(reports: list[AnnualReport]) -> list[Totals]:
    """Per year, oldest first: the reports of that year summed."""
    by_year: dict[int, list[AnnualReport]] = defaultdict(list)
    for report in reports:
        by_year[report.year].append(report)
    return [
        Totals(
            year,
            sorted(report.dept_id for report in group),
            sum_models([r.proactive for r in group]),
            sum_models([r.applications for r in group]),
            sum_models([r.appeals for r in group]),
            OtherMatters(fee_notices=sum(r.other.fee_notices for r in group), fee_amount=sum(r.other.fee_amount for r in group)),
        )
        for year, group in sorted(by_year.items())
    ]


def by_region(reports: list[AnnualReport], departments: dict) -> dict[str, list[AnnualReport]]:
    """The reports grouped by the region of their department."""
    grouped: dict[str, list[AnnualReport]] = defaultdict(list)
    for report in reports:
        dept = departments.get(report.dept_id)
        if dept is not None:
            grouped[dept.region].append(report)
    return dict(grouped)
