"""`zwgk import powers|entries`: workbook in, the department's YAML files merged, then the check.

Every data row becomes a record or a finding. Rows with errors are not written; the others are."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from zwgk.catalog.cache import default_cache_dir
from zwgk.catalog.findings import Finding, Severity, Summary, sort_findings
from zwgk.catalog.loader import CatalogError, load_catalog
from zwgk.contrib.spreadsheet.common import Context, Parsed
from zwgk.contrib.spreadsheet.entries import parse_entries
from zwgk.contrib.spreadsheet.headers import MapError, Mapping, detect, parse_maps
from zwgk.contrib.spreadsheet.powers import parse_powers
from zwgk.contrib.spreadsheet.read import Workbook, WorkbookError, read_workbook
from zwgk.contrib.spreadsheet.write import Plan, plan_entries, plan_items

# Sheets the export writes that hold no records: the annual reports (“2025年度报告”, tables and texts
# in the official layout, zwgk/monitoring/annual_xlsx.py) and a template's 填写说明.
NOT_RECORDS = ("年度报告", "填写说明")

KINDS = {"powers": (parse_powers, plan_items, "权责清单", "事项"), "entries": (parse_entries, plan_entries, "政府信息公开目录", "条目")}


class ImportFailure(Exception):
    """The import cannot run at all: no such workbook, sheet, department or header (exit 2)."""


@dataclass
class ImportResult:
    kind: str
    workbook: Workbook
    mapping: Mapping
    parsed: Parsed
    plan: Plan
    dept_id: str
    dry_run: bool
    findings: list[Finding] = field(default_factory=list)
    check: Summary | None = None
    check_findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.is_error)

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0


def is_not_records(sheet_name: str) -> bool:
    return sheet_name.strip().endswith(NOT_RECORDS)


def _sheet_mapping(workbook: Workbook, kind: str, sheet_name: str | None, maps: dict[str, str]) -> Mapping:
    preferred = KINDS[kind][2]
    if sheet_name is not None:
        sheets = [sheet for sheet in workbook.sheets if sheet.name.strip() == sheet_name.strip()]
        if not sheets:
            names = "、".join(f"“{sheet.name}”" for sheet in workbook.sheets)
            raise ImportFailure(f"{workbook.name} 中没有工作表“{sheet_name}”：有 {names}。")
        if is_not_records(sheets[0].name):
            raise ImportFailure(
                f"工作表“{sheet_name}”不是{preferred}（年度报告和填写说明不导入）：请用 --sheet 指定{preferred}所在的工作表。"
            )
    else:
        sheets = sorted(
            (sheet for sheet in workbook.sheets if not is_not_records(sheet.name)), key=lambda sheet: preferred not in sheet.name
        )
    for sheet in sheets:
        mapping = detect(sheet, kind, maps)
        if mapping is not None:
            return mapping
    key = "事项名称（或权责事项名称、职权名称等）" if kind == "powers" else "信息名称（或标题）或索引号"
    where = f"工作表“{sheet_name}”" if sheet_name else "任何工作表"
    raise ImportFailure(
        f"在 {workbook.name} 的{where}的前 20 行中找不到表头：表头行应有“{key}”列和至少一个其他可识别的列，或用 --map 列名=字段 指定。"
    )


def _department_check(root: Path, dept_id: str) -> tuple[Summary, list[Finding]]:
    from zwgk.rules.run import check

    result = check(root, cache_dir=default_cache_dir())
    prefix = f"departments/{dept_id}/"
    findings = [finding for finding in result.findings if finding.file.startswith(prefix)]
    catalog = result.catalog
    files = sum(1 for rel in catalog.file_keys if rel.startswith(prefix))
    items = sum(1 for item in catalog.items if item.dept_id == dept_id)
    errors = sum(1 for finding in findings if finding.is_error)
    summary = Summary(files, 1, items, len(catalog.entries_of(dept_id)), errors, len(findings) - errors)
    return summary, findings


def import_workbook(
    path: Path,
    kind: str,
    root: Path,
    dept_id: str,
    sheet: str | None = None,
    maps: tuple[str, ...] = (),
    dry_run: bool = False,
    run_check: bool = True,
) -> ImportResult:
    parse, plan_records, _, _ = KINDS[kind]
    try:
        map_fields = parse_maps(maps, kind)
        catalog = load_catalog(root, cache_dir=default_cache_dir())
    except (MapError, CatalogError) as error:
        raise ImportFailure(str(error)) from None
    if catalog.scheme is None:
        raise ImportFailure(f"{root}/scheme.yml 无法读取：请先按 zwgk check 的提示修正它。")
    dept = catalog.departments.get(dept_id)
    if dept is None:
        known = "、".join(sorted(catalog.departments)[:10])
        raise ImportFailure(f"没有部门“{dept_id}”：--dept 应为 {root}/departments/ 下的部门文件夹名之一（如 {known}）。")
    try:
        workbook = read_workbook(path)
        mapping = _sheet_mapping(workbook, kind, sheet, map_fields)
    except (WorkbookError, MapError) as error:
        raise ImportFailure(str(error)) from None
    context = Context(catalog, dept, dept_id, workbook.name, mapping.sheet.name)
    parsed = parse(mapping, context)
    plan = plan_records(catalog, dept_id, parsed.records)
    findings = list(parsed.findings)
    for record, name, message in plan.problems:
        row = record.rows[0] if record.rows else 0
        findings.append(
            Finding(
                workbook.name, row, mapping.column_of(name), "import.incomplete", Severity.ERROR, record.label, message, mapping.sheet.name
            )
        )
    result = ImportResult(kind, workbook, mapping, parsed, plan, dept_id, dry_run, sort_findings(findings))
    if not dry_run:
        plan.write()
        if run_check:
            result.check, result.check_findings = _department_check(root, dept_id)
    return result
