"""The threat model of a contributor's YAML (issue 10): what a pull request's folder could do to the
checker, the build and the published site. One test (or a few) per class, named by the issue's class
number; each failed before its fix. Classes 1, 3, 4, 9 and 13-18 (history, CSV formulas, symlinks,
workflow commands, the search index, locks, `zwgk new entry`, the background writer, the flowchart
cache, `zwgk serve`) are tested in their own module.

A contributor's folder is untrusted input and the site is published: nothing in it may crash the
check, pass the check and crash the build, write outside its own department, or reach a reader's
computer unescaped."""

from __future__ import annotations

import gzip
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import SMALL_PLAN, Raw, build, run_check, write_catalog
from mutations import depts, disclosure_files, expected_line, items, service_item

import zwgk.site.pages.catalogue
import zwgk.site.pages.common
import zwgk.site.pages.item  # noqa: F401  (pages.catalogue, pages.common, pages.item below)
from zwgk.catalog import codeowners
from zwgk.cli import cli
from zwgk.site import exports, html, pages
from zwgk.site.data import site_data


def _findings(files, root, rule_id=None):
    result = run_check(write_catalog(files, root))
    return [f for f in result.findings if rule_id is None or f.rule == rule_id]


def _at(root, rel, sentinel, occurrence=1):
    return expected_line(root, rel, sentinel, occurrence)


def _annual(files, number=0):
    """An annual file and the year its name says."""
    rel = [r for r in files if "/annual/" in r][number]
    return rel, rel.rsplit("/", 1)[-1].removesuffix(".yml")


def _largest_disclosure(files):
    return max(disclosure_files(files), key=lambda rel: len(files[rel]))


# ---- 2: CODEOWNERS injection ----------------------------------------------------------------------


def test_class_02_malformed_maintainers_are_errors_and_never_reach_codeowners(fresh_files, tmp_path):
    rel = depts(fresh_files)[0]
    bad = ["x\n* @attacker", "evil /catalog/departments/ @evil", "*", "-lead", "a--b", "tab\tname", "a" * 40]
    good = ["zhang-san", "@li-si", "@ah-gov/fgw", "wang.wu@ah.gov.cn"]
    fresh_files[rel]["maintainers"] = good[:2] + bad + good[2:]
    root = write_catalog(fresh_files, tmp_path / "repo" / "catalog")
    findings = [f for f in run_check(root).findings if f.rule == "dept.maintainer-invalid"]
    assert len(findings) == len(bad) and all(f.is_error and f.file == rel for f in findings)
    assert findings[0].line == _at(root, rel, "- 'x")
    result = CliRunner().invoke(cli, ["codeowners", str(root)])
    written = (tmp_path / "repo" / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    rules = [line for line in written.splitlines() if line and not line.startswith("#")]
    assert all(line.startswith("/catalog/departments/") for line in rules), written
    own = next(line for line in rules if f"/{rel.split('/')[1]}/" in line)
    assert own.split()[1:] == ["@zhang-san", "@li-si", "@ah-gov/fgw", "wang.wu@ah.gov.cn"]
    assert "attacker" not in written and "@evil" not in written and "dept.maintainer-invalid" in result.output


def test_class_02_a_malformed_handle_alone_writes_no_line():
    from types import SimpleNamespace

    dept = SimpleNamespace(maintainers=["x\n* @attacker", "two words"])
    assert codeowners.render(Path("catalog"), {"340000-fgw": dept}) == codeowners.HEADER


# ---- 5: tracebacks instead of findings ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "rule_id"),
    [
        ("!!int abc", "yaml.tag-value"),
        ('!!int ""', "yaml.tag-value"),
        ("!!float abc", "yaml.tag-value"),
        ("!!bool abc", "yaml.tag-value"),
        ("1" * 5000, "yaml.number-out-of-range"),
        ("9" * 400, "yaml.number-out-of-range"),
        (".nan", "yaml.number-out-of-range"),
    ],
)
def test_class_05_bad_tags_become_findings_at_their_line(value, rule_id, fresh_files, tmp_path):
    rel, year = _annual(fresh_files)
    fresh_files[rel] = Raw(f"year: {year}\nproactive:\n  penalty: 2\n  licensing: {value}\n".encode())
    root = write_catalog(fresh_files, tmp_path)
    (finding,) = [f for f in run_check(root).findings if f.file == rel]
    assert (finding.rule, finding.line, finding.column) == (rule_id, 4, 14) and finding.is_error
    result = CliRunner().invoke(cli, ["check", str(root), "--no-cache", "--format", "json", "--as-of", "2026-11-26"])
    assert (result.exit_code == 1 and result.exception is None) or isinstance(result.exception, SystemExit), result.output
    assert any(f["rule"] == rule_id for f in json.loads(result.output)["findings"])


