"""Annual disclosure statistics as the national tables (国办公开办函〔2021〕30号), per department and
summed for the province."""

from __future__ import annotations

import re

from conftest import SAMPLE

from zwgk.catalog.loader import load_catalog
from zwgk.monitoring.annual import province_totals


def test_province_totals_are_the_sum_of_the_departments():
    reports = load_catalog(SAMPLE).annual
    assert len(reports) == 16 and {r.year for r in reports} == {2025}
    proactive, applications, count = province_totals(reports)[2025]
    assert count == 16
    assert applications.new.total == sum(r.applications.new.total for r in reports)
    assert proactive.licensing == sum(r.proactive.licensing for r in reports)
    assert proactive.regulations.in_force == sum(r.proactive.regulations.in_force for r in reports)
    assert applications.results.withheld.third_party.commercial == sum(
        r.applications.results.withheld.third_party.commercial for r in reports
    )


def test_department_and_province_pages_carry_the_national_tables(sample_site):
    rows = [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "（三）不予公开",
        "8.属于行政查询事项",
        "（七）总计",
        "四、结转下年度继续办理",
    ]
    rows += ["规章", "行政规范性文件", "行政事业性收费（本年收费金额，万元）", "自然人", "法律服务机构"]
    province = (sample_site / "annual/index.html").read_text(encoding="utf-8")
    department = (sample_site / "departments/340000-amr/index.html").read_text(encoding="utf-8")
    for page in (province, department):
        for label in rows:
            assert label in page, label
        assert re.search(r"核对：本年新收与上年结转之和为 (\d+) 件，办理结果总计与结转下年度之和为 \1 件，两者相等", page)
    reports = load_catalog(SAMPLE).annual
    total_new = sum(r.applications.new.total for r in reports)
    assert f"<td>{total_new}</td>" in province
