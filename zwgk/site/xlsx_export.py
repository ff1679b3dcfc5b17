"""`zwgk export xlsx`: every department's workbook (zwgk/site/xlsx.py) into a folder, several
departments at once."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from zwgk.catalog.model import Entry, PowerItem
from zwgk.catalog.scheme_model import Department
from zwgk.site import xlsx

_JOB: dict = {}  # what the forked writers of write_workbooks read (inherited, never pickled)


def _write_one(dept_id: str):
    catalog, items, entries, extra, output = (_JOB[key] for key in ("catalog", "items", "entries", "extra", "output"))
    dept = catalog.departments[dept_id]
    path = output / f"{dept_id}.xlsx"
    sheets = extra(dept) if extra else ()
    path.write_bytes(
        xlsx.department_workbook(catalog.scheme, catalog.departments, dept, items.get(dept_id, []), entries.get(dept_id, []), sheets)
    )
    return path


def write_workbooks(
    catalog,
    output,
    dept_ids: list[str] | None = None,
    extra: Callable[[Department], xlsx.ExtraSheets] | None = None,
    workers: int | None = None,
) -> list:
    """`zwgk export xlsx`: each department's workbook as <output>/<dept-id>.xlsx (`catalog` is a loaded
    Catalog), with `extra(dept)` sheets when given. Returns the paths written.

    Several departments are written at once, by forked processes that inherit the loaded catalogue
    (one per CPU, at most `workers`); the largest first, so that none is left to finish alone."""
    items: dict[str, list[PowerItem]] = {}
    entries: dict[str, list[Entry]] = {}
    for item in catalog.items:
        items.setdefault(item.dept_id, []).append(item)
    for entry in catalog.entries:
        entries.setdefault(entry.dept_id, []).append(entry)
    output.mkdir(parents=True, exist_ok=True)
    chosen = sorted(dept_ids or catalog.departments)
    _JOB.update(catalog=catalog, items=items, entries=entries, extra=extra, output=output)
    try:
        workers = min(workers or os.cpu_count() or 1, len(chosen))
        if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return [_write_one(dept_id) for dept_id in chosen]
        largest = sorted(chosen, key=lambda d: -(len(entries.get(d, [])) + 3 * len(items.get(d, []))))
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            written = dict(zip(largest, pool.map(_write_one, largest), strict=True))
        return [written[dept_id] for dept_id in chosen]
    finally:
        _JOB.clear()