def test_class_05_flow_days_that_would_overflow_the_sum_are_findings(fresh_files, tmp_path):
    rel = service_item(fresh_files)
    text = yaml.safe_dump(fresh_files[rel], allow_unicode=True, sort_keys=False)
    huge = "9" * 4300  # Python reads it; the sum of two is too long to print
    text = text.replace("days: 1\n", f"days: {huge}\n").replace("days: 2\n", f"days: {huge}\n")
    fresh_files[rel] = Raw(text.encode())
    root = write_catalog(fresh_files, tmp_path)
    findings = [f for f in run_check(root).findings if f.file == rel]
    assert findings and {f.rule for f in findings} == {"yaml.number-out-of-range"}
    assert all(huge in (root / rel).read_text(encoding="utf-8").split("\n")[f.line - 1] for f in findings)


def test_class_05_absurd_but_readable_values_give_findings_not_tracebacks_or_hangs(fresh_files, tmp_path):
    import time

    fresh_files["scheme.yml"]["limits"] = {"review_every_months": 10**12}  # once: date out of range
    rel = _largest_disclosure(fresh_files)
    for entry in fresh_files[rel]:
        entry["published"] = "9999-12-31"  # once: counted day by day, seconds per entry
    started = time.perf_counter()
    result = run_check(write_catalog(fresh_files, tmp_path))
    assert time.perf_counter() - started < 30
    late = [f for f in result.findings if f.rule == "entry.published-late" and f.file == rel]
    proactive = [entry for entry in fresh_files[rel] if entry.get("mode", "主动公开") == "主动公开"]  # the 20-day limit's entries
    assert len(late) == len(proactive) and all("工作日" in f.message for f in late)


# ---- 6: a trailing newline gets past the code patterns --------------------------------------------


def test_class_06_trailing_newline_does_not_pass_code_patterns(fresh_files, tmp_path):
    from zwgk.sample import generate as synth

    rel = disclosure_files(fresh_files)[0]
    entries = fresh_files[rel]
    first, second = entries[0]["index"], entries[1]["index"]
    text = synth.dump(entries)
    assert f"- index: {second}\n" in text
    fresh_files[rel] = Raw(text.replace(f"- index: {second}\n", f"- index: |\n    {first}\n").encode())  # the same 索引号 again
    item_rel = items(fresh_files)[0]
    fresh_files[item_rel]["type"] = fresh_files[item_rel]["type"] + "\n"
    dept_rel = depts(fresh_files)[1]
    fresh_files[dept_rel]["uscc"] += "\n"
    fresh_files[dept_rel]["region"] += "\n"
    folder = depts(fresh_files)[2].rsplit("/", 1)[0]
    fresh_files[f"{folder}\n/department.yml"] = fresh_files[f"{folder}/department.yml"]
    root = write_catalog(fresh_files, tmp_path)
    found = {(f.rule, f.file, f.line) for f in run_check(root).findings}
    assert ("index.format", rel, _at(root, rel, "- index: |")) in found
    assert ("index.duplicate", rel, _at(root, rel, "- index: |")) in found
    assert ("code.type-unknown", item_rel, _at(root, item_rel, "type:")) in found
    assert ("code.uscc-format", dept_rel, _at(root, dept_rel, "uscc:")) in found
    assert ("dept.region-mismatch", dept_rel, _at(root, dept_rel, "region:")) in found
    assert ("dept.folder-name", f"{folder}\n", 0) in found


