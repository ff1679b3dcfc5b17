"""Escaping and small HTML builders for generated pages. Every piece of contributor text passes
through `text()` (HTML) or `md()` (a Markdown heading) before it reaches a page."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable

from zwgk.catalog.text import one_line

# The characters Python-Markdown (with the tables extension) treats as syntax and lets a backslash
# escape. Others, such as `~`, have no escape: a backslash before them would be shown.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")


def text(value: object) -> str:
    """HTML-escaped text (quotes too, so it is safe in attributes); None is empty."""
    return "" if value is None else html.escape(str(value), quote=True)


def md(value: object) -> str:
    """Text safe in a line of Markdown (a heading): on one line (line breaks and control characters
    would split or break it), HTML-escaped, and Markdown syntax backslash-escaped."""
    return "" if value is None else _MARKDOWN_SPECIAL.sub(r"\\\1", text(one_line(str(value))))


def title(value: object) -> str:
    """Text for page titles and navigation labels. Themes pass these through `striptags`, which
    unescapes entities, so markup characters are replaced by their full-width forms instead."""
    return one_line(str(value)).replace("&", "＆").replace("<", "＜").replace(">", "＞").replace('"', "＂")


def link(href: str, label: object, **attributes: str) -> str:
    extra = "".join(f' {name.rstrip("_")}="{text(value)}"' for name, value in attributes.items())
    return f'<a href="{text(href)}"{extra}>{text(label)}</a>'


def table(
    caption: str, headers: list[str], rows: Iterable[list[str]], row_ids: Iterable[str] | None = None, classes: list[str] | None = None
) -> str:
    """A table whose cells are already HTML; `caption` and headers are trusted labels; `classes`
    gives each column a CSS class (for widths and wrapping)."""
    ids = iter(row_ids) if row_ids is not None else None
    names = [f' class="{name}"' if name else "" for name in classes or [""] * len(headers)]
    body = []
    for row in rows:
        row_id = f' id="{text(next(ids))}"' if ids is not None else ""
        cells = "".join(f"<td{name}>{cell}</td>" for name, cell in zip(names, row, strict=False))
        body.append(f"<tr{row_id}>{cells}</tr>")
    head = "".join(f'<th scope="col"{name}>{header}</th>' for name, header in zip(names, headers, strict=False))
    # The wrapper scrolls sideways on narrow screens: keyboard users must be able to focus it
    # (WCAG 2.1.1), and screen readers announce it by the table's caption.
    label = re.sub(r"<[^>]*>", "", caption)
    return (
        f'<div class="zwgk-table" tabindex="0" role="region" aria-label="{label}"><table class="zwgk-data"><caption>{caption}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def definitions(pairs: Iterable[tuple[str, str]]) -> str:
    """A definition list of (trusted label, HTML value) pairs, skipping empty values."""
    items = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in pairs if value)
    return f'<dl class="zwgk-fields">{items}</dl>'


def block(*parts: str) -> str:
    """Raw HTML for a Markdown page: one line, so that Markdown passes it through untouched."""
    return '<div class="zwgk">' + "".join(parts).replace("\n", "&#10;") + "</div>\n"


def json_ld(data: dict) -> str:
    payload = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{payload}</script>'
