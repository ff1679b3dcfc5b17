"""What `zwgk import` prints: which column became which field, the findings in the forms of
`zwgk check` (text, json, github), what was written, and the department's check summary."""

from __future__ import annotations

import json
from dataclasses import asdict

from zwgk.catalog.findings import Summary, format_github
from zwgk.contrib.spreadsheet.headers import column_letter
from zwgk.contrib.spreadsheet.run import KINDS, ImportResult


def info_lines(result: ImportResult) -> list[str]:
    mapping, book = result.mapping, result.workbook
    encoding = f"（编码 {book.encoding}）" if book.encoding else ""
    lines = [f"读取 {book.name}{encoding} 工作表“{mapping.sheet.name}”：第 {mapping.header_row} 行是表头。"]
    used = "；".join(f"{column_letter(column)} 列“{header}” → {name}" for column, header, name in result.mapping.used)
    lines.append(f"列对应：{used}。")
    if mapping.unused:
        lines.append(
            "未导入的列：" + "；".join(f"{column_letter(column)} 列“{header}”（{why}）" for column, header, why in mapping.unused) + "。"
        )
    else:
        lines.append("所有列都已导入。")
    others = other_sheets(result)
    if others:
        lines.append("未读取的工作表：" + "；".join(f"“{name}”（{why}）" for name, why in others) + "。")
    return lines


def other_sheets(result: ImportResult) -> list[tuple[str, str]]:
    """The workbook's other sheets and why they were not read."""
    others = []
    for sheet in result.workbook.sheets:
        if sheet is result.mapping.sheet:
            continue
        if sheet.name.strip().endswith("年度报告"):
            why = "年度报告，不导入"
        elif sheet.name.strip().endswith("填写说明"):
            why = "填写说明"
        else:
            why = "导入的是另一个工作表，需要时用 --sheet 指定"
        others.append((sheet.name, why))
    return others


def counts(result: ImportResult) -> dict:
    plan, parsed = result.plan, result.parsed
    return {
        "rows": parsed.rows,
        "empty_rows": parsed.empty_rows,
        "failed_rows": len(parsed.failed_rows | {f.line for f in result.findings if f.is_error and f.line}),
        "records": len(parsed.records) - len(plan.problems),
        "created": plan.new_records,
        "updated": len(plan.changed_records) - plan.new_records,
        "unchanged": plan.unchanged,
        "files": sorted(plan.files),
        "dry_run": result.dry_run,
    }


def summary_line(result: ImportResult) -> str:
    numbers = counts(result)
    what = KINDS[result.kind][3]
    verb = "将写入" if result.dry_run else "写入"
    line = (
        f"导入结果：数据行 {numbers['rows']} 行（另有空行 {numbers['empty_rows']} 行），{numbers['records']} 个{what}"
        f"（新增 {numbers['created']} 个、修改 {numbers['updated']} 个、未变 {numbers['unchanged']} 个）；"
        f"有错误未导入的行 {numbers['failed_rows']} 行；{verb} {len(numbers['files'])} 个文件。"
    )
    if result.dry_run:
        line += "（试运行：没有写入任何文件。）"
    return line


def check_line(result: ImportResult) -> str:
    if result.check is None:
        return "试运行不检查目录。" if result.dry_run else "未运行检查。"
    return f"导入后检查部门 {result.dept_id}：{result.check.text()}详见 zwgk check。"


def render(result: ImportResult, output_format: str) -> str:
    if output_format == "json":
        payload = {
            "workbook": result.workbook.name,
            "sheet": result.mapping.sheet.name,
            "header_row": result.mapping.header_row,
            "encoding": result.workbook.encoding or None,
            "columns": [{"column": c, "letter": column_letter(c), "header": h, "field": f} for c, h, f in result.mapping.used],
            "unused": [{"column": c, "letter": column_letter(c), "header": h, "reason": r} for c, h, r in result.mapping.unused],
            "other_sheets": [{"sheet": name, "reason": why} for name, why in other_sheets(result)],
            "findings": [finding.as_json() for finding in result.findings],
            "summary": counts(result),
            "check": asdict(result.check) if result.check else None,
        }
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    lines = info_lines(result)
    if output_format == "github":
        # The annotations of `zwgk check --format github`; its last line (a check summary) is ours below.
        placeholder = Summary(0, 0, 0, 0, 0, 0)
        lines += format_github(result.findings, placeholder).rstrip("\n").split("\n")[:-1]
    else:
        lines += [finding.text() for finding in result.findings]
    lines += [summary_line(result), check_line(result)]
    return "\n".join(lines) + "\n"
