"""Escaping for generated pages outside templates, and the filters templates use (zwgk.site.templating):
`text()` (HTML), `md()` (a Markdown heading), `title()` (front matter) and `json_ld()`. Page markup
itself is in the templates, which escape every value automatically."""

from __future__ import annotations

import html
import json
import re

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


def json_ld(data: dict) -> str:
    payload = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{payload}</script>'
