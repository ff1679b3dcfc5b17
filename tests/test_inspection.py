"""The inspection self-check (国办秘函〔2019〕19号): empty and stale columns with their 备注说明, the veto
thresholds, entries without a publication date, 办事指南 key elements, and broken links in the built
site. Each with a trigger and a clean twin."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import SAMPLE, SMALL_PLAN, run_check, write_catalog
from mkdocs.exceptions import PluginError

from zwgk import build
from zwgk.catalog.scheme_model import DEFAULT_UPDATE_INTERVALS, Scheme
from zwgk.rules.inspection import GUIDE_ELEMENTS, guide_missing
from zwgk.sample import generate as synth
from zwgk.site.links import broken_links


def _rules(result, rule_id):
    return [f for f in result.findings if f.rule == rule_id]


def _first_dept(files):
    return next(rel for rel in files if rel.endswith("/department.yml"))


def test_a_declared_column_with_nothing_is_empty_until_a_remark_says_why(fresh_files, tmp_path):
    rel = _first_dept(fresh_files)
    fresh_files[rel]["columns"] = ["topic:99", "type:09"]
    hits = _rules(run_check(write_catalog(fresh_files, tmp_path / "a")), "inspection.empty-column")
    assert {f.message.split("没有")[0] for f in hits} == {"主题“99”栏目", "权力类型“行政裁决”栏目"}
    assert all(f.file == rel for f in hits)
    fresh_files[rel]["remarks"] = {"topic:99": "本机关本年度无此类信息。", "type:09": "本机关无行政裁决事项。"}
    assert not _rules(run_check(write_catalog(fresh_files, tmp_path / "b")), "inspection.empty-column")


def test_a_year_without_entries_is_an_empty_column(fresh_files, tmp_path):
    rel = next(rel for rel in fresh_files if rel.endswith("/disclosure/2025.yml"))
    fresh_files[rel] = []  # the file is there, the year shows nothing
    dept_rel = rel.split("/disclosure/")[0] + "/department.yml"
    hits = _rules(run_check(write_catalog(fresh_files, tmp_path / "a")), "inspection.empty-column")
    assert [(f.file, "2025 年" in f.message) for f in hits] == [(dept_rel, True)]
    fresh_files[dept_rel]["remarks"] = {"2025": "本机关本年度未产生应主动公开的政府信息。"}
    assert not _rules(run_check(write_catalog(fresh_files, tmp_path / "b")), "inspection.empty-column")


def test_five_empty_columns_are_a_veto_four_are_not(fresh_files, tmp_path):
    rel = _first_dept(fresh_files)
    fresh_files[rel]["columns"] = ["genre:11", "genre:99", "genre:01", "genre:02"]
    result = run_check(write_catalog(fresh_files, tmp_path / "a"))
    assert len(_rules(result, "inspection.empty-column")) == 4 and not _rules(result, "inspection.veto-empty-columns")
    fresh_files[rel]["columns"].append("topic:99")
    vetoes = _rules(run_check(write_catalog(fresh_files, tmp_path / "b")), "inspection.veto-empty-columns")
    assert [(f.file, f.line) for f in vetoes] == [(rel, 1)] and "单项否决" in vetoes[0].message


def _age_genres(files, count):
    """Give `count` entries of one department's 2025 file genres of their own with a 6-month interval."""
    rel = next(rel for rel in files if rel.endswith("/disclosure/2025.yml"))
    codes = [f"9{number}" for number in range(count)]
    for code, entry in zip(codes, files[rel], strict=False):
        entry["genre"] = code
        files["scheme.yml"]["genres"][code] = f"测试体裁{code}"
        files["scheme.yml"]["update_intervals"][code] = 6
    return rel


def test_stale_columns_and_their_veto_at_ten(tmp_path):
    fresh_files = synth.generate(dataclasses.replace(SMALL_PLAN, entries=200))  # 20 entries a year each
    rel = _age_genres(fresh_files, 9)
    result = run_check(write_catalog(fresh_files, tmp_path / "a"))
    stale = _rules(result, "inspection.stale-column")
    assert len(stale) == 9 and {f.file for f in stale} == {rel} and not _rules(result, "inspection.veto-stale-columns")
    rel = _age_genres(fresh_files, 10)
    vetoes = _rules(run_check(write_catalog(fresh_files, tmp_path / "b")), "inspection.veto-stale-columns")
    assert len(vetoes) == 1 and vetoes[0].file == rel.split("/disclosure/")[0] + "/department.yml"


def test_a_genre_without_an_interval_never_goes_stale(fresh_files, tmp_path):
    rel = _age_genres(fresh_files, 3)
    for code in ("90", "91", "92"):
        fresh_files["scheme.yml"]["update_intervals"][code] = 0  # 0: not checked
    assert not _rules(run_check(write_catalog(fresh_files, tmp_path)), "inspection.stale-column"), rel


def test_default_intervals_are_six_months_for_notices_and_policies():
    scheme = Scheme(province="34", regions={}, power_types={}, sectors={}, topics={}, genres={}, index_formats=["org-yyyy"])
    assert scheme.update_intervals == DEFAULT_UPDATE_INTERVALS == {"01": 6, "02": 6, "03": 6, "04": 6, "05": 6, "06": 6}