def test_class_06_dates_are_whole_ascii_dates(fresh_files, tmp_path):
    rel = disclosure_files(fresh_files)[0]
    fresh_files[rel][0]["published"] = fresh_files[rel][0]["published"] + "\n"
    fresh_files[rel][1]["published"] = "２０２５-03-01"
    root = write_catalog(fresh_files, tmp_path)
    assert sum(1 for f in run_check(root).findings if f.rule == "schema.date" and f.file == rel) == 2


# ---- 7: feeds become invalid XML ------------------------------------------------------------------

FEED_BREAKERS = ["\x00", "\x01", "\x1b", "\x0c", "\ufffe", "\uffff", "\x7f", "\x85"]


def test_class_07_characters_that_break_feeds_are_findings_naming_them(fresh_files, tmp_path):
    rel = _largest_disclosure(fresh_files)
    for number, ch in enumerate(FEED_BREAKERS):
        fresh_files[rel][number]["title"] = f"关于{ch}的通知"
    fresh_files[rel][0]["url"] = "https://www.example.org/\x07x.html"
    findings = [f for f in _findings(fresh_files, tmp_path) if f.rule == "text.control-char"]
    named = {f.message.split("U+")[1][:4] for f in findings}
    assert {f"{ord(ch):04X}" for ch in FEED_BREAKERS} | {"0007"} <= named
    assert all(f.is_error and "第 3 个字符" in f.message for f in findings if "关于" in f.message)


def test_class_07_feeds_are_valid_xml_whatever_the_input(fresh_files, tmp_path):
    """Defence in depth: even records the check refuses make valid feeds."""
    rel = _largest_disclosure(fresh_files)
    for number, ch in enumerate(FEED_BREAKERS):
        fresh_files[rel][number]["title"] = f"关于{ch}的通知"
        fresh_files[rel][number]["summary"] = f"概述{ch}"
        fresh_files[rel][number]["url"] = f"https://www.example.org/{ch}.html"
    result = run_check(write_catalog(fresh_files, tmp_path))
    feeds = exports.build_feeds(site_data(result, site_url="https://example.org/"))
    for content in feeds.values():
        ET.fromstring(content)  # raises on invalid XML
    assert any("关于的通知".encode() in content for content in feeds.values())


# ---- 8: unknown keys are published ----------------------------------------------------------------


def test_class_08_unknown_keys_are_reported_and_never_published(fresh_files, tmp_path):
    rel = disclosure_files(fresh_files)[0]
    fresh_files[rel][0]["internal_note"] = "联系人张三 13800000000"
    item_rel = service_item(fresh_files)
    fresh_files[item_rel]["flow"][0]["secret"] = "内部电话 0551-99999999"
    big = next(r for r in disclosure_files(fresh_files) if r != rel)
    fresh_files[big][0]["attachment"] = "长" * (5 * 1024 * 1024)
    result = run_check(write_catalog(fresh_files, tmp_path))
    rules = {(f.rule, f.file) for f in result.findings}
    assert {("schema.unknown-key", rel), ("schema.unknown-key", item_rel), ("text.too-long", big)} <= rules
    files = exports.build_exports(site_data(result))
    everything = b"".join(files.values())
    assert b"13800000000" not in everything and b"99999999" not in everything
    assert len(everything) < 5 * 1024 * 1024
    record = json.loads(gzip.decompress(files["exports/catalogue.json.gz"]))["entries"][0]
    assert set(record) <= set(type(result.catalog.entries[0]).model_fields) | {"department", "permalink"}


# ---- 10: catalogues that pass the check but cannot be built ---------------------------------------


def test_class_10_limits_are_rules_with_findings(fresh_files, tmp_path):
    rel = disclosure_files(fresh_files)[0]
    fresh_files[rel][0]["summary"] = "长" * 131_073
    fresh_files[rel][1]["title"] = "题" * 201
    fresh_files[rel][2]["doc_number"] = "皖" * 98 + "〔2025〕1号"
    item_rel = items(fresh_files)[0]
    fresh_files[item_rel]["name"] = "名" * 201
    root = write_catalog(fresh_files, tmp_path)
    found = {(f.rule, f.file, f.line) for f in run_check(root).findings if f.is_error}
    assert ("text.too-long", rel, _at(root, rel, "长长长")) in found
    assert ("text.too-long", rel, _at(root, rel, "题题题")) in found
    assert ("text.too-long", rel, _at(root, rel, "皖皖皖")) in found
    assert ("text.too-long", item_rel, _at(root, item_rel, "名名名")) in found


