"""Contributor text with basic Markdown (the annual report's sections): paragraphs, line breaks, lists
(`- ` or `1. `), **bold** and *italic*. The text is HTML-escaped first, and nothing else of Markdown is
honoured: no raw HTML, no links, no images, so nothing a contributor writes can add markup, a
request or a script to a page."""

from __future__ import annotations

import html
import re

_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.、)）]\s*(.*)$")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EMPHASIS = re.compile(r"(?<!\*)\*(?=\S)([^*]+?)(?<=\S)\*(?!\*)")


def _inline(text: str) -> str:
    return _EMPHASIS.sub(r"<em>\1</em>", _STRONG.sub(r"<strong>\1</strong>", text))


def _list(lines: list[str], pattern: re.Pattern, tag: str) -> str:
    items = "".join(f"<li>{_inline(pattern.match(line).group(1))}</li>" for line in lines)
    return f"<{tag}>{items}</{tag}>"


def markdown(value: str | None) -> str:
    """HTML for contributor text with basic Markdown; empty for None or blank text."""
    if not value or not value.strip():
        return ""
    escaped = html.escape(value.replace("\r\n", "\n"), quote=True)
    parts = []
    for block in re.split(r"\n\s*\n", escaped.strip()):
        lines = [line for line in block.split("\n") if line.strip()]
        if all(_BULLET.match(line) for line in lines):
            parts.append(_list(lines, _BULLET, "ul"))
        elif all(_NUMBERED.match(line) for line in lines):
            parts.append(_list(lines, _NUMBERED, "ol"))
        else:
            parts.append("<p>" + "<br>".join(_inline(line.strip()) for line in lines) + "</p>")
    return "".join(parts)