def test_guide_elements_are_the_eight_of_the_indicators(fresh_files, tmp_path):
    assert list(GUIDE_ELEMENTS.values()) == ["事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理时间", "联系电话", "办理流程"]
    rel = next(
        rel for rel, item in fresh_files.items() if "/powers/" in rel and item["type"] == "01" and item.get("status", "有效") == "有效"
    )
    del fresh_files[rel]["hours"]
    fresh_files[rel]["contact"]["consult_phone"] = ""
    hits = _rules(run_check(write_catalog(fresh_files, tmp_path)), "inspection.guide-incomplete")
    assert [(f.file, f.line) for f in hits] == [(rel, 1)]
    assert hits[0].message == "办事指南缺少关键要素：办理时间、联系电话。"


def test_guide_missing_reads_the_contact_phone():
    from zwgk.catalog.model import PowerItem

    item = PowerItem(basic_code="000111001000", name="甲", type="01", location="窗口", hours="工作日", contact={"consult_phone": "1"})
    assert guide_missing(item) == ["设定依据", "申请条件", "办理材料", "办理流程"]


# ---- broken links in the built site ---------------------------------------------------------------


def _site(tmp_path: Path, pages: dict[str, str]) -> Path:
    for rel, body in pages.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    return tmp_path


def test_every_internal_href_and_src_must_resolve(tmp_path):
    site = _site(
        tmp_path,
        {
            "index.html": '<a href="a/">a</a> <a href="a/#x">x</a> <img src="img/logo.png"> <a href="#top">top</a>'
            ' <a href="https://example.org/x">out</a> <a href="mailto:a@example.org">m</a> <a href="/zwgk/a/">abs</a>',
            "a/index.html": '<a href="../">home</a> <a href="../b/">missing</a> <link href="../css/site.css?v=1">'
            ' <a href="../../outside/">above</a> <a href="/other/">other site</a> <a href="x&amp;y.html">amp</a>',
            "img/logo.png": "",
            "css/site.css": "",
            "a/x&y.html": "",
        },
    )
    broken, pages, checked = broken_links(site, "https://example.org/zwgk/")
    assert pages == 3
    assert sorted((link.page, link.target) for link in broken) == [
        ("a/index.html", "../../outside/"),
        ("a/index.html", "../b/"),
        ("a/index.html", "/other/"),
    ]
    assert checked == 11


def test_the_build_fails_on_a_broken_link(tmp_path):
    site = _site(tmp_path, {"index.html": '<a href="gone/">gone</a>'})

    class Log:
        def info(self, message):
            pass

    state = build.SiteBuild(result=None, data=type("Data", (), {"site_url": ""})(), pages=[], charts=None)
    with pytest.raises(PluginError, match="1 个链接指向不存在的文件"):
        build.check_links(site, state, Log())


def test_the_sample_site_has_no_broken_link(sample_site):
    broken, pages, checked = broken_links(sample_site, "https://example.org/zwgk/")
    assert broken == [] and pages > 500 and checked > pages


def test_the_self_check_page_shows_each_indicator_and_the_vetoes(sample_site):
    page = (sample_site / "monitoring/inspection/index.html").read_text(encoding="utf-8")
    result = run_check(SAMPLE)
    departments = sorted(p.name for p in (SAMPLE / "departments").iterdir())
    for dept_id in departments:
        assert f'id="dept-{dept_id}"' in page
    for title in ("空白栏目", "栏目更新", "发布日期", "办事指南要素", "单项否决"):
        assert title in page
    guide = {f.file.split("/")[1] for f in result.findings if f.rule == "inspection.guide-incomplete"}
    assert "340000-amr" in guide
    section = page[page.index('id="dept-340000-amr"') :]
    section = section[: section.index('<h2 id="dept-', 10)]
    assert "（单项否决）" in section and "办事指南要素：不通过" in section and "办理地点、办理时间" in section
    clean = next(
        d
        for d in departments
        if d not in guide and not [f for f in result.findings if f.rule.startswith("inspection.") and f"/{d}/" in f.file]
    )
    section = page[page.index(f'id="dept-{clean}"') :]
    section = section[: section.find('<h2 id="dept-', 10) if '<h2 id="dept-' in section[10:] else len(section)]
    assert "单项否决" not in section and "不通过" not in section
    monitoring = (sample_site / "monitoring/index.html").read_text(encoding="utf-8")
    assert 'href="../monitoring/inspection/"' in monitoring


@pytest.mark.slow
def test_the_monitoring_pages_pass_axe_in_chromium(browser, server):
    """The annual report, the province's totals and the self-check page: no axe violations, no
    request to any other host."""
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    problems = []
    for path in ("annual/340000-amr/2025/", "annual/", "annual/regions/340100/", "monitoring/inspection/"):
        page = browser.new_page()
        outside = []
        page.on("request", lambda request, outside=outside: outside.append(request.url) if not request.url.startswith(server) else None)
        page.goto(server + path)
        violations = axe_module.Axe().run(page).response["violations"]
        problems += [f"{path}: {v['id']} {v['help']}" for v in violations] + [f"{path}: request to {url}" for url in outside]
        page.close()
    assert problems == []