def _first_item(files):
    """The file of the item that the loader reads first (the search canaries start there)."""
    return sorted(r for r in files if "/powers/" in r and files[r].get("status", "有效") == "有效")[0]


def limit_files() -> dict:
    """A catalogue that checks clean with every value at the limits and awkward shapes the build
    must cope with: what checks clean must build."""
    from zwgk.sample import generate as synth

    files = synth.generate(SMALL_PLAN)
    first = _first_item(files)
    files[first]["name"] = "ISO9001 quality management certification ~ " + "x" * 150
    for rel in items(files):
        if files[rel]["basic_code"] == files[first]["basic_code"]:
            files[rel]["name"] = files[first]["name"]
    second = next(r for r in items(files) if files[r]["basic_code"] != files[first]["basic_code"])
    code = files[second]["basic_code"]
    for rel in items(files):
        if files[rel]["basic_code"] == code:
            files[rel]["name"] = "甲" * 200
    rel = disclosure_files(files)[0]
    files[rel][0]["summary"] = "长" * 20_000
    files[rel][0]["doc_number"] = "皖" * 90 + "〔2025〕1号"
    files[rel][0]["title"] = "零宽\u200b空格与~波浪号"  # a warning, and it must build
    files[rel][1]["internal_note"] = "联系人张三 13800000000"
    dept = depts(files)[0]
    files[dept]["name"] = "安徽省~测试厅"
    return files


@pytest.fixture(scope="module")
def limit_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("limits")
    catalog = write_catalog(limit_files(), folder / "catalog")
    result = run_check(catalog)
    assert result.errors == 0, [f.text() for f in result.findings if f.is_error]
    assert {f.rule for f in result.findings} == {"text.invisible-char", "schema.unknown-key", "entry.summary-too-long"}
    site = folder / "site"
    built = build(site, catalog)
    assert built.returncode == 0, built.stderr[-3000:]
    return site, result


def test_class_10_what_checks_clean_builds(limit_site):
    site, _ = limit_site
    assert (site / "exports/entries.csv").stat().st_size > 20_000
    assert "13800000000" not in gzip.decompress((site / "exports/catalogue.json.gz").read_bytes()).decode()  # class 8
    for feed in (site / "feeds").rglob("*.xml"):
        ET.parse(feed)


def test_class_10_search_canaries_are_picked_from_any_valid_catalogue(limit_site):
    from zwgk.search.index import canaries
    from zwgk.search.query import MAX_QUERY_CHARS

    _, result = limit_site
    queries = canaries(site_data(result))
    assert queries and all(0 < len(query) <= MAX_QUERY_CHARS for query, _ in queries)
    assert not any(query[:2].isascii() and len(query) == 2 for query, _ in queries)


# ---- 11: one department can damage another --------------------------------------------------------


def test_class_11_an_entry_cannot_publish_as_another_department(fresh_files, tmp_path):
    rel = disclosure_files(fresh_files)[0]
    own = rel.split("/")[1]
    victim = next(d for d in depts(fresh_files) if d.split("/")[1] != own)
    victim_uscc = fresh_files[victim]["uscc"]
    entry = fresh_files[rel][0]
    entry["publisher"] = victim.split("/")[1]
    entry["index"] = victim_uscc + entry["index"][18:]
    root = write_catalog(fresh_files, tmp_path)
    (finding,) = [f for f in run_check(root).findings if f.rule == "entry.publisher-not-own"]
    assert finding.is_error and finding.file == rel and finding.line == _at(root, rel, "publisher:")


