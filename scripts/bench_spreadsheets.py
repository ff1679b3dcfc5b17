"""Time the spreadsheet import and export (issue 13 targets: a 6,000-row power workbook imports in
under 15 s; the province exports in under 60 s). Prints one JSON object; its last line is the result.

    .venv/bin/python scripts/bench_spreadsheets.py --catalog /tmp/province --work /tmp/bench-xlsx

The import goes into a copy of the bundled sample (department 340000-fgw), from a workbook of 2,000
main items without codes, each merged over two sub-item rows (6,000 rows, every column filled), so
that codes are assigned, 6,000 files are written, and the re-import of the same workbook writes none.
The export writes every department's workbook with its annual-report sheets, as `zwgk export xlsx`
does. CPU seconds count the worker processes too; the load average is printed beside the times,
since wall seconds on a shared machine say more about the others than about this code.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import time
from pathlib import Path

import openpyxl

from zwgk.catalog.cache import default_cache_dir
from zwgk.catalog.loader import load_catalog
from zwgk.contrib.spreadsheet.run import import_workbook
from zwgk.monitoring import annual_xlsx
from zwgk.site import xlsx, xlsx_export

ROOT = Path(__file__).resolve().parent.parent
TYPES = [
    "行政许可",
    "行政处罚",
    "行政强制",
    "行政征收",
    "行政给付",
    "行政检查",
    "行政确认",
    "行政奖励",
    "行政裁决",
    "其他行政权力",
    "公共服务",
]


def power_workbook(path: Path, mains: int = 2000) -> int:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "权责清单"
    headers = [c.header for c in xlsx.POWER_COLUMNS if c.field not in ("basic_code", "status_date", "status_reason", "replaced_by")]
    sheet.append(["测试权责清单"])
    sheet.append(headers)
    row = 3
    for number in range(mains):
        name = f"测试事项{number}"
        for sub in ("", "（新办）", "（变更）"):
            values = {
                "序号": number + 1,
                "事项名称": name,
                "子项名称": f"{name}{sub}" if sub else None,
                "权力类型": TYPES[number % len(TYPES)],
                "实施依据": f"《中华人民共和国测试法》第{number % 90 + 1}条：依据测试法的规定。\n《安徽省测试条例》第三条",
                "实施主体": "安徽省发展和改革委员会",
                "承办机构": "测试处",
                "权力来源": "法定本级行使",
                "行使层级": "省级、市级",
                "服务内容": f"依法办理{name}{sub}。",
                "申报条件": "1.申请人具有完全民事行为能力；2.符合规定的条件",
                "法定期限（工作日）": 20,
                "承诺期限（工作日）": 10,
                "是否收费": "否",
                "收费标准": "不收费",
                "收费依据": "无",
                "办理结果": "决定书",
                "责任事项": "受理：依法受理。\n审查：依法审查。\n决定：依法决定。",
                "追责情形": "对符合条件的申请不予受理的\n索取或者收受他人财物的",
                "咨询电话": "0551-62000000",
                "投诉电话": "12345",
                "状态": "有效",
                "最近复核日期": "2026年10月5日",
                "备注": "/",
            }
            sheet.append([values.get(header) for header in headers])
        sheet.merge_cells(start_row=row, start_column=1, end_row=row + 2, end_column=1)
        sheet.merge_cells(start_row=row, start_column=2, end_row=row + 2, end_column=2)
        row += 3
    book.save(path)
    return row - 3


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the export's and the loader's workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(function, *args, **kwargs) -> tuple[object, float, float]:
    wall, cpu = time.perf_counter(), _cpu()
    value = function(*args, **kwargs)
    return value, round(time.perf_counter() - wall, 1), round(_cpu() - cpu, 1)


def bench_import(work: Path) -> dict:
    catalog = work / "catalog"
    shutil.rmtree(catalog, ignore_errors=True)
    shutil.copytree(ROOT / "catalog", catalog)
    rows = power_workbook(work / "powers.xlsx")
    result: dict = {"rows": rows}
    first, wall, cpu = timed(import_workbook, work / "powers.xlsx", "powers", catalog, "340000-fgw", run_check=False)
    result["first_import"] = {"wall_s": wall, "cpu_s": cpu, "records": len(first.parsed.records), "files_written": len(first.plan.files)}
    again, wall, cpu = timed(import_workbook, work / "powers.xlsx", "powers", catalog, "340000-fgw", run_check=False)
    result["reimport_unchanged"] = {"wall_s": wall, "cpu_s": cpu, "files_written": len(again.plan.files)}
    checked, wall, cpu = timed(import_workbook, work / "powers.xlsx", "powers", catalog, "340000-fgw")
    result["reimport_with_check"] = {"wall_s": wall, "cpu_s": cpu, "check": checked.check.text()}
    load = [round(value, 1) for value in os.getloadavg()]
    return result | {"load_average": load, "targets": {"first_import_wall_s": 15}}


def bench_export(province: Path, work: Path) -> dict:
    catalog, wall, cpu = timed(load_catalog, province, cache_dir=default_cache_dir())
    extra = annual_xlsx.sheets_by_department(catalog.annual)
    paths, wall, cpu = timed(xlsx_export.write_workbooks, catalog, work / "xlsx", extra=extra)
    return {
        "departments": len(paths),
        "items": len(catalog.items),
        "entries": len(catalog.entries),
        "wall_s": wall,
        "cpu_s": cpu,
        "annual_reports": len(catalog.annual),
        "bytes": sum(path.stat().st_size for path in paths),
        "load_average": [round(value, 1) for value in os.getloadavg()],
        "targets": {"wall_s": 60},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--catalog", type=Path, required=True, help="the province catalogue to export")
    parser.add_argument("--work", type=Path, required=True)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    result = {"import": bench_import(args.work), "export": bench_export(args.catalog, args.work)}
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
