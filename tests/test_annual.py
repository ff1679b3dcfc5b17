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

from zwgk.catalog.annual_model import Applicants
from zwgk.catalog.loader import load_catalog
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


# ---- pages --------------------------------------------------------------------------------------

TABLE_THREE_ROWS = [
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "（一）予以公开",
    "（三）不予公开",
    "8.属于行政查询事项",
    "（四）无法提供",
    "（五）不予处理",
    "（六）其他处理",
    "3.其他",
    "（七）总计",
    "四、结转下年度继续办理",
]


def _text(page: str) -> str:
    body = page[page.index("zwgk-annual-report") :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_every_report_has_its_page_in_the_official_layout(sample_site):
    catalog = load_catalog(SAMPLE)
    for report in catalog.annual:
        page = (sample_site / f"annual/{report.dept_id}/{report.year}/index.html").read_text(encoding="utf-8")
        text = _text(page)
        for heading in (
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
        ):
            assert f"<h2>{heading}</h2>" in page, heading
        assert "五、存在的主要问题及改进情况" in page and "六、其他需要报告的事项" in page
        assert 'colspan="5">法人或其他组织</th>' in page and "第二十条第（八）项" in page
        for label in TABLE_THREE_ROWS:
            assert label in text, label
        total = report.applications.results.summed()
        cells = " ".join(str(getattr(total, c)) for c in Applicants.COLUMNS) + f" {total.grand_total}"
        assert f"（七）总计 {cells}" in text
        cells = []
        for block in report.appeals.BLOCKS:
            outcomes = getattr(report.appeals, block)
            cells += [outcomes.upheld, outcomes.corrected, outcomes.other, outcomes.pending, outcomes.result_sum]
        four = " ".join(map(str, cells))
        assert four in text, four
        assert "<strong>保密审查</strong>" in page  # the sample's Markdown, rendered
    department = (sample_site / "departments/340000-amr/index.html").read_text(encoding="utf-8")
    assert 'href="../../annual/340000-amr/2025/"' in department and "逾期" in department


def test_province_and_region_pages_show_the_sums(sample_site):
    catalog = load_catalog(SAMPLE)
    province = _text((sample_site / "annual/index.html").read_text(encoding="utf-8"))
    for year in (2024, 2025):
        reports = [r for r in catalog.annual if r.year == year]
        new = sum(r.applications.new.grand_total for r in reports)
        assert f"{year} 年度（{len(reports)} 个部门合计）" in province
        assert re.search(rf"一、本年新收政府信息公开申请数量( \d+){{6}} {new} ", province), (year, new)
    for region, group in by_region(catalog.annual, catalog.departments).items():
        page = _text((sample_site / f"annual/regions/{region}/index.html").read_text(encoding="utf-8"))
        summed = {t.year: t for t in totals(group)}[2025]
        assert f"（七）总计 {' '.join(str(getattr(summed.applications.results.summed(), c)) for c in Applicants.COLUMNS)}" in page


def test_contributor_text_in_a_report_is_escaped():
    from zwgk.catalog.annual_model import AnnualReport
    from zwgk.catalog.model import Origin
    from zwgk.monitoring.annual import report_page
    from zwgk.site.data import site_data

    report = AnnualReport(
        year=2025,
        overview={"summary": "<script>alert(1)</script> **要点**"},
        problems="<img src=x onerror=alert(1)>",
        other={"text": "[x](javascript:alert(1))"},
    )
    report.place(Origin("departments/340000-amr/annual/2025.yml", (), "340000-amr"))
    _uri, page = report_page(site_data(run_check(SAMPLE)), report, [report])
    assert "<script>" not in page and "<img" not in page and 'href="javascript' not in page
    assert "&lt;script&gt;" in page and "<strong>要点</strong>" in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_report_prints_on_a4_landscape_with_every_column(browser, server, tmp_path):
    import shutil
    import subprocess

    import pytest

    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: apt-get install -y poppler-utils")
    pdf = tmp_path / "report.pdf"
    page = browser.new_page()
    page.goto(server + "annual/340000-amr/2025/")
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    page.close()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert round(width) == 842 and round(height) == 595  # A4 landscape
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    report = next(r for r in load_catalog(SAMPLE).annual if r.dept_id == "340000-amr" and r.year == 2025)
    total = report.applications.results.summed()
    # Every column of table 三 on the line of its row: nothing cut off at the page's edge.
    expected = [str(getattr(total, c)) for c in Applicants.COLUMNS] + [str(total.grand_total)]
    line = next(line for line in text.splitlines() if line.startswith("（七）总计"))
    assert line.split()[1:] == expected
    for title in ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计", "尚未审结", "复议后起诉"):
        assert title in text, title