@pytest.mark.parametrize("field", ["name", "short_name", "uscc"])
def test_class_11_a_department_copying_another_is_an_error_for_both(field, fresh_files, tmp_path):
    original, copy = depts(fresh_files)[:2]
    value = fresh_files[original][field]
    fresh_files[copy][field] = value[:1] + "\u200b" + value[1:] if field != "uscc" else value
    root = write_catalog(fresh_files, tmp_path)
    findings = [f for f in run_check(root).findings if f.rule == "dept.duplicate-identity"]
    assert sorted(f.file for f in findings) == sorted([original, copy])
    for finding in findings:
        other = (copy if finding.file == original else original).split("/")[1]
        assert finding.is_error and other in finding.message and finding.line == _at(root, finding.file, f"{field}:")


# ---- 12: one invisible character breaks a department's pages --------------------------------------


@pytest.mark.parametrize("ch", ["\x7f", "\x85", "\x9f", "\x00", "\x08", "\x0b"])
def test_class_12_control_characters_are_refused_in_every_text_field(ch, fresh_files, tmp_path):
    dept = depts(fresh_files)[0]
    fresh_files[dept]["name"] = f"安徽省{ch}某厅"
    fresh_files[dept]["disclosure_office"]["hours"] = f"工作日{ch}"
    item_rel = service_item(fresh_files)
    fresh_files[item_rel]["materials"][0]["name"] = f"申请材料甲{ch}"
    fresh_files[item_rel]["content"] = f"多行\n内容\t可以{ch}"
    root = write_catalog(fresh_files, tmp_path)
    findings = [f for f in run_check(root).findings if f.rule == "text.control-char"]
    code = f"U+{ord(ch):04X}"
    assert all(f.is_error and code in f.message for f in findings)
    assert {(f.file, f.line) for f in findings} == {
        (dept, _at(root, dept, "name:")),
        (dept, _at(root, dept, "hours:")),
        (item_rel, _at(root, item_rel, "申请材料甲")),
        (item_rel, _at(root, item_rel, "content:")),
    }
    assert any("第 4 个字符" in f.message for f in findings)  # 安徽省 then the character


def test_class_12_line_breaks_and_tabs_only_in_multiline_fields(fresh_files, tmp_path):
    rel = disclosure_files(fresh_files)[0]
    fresh_files[rel][0]["title"] = "第一行\n第二行"
    fresh_files[rel][1]["summary"] = "第一段\n\n第二段\t缩进"
    fresh_files[rel][2]["keywords"] = ["甲乙丙\t丁"]
    fresh_files[rel][3]["title"] = "丙丁戊\u2028己"  # a line separator: a line break too
    root = write_catalog(fresh_files, tmp_path)
    found = [(f.file, f.line) for f in run_check(root).findings if f.rule == "text.control-char"]
    assert found == [(rel, _at(root, rel, "第一行")), (rel, _at(root, rel, "甲乙丙")), (rel, _at(root, rel, "丙丁戊"))]


def test_class_12_invisible_characters_are_warnings_and_names_compare_without_them(fresh_files, tmp_path):
    first, second = items(fresh_files, lambda item: item["basic_code"].endswith("000") and item.get("status", "有效") == "有效")[:2]
    name = fresh_files[first]["name"]
    fresh_files[second]["name"] = name[:2] + "\u200b" + name[2:]
    dept = depts(fresh_files)[0]
    fresh_files[dept]["short_name"] = "\u202e" + fresh_files[dept]["short_name"]
    root = write_catalog(fresh_files, tmp_path)
    findings = run_check(root).findings
    invisible = {(f.file, "U+200B" in f.message or "U+202E" in f.message) for f in findings if f.rule == "text.invisible-char"}
    assert invisible == {(second, True), (dept, True)}
    assert all(not f.is_error for f in findings if f.rule == "text.invisible-char")
    assert any(f.rule == "item.same-name-different-code" and f.file == second for f in findings)


def test_class_12_front_matter_stays_valid_whatever_the_name():
    hostile = "".join(chr(code) for code in [*range(0, 32), *range(0x7F, 0xA0), 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF])
    source = pages.common.page(f"名{hostile}称", "正文")
    meta = yaml.safe_load(source.split("\n---\n")[0].removeprefix("---\n"))
    assert meta["title"] == "名 称"


# ---- 19: smaller holes ----------------------------------------------------------------------------


