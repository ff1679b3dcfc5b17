"""One cell's value as the catalogue wants it: text, lists, dates, numbers, yes/no, codes from the
scheme. A parser raises CellError with a plain Chinese message; the caller gives it a position."""

from __future__ import annotations

import datetime as dt
import re

from zwgk.catalog.model import BASIS_LEVELS
from zwgk.contrib.spreadsheet.read import excel_date

EMPTY = frozenset({"", "无", "/", "／", "\\", "—", "——", "-", "－", "–", "--", "暂无", "null", "None"})
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CellError(ValueError):
    """A cell whose value cannot become what its column means."""


def clean(value: object) -> object:
    """The cell's value, or None when it is empty ("无", "/", "—" count as empty). A leading apostrophe
    that `zwgk export xlsx` put before a formula start is taken off again."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_STARTS):
            text = text[1:]
        return None if text in EMPTY else text
    return value


def text(value: object) -> str | None:
    """A text field: numbers as written (12345, not 12345.0), dates as YYYY-MM-DD."""
    value = clean(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_MARKER = r"(?:\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[）)]|[①-⑳])"
_LEADING_MARKER = re.compile(rf"^\s*{_MARKER}\s*")
_NUMBERED = re.compile(rf"(?:^|(?<=[\s；;。，,]))\s*{_MARKER}")


def split(value: object, before_title: bool = False) -> list[str]:
    """Several values in one cell: one per line, or numbered "1.…2.…", or separated by "；". With
    `before_title` (legal bases) a "；" splits only before a title in 《》, since a quoted article may
    contain one."""
    raw = text(value)
    if raw is None:
        return []
    if "\n" in raw:
        parts = raw.split("\n")
    elif _LEADING_MARKER.match(raw) and len(_NUMBERED.findall(raw)) >= 2:
        parts = _NUMBERED.split(raw)
    elif before_title:
        parts = re.split(r"[；;]\s*(?=(?:[【\[（(][^】\]）)]*[】\]）)])?《)", raw)
    else:
        parts = re.split(r"[；;]", raw)
    values = []
    for part in parts:
        part = _LEADING_MARKER.sub("", part.strip()).strip()
        if not before_title:
            part = part.rstrip("；;").strip()
        if part and part not in EMPTY:
            values.append(part)
    return values


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def date(value: object) -> str | None:
    """An ISO date from an Excel date, a date string (2025-03-05, 2025/3/5, 2025.3.5, 20250305) or
    2025年3月5日."""
    value = clean(value)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # an Excel date serial in a cell not formatted as a date
            return excel_date(value).isoformat()
        value = str(int(value)) if float(value).is_integer() else str(value)
    raw = str(value).strip()
    raw = re.split(r"[\sT]", raw, maxsplit=1)[0] if re.match(r"^\d{4}-\d{2}-\d{2}[\sT]", raw) else raw
    match = _DATE.match(raw) or _COMPACT_DATE.match(raw)
    if not match:
        raise CellError(f"“{raw}”不是日期：请写成 2025-03-05 或 2025年3月5日")
    year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise CellError(f"日期“{raw}”不存在：请核对年、月、日") from None


def integer(value: object) -> int | None:
    """A count of working days: 20, "20", "20个工作日", "20天"; "即办" is 0."""
    value = clean(value)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and value >= 0:
            return int(value)
        raise CellError(f"“{value}”应为不小于 0 的整数（工作日数）")
    raw = str(value).strip()
    if raw in ("即办", "即办件", "即时办结", "当场办结"):
        return 0
    match = re.match(r"^(\d+)\s*(?:个)?\s*(?:工作日|日|天)?$", raw)
    if not match:
        raise CellError(f"“{raw}”应为工作日数，如 20 或 20个工作日")
    return int(match.group(1))


YES = frozenset({"是", "收费", "有", "Y", "y", "yes", "Yes", "TRUE", "True", "true", "1"})
NO = frozenset({"否", "不收费", "免费", "N", "n", "no", "No", "FALSE", "False", "false", "0"})


def yes_no(value: object) -> bool | None:
    value = clean(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    raw = text(value)
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise CellError(f"“{raw}”应为“是”或“否”")


def choice(value: object, allowed: tuple[str, ...], what: str) -> str | None:
    raw = text(value)
    if raw is None or raw in allowed:
        return raw
    raise CellError(f"{what}“{raw}”应为 {'、'.join(allowed)} 之一")


_LEVEL_WORDS = {"省": "省级", "市": "市级", "县": "县级", "乡": "乡级", "区": "县级", "镇": "乡级", "街道": "乡级", "乡镇": "乡级"}


def levels(value: object, allowed: tuple[str, ...]) -> list[str]:
    """行使层级: "省级、市级", "省、市、县", "省级/市级"."""
    raw = text(value)
    if raw is None:
        return []
    found = []
    for part in re.split(r"[、，,/／;；\s]+|和|及", raw):
        if not part:
            continue
        level = _LEVEL_WORDS.get(part, part)
        if level not in allowed:
            raise CellError(f"行使层级“{part}”应为 {'、'.join(allowed)} 之一")
        if level not in found:
            found.append(level)
    return found


def code(value: object, codes: dict[str, str], what: str) -> str | None:
    """A code of the scheme from its code ("05.01", 1 for "01"), its name ("土地") or both
    ("05.01 土地"); a name shared by several codes needs its parent ("国土资源、能源/土地")."""
    value = clean(value)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        value = f"{int(value):02d}"
    raw = re.sub(r"\s+", " ", str(value)).strip()
    if raw in codes:
        return raw
    match = re.match(r"^(\d{1,2}(?:\.\d{1,2})?)\s*(.*)$", raw)
    if match:
        number = ".".join(part.zfill(2) for part in match.group(1).split("."))
        label = match.group(2).strip(" 　-—:：")
        if number in codes and (not label or label == codes[number]):
            return number
        if number in codes:
            raise CellError(f"{what}代码 {number} 的名称是“{codes[number]}”，不是“{label}”")
    by_label = [key for key, label in codes.items() if label == raw or label == raw.removesuffix("类")]
    if len(by_label) == 1:
        return by_label[0]
    parts = re.split(r"\s*[/／\\]\s*", raw)
    if len(parts) == 2:
        parent, child = parts
        under = [key for key, label in codes.items() if label == child and codes.get(key.split(".")[0]) == parent]
        if len(under) == 1:
            return under[0]
    if len(by_label) > 1:
        raise CellError(f"{what}“{raw}”对应多个代码（{'、'.join(by_label)}）：请写代码，如“{by_label[0]} {raw}”")
    raise CellError(f"{what}“{raw}”不在编码方案中：请写编码方案中的名称或代码（见网站“编码方案”页）")


# ---- legal bases and duties ----------------------------------------------------------------------

_LEVEL_PREFIX = re.compile(r"^[【\[（(](" + "|".join(BASIS_LEVELS) + r")[】\]）)]\s*")
_NUMERAL = r"[一二三四五六七八九十百千零〇两\d]+"
_ARTICLE = rf"第{_NUMERAL}条(?:之{_NUMERAL})?(?:第{_NUMERAL}[款项])*(?:[、和及至]第{_NUMERAL}条(?:第{_NUMERAL}[款项])*)*"
_BASIS = re.compile(rf"^(《[^》]+》)\s*({_ARTICLE})?\s*[：:]?\s*(.*)$", re.S)
_BARE_BASIS = re.compile(rf"^(.+?[法例定则法])\s*({_ARTICLE})\s*[：:]?\s*(.*)$", re.S)


def guess_level(title: str) -> str:
    """The legal level a title most likely has (the department can correct it in the YAML)."""
    is_law = title.endswith("法》") and not title.endswith("办法》")
    if is_law and (title.startswith("《中华人民共和国") or "省" not in title):
        return "法律"
    if "省" in title or "市" in title:
        return "地方性法规" if title.endswith("条例》") else "地方政府规章"
    if title.endswith("条例》"):
        return "行政法规"
    if title.endswith(("通知》", "意见》", "决定》")):
        return "规范性文件"
    return "部门规章"


def basis(value: object) -> tuple[list[dict], list[str]]:
    """Legal bases, one per line: "【法律】《title》第十二条：text" (the level in 【】 is optional).
    Returns the bases (level None where not written) and warnings."""
    bases, warnings = [], []
    for part in split(value, before_title=True):
        level = None
        prefix = _LEVEL_PREFIX.match(part)
        if prefix:
            level, part = prefix.group(1), part[prefix.end() :]
        match = _BASIS.match(part)
        if match is None:
            bare = _BARE_BASIS.match(part)
            if bare:
                match = bare
                warnings.append(f"依据“{bare.group(1)}”没有书名号，已加上《》")
            else:
                warnings.append(f"依据“{part[:30]}”中找不到《》中的法律法规名称：已整句作为名称导入，请核对")
        title, article, rest = (match.group(1), match.group(2), match.group(3).strip()) if match else (part, None, "")
        if not title.startswith("《"):
            title = f"《{title}》"
        entry = {"level": level, "title": title}
        if article:
            entry["article"] = article
        if rest:
            entry["text"] = rest
        bases.append(entry)
    return bases, warnings


_DUTY = re.compile(r"^([^：:]{1,10}?)(?:责任|环节)?\s*[：:]\s*(.+)$", re.S)


def responsibilities(value: object) -> list[dict]:
    """责任事项, one per line: "受理：…" or "受理责任：…"; a line without a phase is 其他."""
    duties = []
    for part in split(value):
        match = _DUTY.match(part)
        duties.append({"phase": match.group(1).strip(), "duty": match.group(2).strip()} if match else {"phase": "其他", "duty": part})
    return duties
