"""Spreadsheets in and out: `zwgk import powers|entries` (xlsx, xls, csv) and `zwgk export xlsx`.

Workbooks are built here with openpyxl (xlsx) and xlwt (xls); CSVs are written in UTF-8 and GBK."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
import xlwt
from click.testing import CliRunner
from conftest import SAMPLE

from zwgk.catalog.findings import Finding, Severity
from zwgk.catalog.loader import load_catalog
from zwgk.cli import cli
from zwgk.contrib.new import next_basic_code
from zwgk.contrib.spreadsheet.headers import ENTRY_HEADERS, POWER_HEADERS, _lookup, field_of
from zwgk.contrib.spreadsheet.run import import_workbook
from zwgk.site import xlsx

DEPT = "340000-fgw"  # sector 01


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ZWGK_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def root(tmp_path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(SAMPLE, target)
    return target


def snapshot(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*.yml"))}


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def save(rows: list[list], path: Path, merges: tuple[str, ...] = (), title: str = "权责清单") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    book.save(path)
    return path


# ---- export, and the round trip -----------------------------------------------------------------


def test_round_trip_over_the_whole_sample_changes_no_file(root, tmp_path):
    out = tmp_path / "out"
    result = run("export", "xlsx", str(root), "--output", str(out))
    assert result.exit_code == 0, result.output
    before = snapshot(root)
    departments = sorted(path.name for path in (root / "departments").iterdir())
    assert sorted(path.stem for path in out.glob("*.xlsx")) == departments
    for dept in departments:
        for kind in ("powers", "entries"):
            imported = import_workbook(out / f"{dept}.xlsx", kind, root, dept, run_check=False)
            assert imported.exit_code == 0, [f.text() for f in imported.findings]
            assert imported.parsed.records and not imported.plan.files, (dept, kind, sorted(imported.plan.files))
    assert snapshot(root) == before
    # And once through the command, with the check after it.
    result = run("import", "powers", str(out / f"{DEPT}.xlsx"), "--dept", DEPT, "--catalog", str(root))
    assert result.exit_code == 0, result.output
    assert "未变 10 个" in result.output and f"导入后检查部门 {DEPT}：检查了" in result.output
    assert snapshot(root) == before


def test_exported_workbook_layout(root, tmp_path):
    run("export", "xlsx", str(root), "--output", str(tmp_path), "--dept", DEPT)
    book = openpyxl.load_workbook(tmp_path / f"{DEPT}.xlsx")
    assert book.sheetnames[:2] == ["权责清单", "政府信息公开目录"]  # then the annual reports, one sheet a year
    powers = book["权责清单"]
    assert powers["A1"].value == "安徽省发展和改革委员会权责清单" and powers.freeze_panes == "A3"
    assert [cell.value for cell in powers[2]] == [column.header for column in xlsx.POWER_COLUMNS]
    assert powers["A2"].font.bold and powers.column_dimensions["F"].width == 48
    # 000101001000 has three sub-items: its 序号 and 事项名称 are merged over four rows, one row per item.
    codes = [powers.cell(row, 2).value for row in range(3, powers.max_row + 1)]
    start = codes.index("000101001000") + 3
    assert codes[start - 3 : start + 1] == ["000101001000", "000101001001", "000101001002", "000101001003"]
    merged = {str(r) for r in powers.merged_cells.ranges}
    assert f"A{start}:A{start + 3}" in merged and f"C{start}:C{start + 3}" in merged
    assert powers.cell(start + 1, 4).value == "企业投资项目核准（新办）"
    entries = book["政府信息公开目录"]
    assert entries.max_row == 2 + len(load_catalog(root).entries_of(DEPT))
    again = tmp_path / "again"
    run("export", "xlsx", str(root), "--output", str(again), "--dept", DEPT)
    assert (again / f"{DEPT}.xlsx").read_bytes() == (tmp_path / f"{DEPT}.xlsx").read_bytes()  # no timestamps in it


def test_formula_cells_are_neutralised_and_come_back_unchanged(root, tmp_path):
    path = root / f"departments/{DEPT}/disclosure/2025.yml"
    text = path.read_text(encoding="utf-8")
    # The first entry's title, whatever the generated sample holds, becomes a formula.
    first = next(line for line in text.splitlines() if line.startswith("  title: "))
    text = text.replace(first, '  title: =HYPERLINK("http://x.example","点击")', 1)
    path.write_text(text, encoding="utf-8")
    before = snapshot(root)
    run("export", "xlsx", str(root), "--output", str(tmp_path / "out"), "--dept", DEPT)
    sheet = openpyxl.load_workbook(tmp_path / "out" / f"{DEPT}.xlsx")["政府信息公开目录"]
    cell = next(cell for cell in sheet["C"] if "HYPERLINK" in str(cell.value))
    assert cell.data_type == "s" and cell.value.startswith("'=")
    imported = import_workbook(tmp_path / "out" / f"{DEPT}.xlsx", "entries", root, DEPT, run_check=False)
    assert imported.exit_code == 0 and not imported.plan.files
    assert snapshot(root) == before


def test_every_exported_header_is_read_back_as_its_field():
    for columns, table in ((xlsx.POWER_COLUMNS, POWER_HEADERS), (xlsx.ENTRY_COLUMNS, ENTRY_HEADERS)):
        lookup = _lookup(table)
        for column in columns:
            assert field_of(column.header, lookup, {}) == column.field, column.header


def test_templates_are_blank_workbooks_the_import_recognises(root, tmp_path):
    templates = xlsx.template_workbooks(load_catalog(root).scheme)
    assert set(templates) == {"exports/templates/权责清单模板.xlsx", "exports/templates/政府信息公开目录模板.xlsx"}
    for rel, content in templates.items():
        path = tmp_path / Path(rel).name
        path.write_bytes(content)
        kind = "powers" if "权责" in rel else "entries"
        result = run("import", kind, str(path), "--dept", DEPT, "--catalog", str(root), "--format", "json")
        assert result.exit_code == 0, result.output
        payload = json.loads(result.output)
        assert payload["header_row"] == 2 and payload["summary"]["rows"] == 0 and not payload["unused"]


def test_a_changed_row_changes_only_its_own_file(root, tmp_path):
    run("export", "xlsx", str(root), "--output", str(tmp_path), "--dept", DEPT)
    book = openpyxl.load_workbook(tmp_path / f"{DEPT}.xlsx")
    sheet = book["权责清单"]
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 2).value == "000101001002")
    office = next(c.column for c in sheet[2] if c.value == "承办机构")
    sheet.cell(row, office).value = "投资处"
    book.save(tmp_path / "changed.xlsx")
    before = snapshot(root)
    imported = import_workbook(tmp_path / "changed.xlsx", "powers", root, DEPT, run_check=False)
    assert imported.exit_code == 0
    after = snapshot(root)
    changed = [rel for rel in after if after[rel] != before[rel]]
    assert changed == [f"departments/{DEPT}/powers/000101001002.yml"]
    old, new = before[changed[0]].decode().splitlines(), after[changed[0]].decode().splitlines()
    assert [(a, b) for a, b in zip(old, new, strict=True) if a != b] == [("office: 发展改革业务处", "office: 投资处")]


# ---- import: layouts ------------------------------------------------------------------------------

HEADER = [
    "序号",
    "职权名称",
    "子项",
    "职权类别",
    "设定依据",
    "责任主体",
    "责任科室",
    "问责情形",
    "行使层级",
    "承诺时限",
    "法定时限",
    "备注",
    "追责依据",
]


def _published_list(path: Path) -> Path:
    """A list as departments publish it: two title rows, synonym headers, a main item merged over its
    sub-items, several values in a cell, 无 and / for empty."""
    rows = [
        ["安徽省发展和改革委员会权责清单"],
        ["（2026年版）"],
        HEADER,
        [
            1,
            "重大项目稽察",
            "项目稽察（现场）",
            "行政检查",
            "《重大项目稽察办法》第五条：稽察内容。；《安徽省政府投资管理办法》第九条",
            "安徽省发展和改革委员会",
            "稽察处",
            "1.未按规定稽察的；2.泄露秘密的",
            "省、市",
            "20个工作日",
            30,
            "无",
            "《监察法》",
        ],
        [
            None,
            None,
            "项目稽察（专项）",
            None,
            "《重大项目稽察办法》第五条：稽察内容。",
            "安徽省发展和改革委员会",
            "/",
            "未按规定稽察的",
            "省级",
            15,
            30,
            "联合开展",
            None,
        ],
        [
            2,
            "价格认定",
            None,
            "其他行政权力",
            "【行政法规】《价格认定条例》第三条",
            "安徽省发展和改革委员会",
            "价格认证中心",
            "违法认定的\n滥用职权的",
            "省级",
            "即办",
            5,
            None,
            None,
        ],
    ]
    return save(rows, path, merges=("A1:M1", "A2:M2", "A4:A5", "B4:B5", "D4:D5"))


def test_title_rows_merged_main_items_synonyms_and_lists(root, tmp_path):
    path = _published_list(tmp_path / "清单.xlsx")
    catalog = load_catalog(root)
    inspection, other = next_basic_code(catalog, "06", "01"), next_basic_code(catalog, "10", "01")
    result = run("import", "powers", str(path), "--dept", DEPT, "--catalog", str(root), "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["header_row"] == 3 and payload["sheet"] == "权责清单"
    assert {c["header"]: c["field"] for c in payload["columns"]}["职权名称"] == "name"
    assert payload["unused"] == [{"column": 13, "letter": "M", "header": "追责依据", "reason": "目录格式中没有“追责依据”字段"}]
    assert payload["summary"]["records"] == 4 and payload["summary"]["created"] == 4 and payload["findings"] == []
    items = {item.basic_code: item for item in load_catalog(root).items if item.dept_id == DEPT}
    main, first, second = items[inspection], items[inspection[:9] + "001"], items[inspection[:9] + "002"]
    assert main.name == "重大项目稽察" and main.type == "06" and first.name == "项目稽察（现场）" and second.name == "项目稽察（专项）"
    assert [b.title for b in first.basis] == ["《重大项目稽察办法》", "《安徽省政府投资管理办法》"] and first.basis[0].text == "稽察内容。"
    assert [b.level for b in first.basis] == ["部门规章", "地方政府规章"]  # guessed from the titles
    assert first.accountability == ["未按规定稽察的", "泄露秘密的"] and first.levels == ["省级", "市级"]
    assert first.time_limit.promised == 20 and first.office == "稽察处" and first.remarks is None
    assert second.office is None and second.remarks == "联合开展" and second.type == "06"
    # The main item has no row of its own: it takes what its sub-items agree on.
    assert main.subject == "安徽省发展和改革委员会" and main.office is None
    pricing = items[other]
    assert (
        pricing.basis[0].level == "行政法规" and pricing.accountability == ["违法认定的", "滥用职权的"] and pricing.time_limit.promised == 0
    )
    before = snapshot(root)
    again = run("import", "powers", str(path), "--dept", DEPT, "--catalog", str(root))
    assert again.exit_code == 0 and "未变 4 个" in again.output, again.output  # codes found again by name
    assert snapshot(root) == before


def test_fields_the_workbook_lacks_are_kept(root, tmp_path):
    path = save(
        [["基本编码", "事项名称", "权力类型", "备注"], ["000101001000", "企业投资项目核准", "行政许可", "年度复核"]], tmp_path / "b.xlsx"
    )
    item_file = root / f"departments/{DEPT}/powers/000101001000.yml"
    before = item_file.read_text(encoding="utf-8")
    assert run("import", "powers", str(path), "--dept", DEPT, "--catalog", str(root)).exit_code == 0
    after = item_file.read_text(encoding="utf-8")
    assert after == before + "remarks: 年度复核\n"  # flow, materials and the rest untouched


def test_planted_bad_cells_are_reported_at_their_row_and_column(root, tmp_path):
    header = ["编号", "事项名称", "权力类型", "法定期限", "承诺期限", "状态变更日期", "基本编码"]
    rows = [
        ["说明：本表为测试"],
        header,
        [1, "好事项", "行政确认", 10, 5, None, None],
        [2, "类型不对", "行政许可证", 10, 5, None, None],  # C4
        [3, "期限不对", "行政确认", "十天", 5, None, None],  # D5
        [4, "日期不对", "行政确认", 10, 5, "2025-02-30", None],  # F6
        [5, "编码不对", "行政确认", 10, 5, None, "0007123"],  # G7
        [6, "编码与类型不一致", "行政许可", 10, 5, None, "000701001000"],  # C8
        [None, None, None, None, None, None, None],
        [7, None, "行政确认", 10, 5, None, None],  # B10
    ]
    path = save(rows, tmp_path / "bad.xlsx", title="Sheet1")
    before = snapshot(root)
    result = run("import", "powers", str(path), "--dept", DEPT, "--catalog", str(root), "--format", "json")
    assert result.exit_code == 1, result.output
    payload = json.loads(result.output)
    found = {(f["line"], f["column"], f["rule"]) for f in payload["findings"] if f["severity"] == "error"}
    assert found == {
        (4, 3, "import.bad-value"),
        (5, 4, "import.bad-value"),
        (6, 6, "import.bad-value"),
        (7, 7, "import.bad-value"),
        (8, 3, "import.type-mismatch"),
        (10, 2, "import.missing-value"),
    }, payload["findings"]
    assert all(f["file"] == "bad.xlsx" and f["sheet"] == "Sheet1" for f in payload["findings"])
    assert payload["summary"]["empty_rows"] == 1 and payload["summary"]["created"] == 1
    after = snapshot(root)
    added = [rel for rel in after if rel not in before]
    assert len(added) == 1 and "好事项" in after[added[0]].decode()  # the good row is written, the bad ones are not
    text = run("import", "powers", str(path), "--dept", DEPT, "--catalog", str(root), "--dry-run")
    assert "bad.xlsx:6:6: error import.bad-value 工作表“Sheet1”：F 列：日期“2025-02-30”不存在" in text.output
    github = run("import", "powers", str(path), "--dept", DEPT, "--catalog", str(root), "--dry-run", "--format", "github")
    assert (
        "::error file=bad.xlsx,line=4,col=3,title=import.bad-value::工作表“Sheet1”：C 列：权力类型“行政许可证”不在编码方案中"
        in github.output
    )


def test_entries_from_xls_with_merged_cells_and_excel_dates(root, tmp_path):
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("目录")
    sheet.write_merge(0, 0, 0, 5, "安徽省发展和改革委员会政府信息公开目录")
    for column, name in enumerate(["索引号", "标题", "发布单位", "成文日期", "主题", "文种"]):
        sheet.write(1, column, name)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write(2, 1, "关于测试工作的通知")
    sheet.write(2, 2, "省发展改革委")
    sheet.write(2, 3, dt.date(2026, 3, 5), date_style)
    sheet.write(2, 4, "05.01 土地")
    sheet.write(2, 5, "通知")
    sheet.write(3, 1, "关于另一项工作的通知")
    sheet.write(3, 2, "340000-amr")
    sheet.write(3, 3, "2026年3月6日")
    sheet.write(3, 4, "政务公开")
    sheet.write(3, 5, "06")
    path = tmp_path / "目录.xls"
    book.save(str(path))
    result = run("import", "entries", str(path), "--dept", DEPT, "--catalog", str(root), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["header_row"] == 2
    entries = {e.title: e for e in load_catalog(root).entries_of(DEPT)}
    first, second = entries["关于测试工作的通知"], entries["关于另一项工作的通知"]
    assert (first.date, first.topic, first.genre, first.publisher, first.publisher_id) == (dt.date(2026, 3, 5), "05.01", "06", None, DEPT)
    assert (second.date, second.topic, second.publisher) == (dt.date(2026, 3, 6), "02.01", "340000-amr")
    assert first.index.startswith("1134000000010001XX/202603-")
    assert second.index.startswith(load_catalog(root).departments["340000-amr"].uscc + "/202603-")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk"])
def test_entries_from_csv_in_utf8_and_gbk(root, tmp_path, encoding):
    text = "信息名称,生成日期,发布日期,公开方式,关键词\r\n关于测试的公告,2026/3/5,2026年3月6日,主动公开,测试；公告\r\n关于测试的公示,2026-03-07,无,依申请公开,/\r\n"
    path = tmp_path / "目录.csv"
    path.write_bytes(text.encode(encoding))
    result = run("import", "entries", str(path), "--dept", DEPT, "--catalog", str(root))
    assert result.exit_code == 0, result.output
    expected = {"utf-8-sig": "UTF-8（带 BOM）", "utf-8": "UTF-8", "gbk": "GBK"}[encoding]
    assert f"（编码 {expected}）" in result.output
    entries = {e.title: e for e in load_catalog(root).entries_of(DEPT)}
    assert entries["关于测试的公告"].published == dt.date(2026, 3, 6) and entries["关于测试的公告"].keywords == ["测试", "公告"]
    assert entries["关于测试的公示"].published is None and entries["关于测试的公示"].mode == "依申请公开"


def test_map_overrides_headers_and_mistakes_exit_2(root, tmp_path):
    path = save(
        [["职权编号", "内部名称", "权力类型", "内部编号"], ["000101001000", "企业投资项目核准", "行政许可", "X-1"]], tmp_path / "m.xlsx"
    )
    assert run("import", "powers", str(path), "--dept", DEPT, "--catalog", str(root)).exit_code == 2  # no 事项名称 column
    result = run(
        "import",
        "powers",
        str(path),
        "--dept",
        DEPT,
        "--catalog",
        str(root),
        "--map",
        "内部名称=name",
        "--map",
        "职权编号=basic_code",
        "--map",
        "内部编号=-",
    )
    assert result.exit_code == 0 and "未变 1 个" in result.output and "D 列“内部编号”（按 --map 不导入）" in result.output, result.output
    for args in (["--dept", "340000-none"], ["--dept", DEPT, "--sheet", "没有"], ["--dept", DEPT, "--map", "内部名称=nonsense"]):
        bad = run("import", "powers", str(path), "--catalog", str(root), *args)
        assert bad.exit_code == 2, bad.output
    assert run("import", "powers", str(tmp_path / "none.xlsx"), "--dept", DEPT, "--catalog", str(root)).exit_code == 2


def test_finding_shows_the_sheet_only_when_set():
    plain = Finding("a.yml", 3, 5, "x.y", Severity.ERROR, "", "说明")
    assert plain.text() == "a.yml:3:5: error x.y 说明" and "sheet" not in plain.as_json()
    book = Finding("b.xlsx", 3, 5, "import.bad-value", Severity.WARNING, "", "说明", "权责清单")
    assert book.text() == "b.xlsx:3:5: warning import.bad-value 工作表“权责清单”：说明" and book.as_json()["sheet"] == "权责清单"


def test_powers_from_xls_with_a_main_item_merged_over_its_sub_items(root, tmp_path):
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("清单")
    sheet.write_merge(0, 0, 0, 3, "权责清单")
    for column, name in enumerate(["权责事项名称", "实施事项", "权力类别", "基本编码"]):
        sheet.write(1, column, name)
    sheet.write_merge(2, 3, 0, 0, "企业投资项目核准")
    sheet.write_merge(2, 3, 2, 2, "行政许可")
    sheet.write(2, 1, "企业投资项目核准（新办）")
    sheet.write(2, 3, "000101001001")
    sheet.write(3, 1, "企业投资项目核准（注销）")
    path = tmp_path / "清单.xls"
    book.save(str(path))
    result = run("import", "powers", str(path), "--dept", DEPT, "--catalog", str(root), "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)["summary"]
    # The main item and the first sub-item exist already; the second sub-item gets the next free serial.
    assert (summary["records"], summary["created"]) == (3, 1), summary
    items = {item.basic_code: item for item in load_catalog(root).items if item.dept_id == DEPT}
    assert items["000101001004"].name == "企业投资项目核准（注销）" and items["000101001004"].type == "01"


def test_entries_known_by_index_are_updated_from_a_few_columns(root, tmp_path):
    index = load_catalog(root).entries_of(DEPT)[0].index
    path = save([["索引号", "有效性"], [index, "废止"]], tmp_path / "v.xlsx", title="目录")
    before = snapshot(root)
    result = run("import", "entries", str(path), "--dept", DEPT, "--catalog", str(root))
    assert result.exit_code == 0 and "修改 1 个" in result.output, result.output
    after = snapshot(root)
    changed = [rel for rel in after if after[rel] != before[rel]]
    assert len(changed) == 1 and after[changed[0]].decode().count("validity: 废止") == 1


def test_section_heading_rows_give_the_type_and_are_reported(root, tmp_path):
    rows = [
        ["事项名称", "实施依据"],
        ["一、行政确认（共 1 项）"],
        ["测试确认事项", "《测试条例》第一条"],
        ["二、公共服务"],
        ["测试服务事项", None],
    ]
    path = save(rows, tmp_path / "s.xlsx", merges=("A2:B2", "A4:B4"))
    result = run("import", "powers", str(path), "--dept", DEPT, "--catalog", str(root), "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert [(f["line"], f["rule"], f["severity"]) for f in payload["findings"]] == [
        (2, "import.section-row", "warning"),
        (4, "import.section-row", "warning"),
    ]
    items = {item.name: item for item in load_catalog(root).items if item.dept_id == DEPT}
    assert items["测试确认事项"].type == "07" and items["测试服务事项"].type == "20"