def test_class_19_non_finite_numbers_are_refused_everywhere(fresh_files, tmp_path):
    annual = [_annual(fresh_files, number) for number in range(3)]
    for (rel, year), fees in zip(annual, (".inf", "inf", "1e999"), strict=True):
        fresh_files[rel] = Raw(f"year: {year}\nproactive:\n  fees: {fees}\n".encode())
    annual = [rel for rel, _ in annual]
    root = write_catalog(fresh_files, tmp_path)
    found = {(f.file, f.line): f.rule for f in run_check(root).findings if f.file in annual}
    assert found == {(annual[0], 3): "yaml.number-out-of-range", (annual[1], 3): "schema.value", (annual[2], 3): "schema.value"}


@pytest.mark.parametrize(
    "url",
    [
        "https://www.example.org/x.html\n",
        "https://www.example.org/\x00.html",
        "https://www.example.org/a b.html",
        "https://evil.example\\@www.ah.gov.cn/",
        "https://www.ah.gov.cn@evil.example/",
        "https://a@b.example/",
        " https://www.example.org/",
        "https://localhost/",
    ],
)
def test_class_19_urls_with_hidden_parts_are_refused(url, fresh_files, tmp_path):
    rel = disclosure_files(fresh_files)[0]
    fresh_files[rel][0]["url"] = url
    assert [f.rule for f in _findings(fresh_files, tmp_path, "entry.url-scheme")] == ["entry.url-scheme"]


def test_class_19_report_url_placeholders_are_encoded(fresh_files, tmp_path):
    item_rel = service_item(fresh_files)
    fresh_files[item_rel]["name"] = "许可&admin=1#x?y=2 名"
    result = run_check(write_catalog(fresh_files, tmp_path))
    data = site_data(result, report_url="https://report.example/?code={code}&name={name}&dept={dept}")
    item = next(i for i in result.catalog.items if i.file == item_rel)
    href = pages.item._report(data, item, data.departments[item.dept_id]).href
    assert "&amp;admin=1" not in href and "#" not in href and " " not in href
    assert "%26admin%3D1%23x%3Fy%3D2%20" in href


def test_class_19_markdown_diff_summary_passes_no_links_or_images(tmp_path):
    from markdown_it import MarkdownIt

    from zwgk.contrib.diff import CatalogDiff, DepartmentDiff, format_markdown

    hostile = "![x](https://evil.example/p.png) [点我](https://evil.example) <https://evil.example> https://evil.example www.evil.example [r]: https://evil.example"
    dept = DepartmentDiff("340000-fgw", hostile, entries_added=[("11340000002986061N/202401-00001", hostile)])
    text = format_markdown(CatalogDiff([dept]))
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    assert "<a " not in rendered and "<img" not in rendered
    assert not re.search(r"(?<!\\)://|www\.|\]\(|!\[", text)


def test_class_19_nul_in_a_flow_step_name_is_an_error(fresh_files, tmp_path):
    rel = service_item(fresh_files)
    fresh_files[rel]["flow"][1]["name"] = "审\x00查"
    root = write_catalog(fresh_files, tmp_path)
    (finding,) = [f for f in run_check(root).findings if f.rule == "text.control-char"]
    assert finding.is_error and "U+0000" in finding.message and finding.line == _at(root, rel, "\\0")


def test_class_19_headings_are_one_line_and_show_no_stray_backslash(limit_site):
    site, _ = limit_site
    dept = depts(limit_files())[0].split("/")[1]
    page = (site / "departments" / dept / "index.html").read_text(encoding="utf-8")
    heading = page.split("<h1")[1].split("</h1>")[0]
    assert "安徽省~测试厅" in heading and "\\~" not in heading
    assert html.md("第一行\n第二行\r\n第三行\u2028第四行") == "第一行 第二行 第三行 第四行"


def test_class_19_non_text_keys_get_a_chinese_finding_at_the_key(fresh_files, tmp_path):
    rel, year = _annual(fresh_files)
    fresh_files[rel] = Raw(f"year: {year}\nproactive:\n  licensing: 1\n  3: x\n  true: y\n  null: z\n".encode())
    root = write_catalog(fresh_files, tmp_path)
    findings = [f for f in run_check(root).findings if f.file == rel]
    assert [(f.rule, f.line, f.column) for f in findings] == [("yaml.key-not-text", line, 3) for line in (4, 5, 6)]
    assert all("键" in f.message and "should" not in f.message for f in findings)


