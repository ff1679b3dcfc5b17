"""Whitespace the theme's templates leave in every page, taken out of the written HTML.

Material's templates are indented for their readers: about 3 KB of blank lines and indentation per
page (30 MB over a province's 9,000 pages). A run of white space that holds a line break is written
as one line break, which HTML renders exactly as it did (white space collapses to one space), except
inside the elements that keep it as written (<pre>, <textarea>) and scripts, which stay untouched."""

from __future__ import annotations

import re

_KEPT = re.compile(r"(<(pre|textarea|script)\b.*?</\2\s*>)", re.S | re.I)
_BREAK = re.compile(r"[ \t\r\f]*\n\s*")


def compact(html: str) -> str:
    parts = _KEPT.split(html)
    # split() with two groups gives [text, element, tag name, text, element, tag name, ...]
    out = []
    for number, part in enumerate(parts):
        kind = number % 3
        if kind == 0:
            out.append(_BREAK.sub("\n", part))
        elif kind == 1:
            out.append(part)
    return "".join(out)
