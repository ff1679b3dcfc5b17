"""The code lookups' functions, kept in a module of their own that imports next to nothing: `zwgk
search` uses them to answer an exact code from the site's shards in a fraction of a second, and the
ranking (zwgk.search.ranking) orders a code's beginning with `prefix_key`.
content/assets/javascripts/zwgk-search.js computes the same (`normaliseCode`, `shardOf`,
`prefixCuts`, `prefixKey`)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_SPACES = re.compile(r"\s+")
# A run of two or more Chinese characters (the CJK blocks both searches index by bigram).
CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")
_OPENING = str.maketrans({"[": "〔", "(": "〔", "【": "〔", "（": "〔", "]": "〕", ")": "〕", "】": "〕", "）": "〕"})


def normalise_code(value: str) -> str:
    """A code as people type it: full-width forms folded (NFKC), no spaces, lower case, and every kind
    of bracket in a 文号 turned into 〔〕."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", value)).lower().translate(_OPENING)


def shard_of(key: str, shards: int) -> int:
    """FNV-1a (32 bit) over the key's UTF-8 bytes; the browser computes the same."""
    value = 0x811C9DC5
    for byte in key.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value % shards


# The beginnings of a code at which the prefix lookup (zwgk.site.prefix_lookup) has a list: a 文号's
# 机关代字 and 代字〔年份〕; a 索引号's first four characters, its USCC, USCC/年份 and USCC/年月; a basic
# code's first 4, 6, 9 and 12 digits and an implementation code's basic code and region. Each pattern
# matches a query only where it matches every code the query begins, so that the query's deepest cut
# is one of theirs. The browser computes the same (`prefixCuts`).
_CUTS = (
    re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+(?=[^\u3400-\u9fff\uf900-\ufaff])"),
    re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+〔\d{4}〕"),
    re.compile(r"[0-9a-z]{4}"),
    re.compile(r"\d{6}"),
    re.compile(r"\d{9}"),
    re.compile(r"\d{12}"),
    re.compile(r"\d{12}-\d{6}"),
    re.compile(r"[0-9a-z]{18}(?=/|$)"),
    re.compile(r"[0-9a-z]{18}/\d{4}"),
    re.compile(r"[0-9a-z]{18}/\d{6}"),
)


def prefix_cuts(key: str) -> list[str]:
    """The cuts of a normalised code or query, shortest first."""
    found = {match.group(0) for pattern in _CUTS if (match := pattern.match(key))}
    return sorted(found, key=len)


KIND_ORDER = {"department": 0, "item": 1, "entry": 2}


def prefix_closeness(kind: str, codes: list[str]) -> int:
    """Tier 2's closeness (zwgk.search.ranking): 10 for a main item (basic code `SSTTDDMMM000`), else 0."""
    return 10 if kind == "item" and codes and codes[0].endswith("000") else 0


def prefix_key(kind: str, title: str, url: str, codes: list[str], withdrawn: bool, date: str) -> tuple:
    """The order of the records a code's beginning finds (tier 2 of the ranking, without the tier):
    active first, a main item before its sub-items, departments, items, entries, newer first, title,
    URL. It does not depend on the query."""
    digits = date.replace("-", "")
    number = int(digits) if digits.isdigit() else 0
    return (1 if withdrawn else 0, -prefix_closeness(kind, codes), KIND_ORDER.get(kind, 3), -number, title, url)


def record_prefix_key(record: dict) -> tuple:
    """`prefix_key` of a record as the search data hold it (zwgk.site.search_data)."""
    fields = (record.get("codes", []), record.get("withdrawn", False), record.get("date", ""))
    return prefix_key(record["kind"], record["title"], record["url"], *fields)


_EPOCH = date(2000, 1, 1).toordinal()


def quality(info: dict, with_length: bool) -> float:
    """The order of the ranking's next keys after the tier (zwgk.search.ranking.rank_key: active
    before withdrawn, closeness, departments before items before entries, newer first) as one number,
    higher first, exact in a posting's 32-bit float weight (24 bits): active (1 bit); with_length, a
    shorter title (6 bits: the closeness of a title match falls as the title grows); the kind (2 bits);
    the date (15 bits of days since 2000). Documents carry it as the boost of their title bigrams
    (with the length) and of their words (without: the text's matches rank by kind and date), and are
    added in its order, so that Whoosh finds a query's best candidates first and skips the blocks of
    postings that cannot beat them (zwgk.search.documents); pages carry it without the length as
    Pagefind's sort key `q`, by which the browser takes the pages that only the text finds."""
    value = 0 if info.get("withdrawn") else 1
    if with_length:
        value = (value << 6) | (63 - min(len(info.get("title", "")), 63))
    value = (value << 2) | (2 - min(KIND_ORDER.get(info.get("kind", ""), 2), 2))
    day = date.fromisoformat(info["date"]).toordinal() - _EPOCH if info.get("date") else 0
    return float((value << 15) + max(0, min(day, (1 << 15) - 2)) + 1)


def bigrams(text: str) -> list[str]:
    """The character bigrams of each run of Chinese characters, in order, each once (zwgk.search.ranking
    matches them; zwgk.site.title_index indexes them; zwgk-search.js `bigrams` computes the same)."""
    grams: list[str] = []
    for run in CJK_RUN.findall(text):
        grams += [run[i : i + 2] for i in range(len(run) - 1)]
    return list(dict.fromkeys(grams))


def closeness(size: int, length: int) -> int:
    """How much of a text of `length` characters a matched variant of `size` covers, 0 to 10 (the
    ranking's closeness for tiers 3 and 4)."""
    return min(10, (10 * size) // max(length, 1))
