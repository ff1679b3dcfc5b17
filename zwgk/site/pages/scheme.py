"""The coding scheme page: the province's code tables and limits."""

from __future__ import annotations

from typing import NamedTuple

from zwgk.catalog.scheme_model import Scheme
from zwgk.site.pages.common import page
from zwgk.site.templating import render

SECTIONS = (("regions", "行政区划"), ("power_types", "权力类型"), ("sectors", "行业"), ("topics", "主题分类"), ("genres", "体裁分类"))


class CodeTable(NamedTuple):
    key: str
    label: str
    codes: dict[str, str]


def scheme_page(scheme: Scheme) -> tuple[str, str]:
    sections = [CodeTable(key, label, getattr(scheme, key)) for key, label in SECTIONS]
    return "scheme/index.md", page("编码方案", render("scheme.md", scheme=scheme, sections=sections))
