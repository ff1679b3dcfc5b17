"""The checked catalogue arranged for pages, exports and the search index: one `SiteData` per build."""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from zwgk.catalog.annual_model import AnnualReport
from zwgk.catalog.codes import IndexNumber, parse_index
from zwgk.catalog.model import Entry, PowerItem
from zwgk.catalog.scheme_model import Department, Scheme
from zwgk.rules.run import CheckResult
from zwgk.site import urls


@dataclass
class SiteData:
    """The loaded catalogue arranged for pages: what belongs to whom, and each entry's 索引号."""

    scheme: Scheme
    departments: dict[str, Department]
    items: list[PowerItem]
    entries: list[Entry]
    numbers: dict[int, IndexNumber]  # id(entry) -> parsed 索引号
    report_url: str = ""
    site_url: str = ""
    site_name: str = ""  # extra.zwgk.site.name, else site_name, of mkdocs.yml
    file_keys: dict[str, str] = field(default_factory=dict)  # catalogue file -> content key (Catalog.file_keys)
    items_by_dept: dict[str, list[PowerItem]] = field(default_factory=dict)
    items_by_code: dict[str, list[PowerItem]] = field(default_factory=dict)  # basic code -> items of every department
    latest_date: dt.date | None = None  # the newest entry's 生成日期: "to date" for months with nothing published
    entries_by_dept: dict[str, list[Entry]] = field(default_factory=dict)
    annual: list[AnnualReport] = field(default_factory=list)  # the annual reports, every department and year

    def __post_init__(self) -> None:
        items_by_dept: dict[str, list[PowerItem]] = defaultdict(list)
        for item in sorted(self.items, key=lambda i: (i.dept_id, i.basic_code)):
            items_by_dept[item.dept_id].append(item)
        entries_by_dept: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.entries:
            entries_by_dept[entry.dept_id].append(entry)
        self.items_by_dept, self.entries_by_dept = dict(items_by_dept), dict(entries_by_dept)
        items_by_code: dict[str, list[PowerItem]] = defaultdict(list)
        for items in self.items_by_dept.values():
            for item in items:
                items_by_code[item.basic_code].append(item)
        self.items_by_code = dict(items_by_code)
        self.latest_date = max((entry.date for entry in self.entries), default=None)

    @cached_property
    def entry_by_index(self) -> dict[str, Entry]:
        return {entry.index: entry for entry in self.entries}

    @cached_property
    def interpretations(self) -> dict[str, list[Entry]]:
        """A policy's 索引号 -> the entries that interpret it (their `interprets`)."""
        found: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.entries:
            if entry.interprets and entry.interprets in self.entry_by_index:
                found[entry.interprets].append(entry)
        return dict(found)

    def department_view(self, dept_id: str) -> SiteData:
        """This data with only one department's entries in `entries` (what its catalogue pages and
        its 索引号 redirect pages list); every lookup across departments (related entries, names,
        the newest date) stays the whole site's."""
        self.entry_by_index, self.interpretations  # noqa: B018 (computed on the whole site, then shared by the copy)
        view = copy.copy(self)
        view.entries = self.entries_by_dept.get(dept_id, [])
        return view

    def related(self, entry: Entry) -> list[tuple[str, Entry]]:
        """Entries linked to this one: the policy it interprets, and the interpretations of it."""
        links = []
        if entry.interprets and entry.interprets in self.entry_by_index:
            links.append(("所解读的文件", self.entry_by_index[entry.interprets]))
        links += [("政策解读", reading) for reading in self.interpretations.get(entry.index, ())]
        return links

    def entry_url(self, entry: Entry) -> str:
        return urls.entry(entry.dept_id, self.numbers[id(entry)])

    def department_name(self, dept_id: str) -> str:
        dept = self.departments.get(dept_id)
        return dept.short_name if dept else dept_id

    def code_label(self, codes: dict[str, str], code: str | None) -> str:
        return f"{code} {codes[code]}" if code and code in codes else (code or "")


def site_data(result: CheckResult, report_url: str = "", site_url: str = "") -> SiteData:
    """The checked catalogue arranged for pages, exports and the search index."""
    catalog = result.catalog
    numbers = {id(entry): parse_index(entry.index, catalog.scheme.index_formats) for entry in catalog.entries}
    return SiteData(
        scheme=catalog.scheme,
        departments=catalog.departments,
        items=catalog.items,
        entries=catalog.entries,
        numbers=numbers,
        report_url=report_url,
        site_url=site_url,
        file_keys=catalog.file_keys,
        annual=catalog.annual,
    )
