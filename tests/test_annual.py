"""The annual report (国办公开办函〔2021〕30号): the sample's two consistent years, the sums for the
province and each region, the first layout still read, the documented example, the texts' Markdown,
the exports, and the pages in the official layout (also printed)."""

from __future__ import annotations

import csv
import io
import json
import re

import yaml
from conftest import ROOT, SAMPLE, run_check, write_catalog

from zwgk.catalog.loader import load_catalog
from zwgk.catalog.model import Applicants
from zwgk.monitoring.annual_export import annual_files, table_three_rows
from zwgk.monitoring.annual_totals import by_region, totals
from zwgk.site.richtext import markdown


def _annual_findings(result):
    return [f for f in result.findings if f.rule.startswith("annual.")]


def test_every_sample_department_has_two_consistent_years():
    catalog = load_catalog(SAMPLE)
    years: dict[str, dict[int, object]] = {}
    for report in catalog.annual:
        years.setdefault(report.dept_id, {})[report.year] = report
    assert set(years) == set(catalog.departments) and all(set(y) == {2024, 2025} for y in years.values())
    for reports in years.values():
        before, after = reports[2024].applications, reports[2025].applications
        for column in (*Applicants.COLUMNS, "total"):
            assert after.carried_over.value(column) == before.carried_forward.value(column)
        for report in reports.values():
            assert report.overview.applications and report.problems and report.other.text and report.published
            assert report.appeals.review.total == report.appeals.review.result_sum
    result = run_check(SAMPLE)
    assert not [f for f in _annual_findings(result) if f.is_error]


def test_province_and_region_totals_are_the_sums_of_their_departments():
    catalog = load_catalog(SAMPLE)
    reports = catalog.annual
    summed = {t.year: t for t in totals(reports)}
    assert set(summed) == {2024, 2025}
    year = [r for r in reports if r.year == 2025]
    province = summed[2025]
    assert province.departments == sorted(r.dept_id for r in year)
    assert province.applications.new.grand_total == sum(r.applications.new.grand_total for r in year)
    assert province.applications.results.summed().grand_total == sum(r.applications.results.summed().grand_total for r in year)
    assert province.proactive.licensing == sum(r.proactive.licensing for r in year)
    assert province.applications.results.withheld.third_party.commercial == sum(
        r.applications.results.withheld.third_party.commercial for r in year
    )
    assert province.appeals.direct_suit.grand_total == sum(r.appeals.direct_suit.grand_total for r in year)
    assert province.other.fee_amount == sum(r.other.fee_amount for r in year)
    regions = by_region(reports, catalog.departments)
    assert len(regions) > 1
    region_sums = [{t.year: t for t in totals(group)}[2025].applications.new.grand_total for group in regions.values()]
    assert sum(region_sums) == province.applications.new.grand_total


def test_the_first_layout_is_still_read(fresh_files, tmp_path):
    rel = next(rel for rel in fresh_files if "/annual/" in rel and rel.endswith("/2025.yml"))
    fresh_files[rel] = {
        "year": 2025,
        "proactive": {"licensing": 12},
        "applications": {
            "new": {"natural_person": 10},
            "carried_over": fresh_files[rel.replace("2025", "2024")]["applications"]["carried_forward"],
            "results": {"disclosed": {"natural_person": 8}, "partly_disclosed": {"natural_person": 2}},
        },
    }
    carried = fresh_files[rel]["applications"]["carried_over"]
    carried.pop("total", None)
    for column, count in carried.items():
        fresh_files[rel]["applications"]["results"]["disclosed"][column] = (
            fresh_files[rel]["applications"]["results"]["disclosed"].get(column, 0) + count
        )
    findings = _annual_findings(run_check(write_catalog(fresh_files, tmp_path)))
    assert [(f.rule, f.file) for f in findings] == [("annual.published-late", rel)], [f.text() for f in findings]
    assert "没有写公布日期" in findings[0].message


def test_the_documented_example_is_a_clean_report(fresh_files, tmp_path):
    guide = (ROOT / "content/contributing/index.md").read_text(encoding="utf-8")
    example = next(block for block in re.findall(r"```yaml\n(.*?)```", guide, re.S) if block.startswith("year:"))
    rel = next(rel for rel in fresh_files if "/annual/" in rel and rel.endswith("/2025.yml"))
    del fresh_files[rel.replace("2025", "2024")]  # its carried_forward would not match the example's
    fresh_files[rel] = yaml.safe_load(example)
    fresh_files[rel]["published"] = str(fresh_files[rel]["published"])
    assert _annual_findings(run_check(write_catalog(fresh_files, tmp_path))) == []


def test_report_texts_allow_basic_markdown_and_nothing_else():
    text = "健全**保密审查**机制：\n\n- 逐件审查；\n- 定期清理\n\n<script>alert(1)</script> [链接](javascript:alert(1)) <b>粗</b>"
    rendered = markdown(text)
    assert "<strong>保密审查</strong>" in rendered and "<ul><li>逐件审查；</li><li>定期清理</li></ul>" in rendered
    assert "<script" not in rendered and "<b>" not in rendered and "href" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert markdown(None) == markdown("  ") == ""


def test_the_exports_carry_every_cell_of_every_report():
    reports = load_catalog(SAMPLE).annual
    files = annual_files(reports)
    rows = list(csv.DictReader(io.StringIO(files["exports/annual.csv"].decode("utf-8-sig"))))
    per_report = 10 + len(table_three_rows(reports[0])) * 8 + 15
    assert len(table_three_rows(reports[0])) == 2 + 2 + 4 + 8 + 3 + 5 + 3 + 1 + 1
    assert len(rows) == per_report * len(reports)
    report = next(r for r in reports if r.dept_id == "340000-amr" and r.year == 2025)
    mine = [row for row in rows if row["department"] == "340000-amr" and row["year"] == "2025"]
    cell = next(row for row in mine if row["table"] == "三" and row["row"] == "results.total" and row["column"] == "total")
    assert int(cell["value"]) == report.applications.results.summed().grand_total
    subtotal = next(row for row in mine if row["table"] == "三" and row["row"] == "new" and row["column"] == "organisations")
    assert int(subtotal["value"]) == report.applications.new.organisations and subtotal["column_title"] == "法人或其他组织小计"
    assert {row["table"] for row in mine} == {"二", "三", "四"}
    payload = json.loads(files["exports/annual.json"])
    assert len(payload["reports"]) == len(reports)
    record = next(r for r in payload["reports"] if r["department"] == "340000-amr" and r["year"] == 2025)
    assert record["overview"]["applications"] == report.overview.applications and record["other"]["fee_amount"] == report.other.fee_amount
    assert record["computed"]["table_four"]["review"] == report.appeals.review.grand_total
