"""Characters a contributor's text may not carry, and what the rules and the site do about them.

Control characters (C0 but tab and line feed in multi-line fields, DEL, C1) and the noncharacters
U+FFFE/U+FFFF break pages, front matter, feeds (invalid XML) and Graphviz: the check refuses them.
Bidirectional overrides and zero-width characters are invisible: they make two names look the same
while differing (or differ while looking the same), so they are flagged, and names are compared with
them removed. The limits keep every value within what the build and the search can take.
"""

from __future__ import annotations

import re
import unicodedata

# Fields whose text may run over several lines (tab and line feed allowed); every other text is one line.
MULTILINE_KEYS = frozenset(
    {
        "summary",
        "content",
        "text",
        "conditions",
        "accountability",
        "duty",
        "result",
        "status_reason",
        "standard",
        "basis",
        "notice",
        "address",
        # The annual report's sections (一 in five parts, 五), basic Markdown over several lines.
        "proactive",
        "applications",
        "management",
        "platforms",
        "supervision",
        "problems",
    }
)
# Longest value of a field, in characters: names and titles are shown in headings and searched whole
# (a query is at most 200 characters); any other text value is at most TEXT_LIMIT.
TITLE_LIMIT = 200
LENGTH_LIMITS = {"name": TITLE_LIMIT, "short_name": TITLE_LIMIT, "title": TITLE_LIMIT, "doc_number": 100}
TEXT_LIMIT = 20_000

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]")  # line separators too
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\u061c]")
# Characters XML 1.0 cannot carry at all (not even escaped).
_NOT_XML = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_WHITESPACE = re.compile(r"\s+")
# Any character the two lists above hold: most values have none, and are passed over at once.
_SUSPICIOUS = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\u061c]"
)

_NAMES = {
    0x00: "空字符 NUL",
    0x07: "响铃",
    0x08: "退格",
    0x09: "制表符",
    0x0A: "换行符",
    0x0B: "垂直制表符",
    0x0C: "换页符",
    0x0D: "回车符",
    0x1B: "转义符 ESC",
    0x7F: "删除符 DEL",
    0x85: "下一行 NEL",
    0xFFFE: "非字符",
    0xFFFF: "非字符",
    0x200B: "零宽空格",
    0x200C: "零宽非连接符",
    0x200D: "零宽连接符",
    0x200E: "从左到右标记",
    0x200F: "从右到左标记",
    0x2060: "零宽不换行符",
    0xFEFF: "零宽不换行空格（BOM）",
    0x061C: "阿拉伯字母标记",
    0x2028: "行分隔符",
    0x2029: "段分隔符",
}


def describe_char(ch: str) -> str:
    """`U+007F（删除符 DEL）`: the code point and, in Chinese, what it is."""
    code = ord(ch)
    if code in _NAMES:
        name = _NAMES[code]
    elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        name = "双向文字控制符"
    elif code < 0x20:
        name = "C0 控制字符"
    elif 0x80 <= code <= 0x9F:
        name = "C1 控制字符"
    elif 0xD800 <= code <= 0xDFFF:
        name = "孤立的代理码位"
    else:
        name = unicodedata.name(ch, "控制字符")
    return f"U+{code:04X}（{name}）"


def suspicious(value: str) -> bool:
    """Whether `value` holds a control or invisible character (line breaks and tabs count)."""
    return _SUSPICIOUS.search(value) is not None


def control_chars(value: str, multiline: bool) -> list[tuple[int, str]]:
    """(1-based position, character) of every control character in `value`."""
    pattern = _CONTROL if multiline else _CONTROL_ONE_LINE
    return [(match.start() + 1, match.group()) for match in pattern.finditer(value)]


def invisible_chars(value: str) -> list[tuple[int, str]]:
    """(1-based position, character) of every bidirectional control or zero-width character."""
    return [(match.start() + 1, match.group()) for match in _INVISIBLE.finditer(value)]


def visible(value: str) -> str:
    """A name as readers see it, for comparing names: invisible characters removed, compatibility
    forms folded (NFKC) and runs of white space made one space."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", _INVISIBLE.sub("", value))).strip()


def xml_safe(value: str) -> str:
    """`value` without the characters XML 1.0 cannot carry (defence in depth: the check refuses them)."""
    return _NOT_XML.sub("", value)


def one_line(value: str) -> str:
    """`value` for a heading or a title: control and invisible characters dropped (a bidi override
    would reorder the rest of the line), white space (line breaks too) made one space."""
    return _WHITESPACE.sub(" ", _INVISIBLE.sub("", _CONTROL.sub("", value))).strip()