@pytest.mark.parametrize(
    "args",
    [
        ["new", "item", "--dept", "340000-fgw", "--type", "01", "--name", "事项\udcff\udcfe"],
        ["new", "entry", "--dept", "340000-fgw", "--date", "2026-11-20", "--title", "标题\udce4"],
    ],
)
def test_class_19_non_utf8_arguments_to_new_are_refused(args, small_files, tmp_path):
    root = write_catalog(small_files, tmp_path / "catalog")
    before = sorted(path.name for path in root.rglob("*.yml"))
    result = CliRunner().invoke(cli, [*args, "--catalog", str(root)])
    assert result.exit_code == 2 and "UTF-8" in result.output and "错误：" in result.output, result.output
    assert sorted(path.name for path in root.rglob("*.yml")) == before


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["new", "item", "--dept", "340000-fgw", "--type", "01", "--name", "事项\x07名称"], "U+0007"),
        (["new", "entry", "--dept", "340000-fgw", "--date", "2026-11-20", "--title", "第一行\n第二行"], "U+000A"),
        (["new", "entry", "--dept", "340000-fgw", "--date", "2026-11-20", "--title", "题" * 201], "200"),
    ],
)
def test_class_19_new_refuses_text_the_check_would_refuse(args, words, small_files, tmp_path):
    root = write_catalog(small_files, tmp_path / "catalog")
    result = CliRunner().invoke(cli, [*args, "--catalog", str(root)])
    assert result.exit_code == 2 and words in result.output and "错误：" in result.output, result.output


# ---- 20: YAML syntax errors -----------------------------------------------------------------------

SYNTAX = [
    # (file text, line reported, line noticed or None, Chinese words the message must have)
    ("year: 2025\nproactive:\n  licensing: [1, 2,\n  penalty: 3\n  coercion: 4\n  fees: 5\n", 3, 5, "方括号"),
    ('year: 2025\nnote: "未闭合\nproactive:\n  licensing: 1\n', 2, 5, "引号"),
    ("year: 2025\nproactive: {licensing: 1\nx: 2\n", 2, 3, "花括号"),
    ("year: 2025\nnote: 甲: 乙\n", 2, None, "冒号"),
    ("year: 2025\n  bad: indentation\n", 2, None, "缩进"),
    ("year: 2025\n---\nyear: 2026\n", 2, None, "文档"),
    ('year: 2025\nnote: "\\q"\n', 2, None, "转义"),
    ("- a\nyear: 1\n", 2, None, "列表"),
]


@pytest.mark.parametrize(("text", "line", "noticed", "words"), SYNTAX)
def test_class_20_syntax_errors_in_chinese_where_the_construct_began(text, line, noticed, words, fresh_files, tmp_path):
    rel = next(r for r in fresh_files if "/annual/" in r)
    fresh_files[rel] = Raw(text.encode())
    (finding,) = [f for f in _findings(fresh_files, tmp_path) if f.file == rel]
    assert finding.rule == "yaml.syntax" and finding.line == line, finding.text()
    assert words in finding.message and "解析器提示" not in finding.message
    if noticed:
        assert f"发现于第 {noticed} 行" in finding.message


def test_class_11_index_resolvers_belong_to_the_prefix_owner(fresh_files, tmp_path):
    """Defence in depth: even an entry the check refuses cannot redirect another department's /i/ URLs."""
    rel = disclosure_files(fresh_files)[0]
    own = rel.split("/")[1]
    victim = next(d for d in depts(fresh_files) if d.split("/")[1] != own)
    entry = fresh_files[rel][0]
    entry["publisher"] = victim.split("/")[1]
    entry["index"] = fresh_files[victim]["uscc"] + entry["index"][18:]
    data = site_data(run_check(write_catalog(fresh_files, tmp_path)))
    resolvers = pages.catalogue.index_resolvers(data)
    path = f"i/{entry['index'][:18]}/{entry['index'][19:25]}/index.html"
    assert f"catalogue/{own}/" not in resolvers.get(path, "")
