"""The unified coding scheme as pure functions: check digits, code layouts, 索引号 forms, working days.

Used by the rules, the generator and the site alike, so that a code is computed one way everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

USCC_RE = re.compile(r"^[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-Z]{9}[0-9A-HJ-NP-RTUWXY]\Z")
ORG_RE = re.compile(r"^[0-9A-Z]{8}[0-9X]\Z")
BASIC_CODE_RE = re.compile(r"^[0-9]{12}\Z")
DEPT_ID_RE = re.compile(r"^[0-9]{6}-[a-z0-9]{2,16}\Z")
REGION_RE = re.compile(r"^[0-9]{6}\Z")
TWO_DIGITS_RE = re.compile(r"^[0-9]{2}\Z")
TOPIC_RE = re.compile(r"^[0-9]{2}(\.[0-9]{2})?\Z")
YEAR_FILE_RE = re.compile(r"^[0-9]{4}\Z")

_FULLWIDTH = re.compile(r"[\uff01-\uff5e\u3000]")


def has_fullwidth(value: str) -> bool:
    return not value.isascii() and bool(_FULLWIDTH.search(value))


def to_halfwidth(value: str) -> str:
    return "".join(" " if ch == "\u3000" else chr(ord(ch) - 0xFEE0) if "\uff01" <= ch <= "\uff5e" else ch for ch in value)


def uscc_check_char(first17: str) -> str:
    """GB 32100-2015 check character of the first 17 characters of a 统一社会信用代码."""
    total = sum(USCC_CHARSET.index(ch) * weight for ch, weight in zip(first17, _USCC_WEIGHTS, strict=False))
    return USCC_CHARSET[(31 - total % 31) % 31]


def org_check_char(first8: str) -> str:
    """GB 11714-1997 check character of the first 8 characters of a 组织机构代码."""
    total = sum(_ORG_CHARSET.index(ch) * weight for ch, weight in zip(first8, _ORG_WEIGHTS, strict=False))
    remainder = 11 - total % 11
    return "X" if remainder == 10 else "0" if remainder == 11 else str(remainder)


def uscc_is_valid(code: str) -> bool:
    """Both check digits: GB 32100 over the whole code and GB 11714 over the embedded organisation code."""
    return bool(USCC_RE.match(code)) and uscc_check_char(code[:17]) == code[17] and org_is_valid(org_code_of(code))


def org_code_of(uscc: str) -> str:
    """The 组织机构代码 embedded in a USCC: its characters 9 to 17."""
    return uscc[8:17]


def org_is_valid(code: str) -> bool:
    return bool(ORG_RE.match(code)) and org_check_char(code[:8]) == code[8]


def make_uscc(prefix2: str, region: str, org8: str) -> str:
    """A valid USCC from its registration-authority prefix, region and the first 8 org-code characters."""
    org = org8 + org_check_char(org8)
    body = prefix2 + region + org
    return body + uscc_check_char(body)


def implementation_code(basic_code: str, region: str, uscc: str) -> str:
    """实施编码: the unique id of an item as one department exercises it."""
    return f"{basic_code}-{region}-{uscc}"


@dataclass(frozen=True)
class BasicCode:
    source: str  # "00" national, or the province prefix
    type: str
    sector: str
    main: str
    sub: str

    @classmethod
    def parse(cls, code: str) -> BasicCode:
        return cls(code[0:2], code[2:4], code[4:6], code[6:9], code[9:12])


# ---- 索引号 --------------------------------------------------------------------------------------

_INDEX_FORMS = {
    # format name: (prefix pattern, period pattern)
    "uscc-yyyymm": (r"[0-9A-Z]{18}", r"[0-9]{6}"),
    "org-yyyymm": (r"[0-9A-Z]{9}", r"[0-9]{6}"),
    "org-yyyy": (r"[0-9A-Z]{9}", r"[0-9]{4}"),
}
INDEX_EXAMPLES = {
    "uscc-yyyymm": "11340000002986061N/201111-00037",
    "org-yyyymm": "002986061/201111-00037",
    "org-yyyy": "000014349/2020-00072",
}
_INDEX_RE = {name: re.compile(rf"^({prefix})/({period})-([0-9]{{5}})\Z") for name, (prefix, period) in _INDEX_FORMS.items()}


@dataclass(frozen=True)
class IndexNumber:
    form: str
    prefix: str
    period: str  # YYYYMM or YYYY
    serial: int

    @property
    def group(self) -> tuple[str, str]:
        """Serials are unique and gap-free within one publisher prefix and period."""
        return self.prefix, self.period


def parse_index(value: str, forms: list[str] | tuple[str, ...]) -> IndexNumber | None:
    for form in forms:
        match = _INDEX_RE[form].match(value)
        if match:
            return IndexNumber(form, match.group(1), match.group(2), int(match.group(3)))
    return None


def index_prefix(form: str, uscc: str) -> str:
    return uscc if form.startswith("uscc") else org_code_of(uscc)


def index_period(form: str, date: dt.date) -> str:
    return f"{date.year:04d}{date.month:02d}" if form.endswith("yyyymm") else f"{date.year:04d}"


def make_index(form: str, uscc: str, date: dt.date, serial: int) -> str:
    return f"{index_prefix(form, uscc)}/{index_period(form, date)}-{serial:05d}"


# ---- working days --------------------------------------------------------------------------------


def workdays_between(start: dt.date, end: dt.date, holidays: frozenset[dt.date], workdays: frozenset[dt.date]) -> int:
    """Working days after `start` up to and including `end` (Mon-Fri, less holidays, plus 调休 days).

    Counted by whole weeks, then corrected by the listed days in the range: constant time in the
    span, so two dates thousands of years apart cost no more than two days apart."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * 5 + sum(1 for offset in range(1, rest + 1) if (start + dt.timedelta(days=weeks * 7 + offset)).weekday() < 5)
    listed = {day for day in holidays | workdays if start < day <= end}
    # A listed day counts exactly when it is a 调休 working day; a weekday was counted above.
    return count + sum((day in workdays) - (day.weekday() < 5) for day in listed)


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    year = min(max(year, dt.MINYEAR), dt.MAXYEAR)  # months beyond the calendar stop at its ends
    for candidate in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")
