"""How both searches order their results: one description, implemented here for the Whoosh index
(`zwgk search`, `/api/search`) and in content/assets/javascripts/zwgk-search.js for the browser
(`rankKey`, `variants`, `highlight`); tests run the same records and queries through both.

A record, for ranking: its kind (department, item, entry), title, names (an item's aliases, a
department's short name), keywords (an entry's), codes (normalised: basic and implementation code,
索引号 and 文号, a department's USCC), whether it is withdrawn (an item cancelled or merged, an entry
失效 or 废止), date (YYYY-MM-DD or "") and URL.

The query becomes its variants: itself, then itself with each word of a synonym group it holds
replaced by each other word of the group (scheme.yml `synonyms`). A record's match is the best over
the variants:

- tier 0, the code: the query is one of its codes;
- tier 1, the name: a variant is its title or one of its names;
- tier 2, a code's beginning: the query (at least 4 characters, with a digit or 〔) begins one of its
  codes (a partial 文号 or 索引号 finds that publisher's records; the browser fetches them from the
  prefix lookup, zwgk.site.prefix_lookup, which lists them in this order);
- tier 3, in the name: a variant is part of its title or one of its names;
- tier 4, the name's bigrams: every character bigram of a variant is in its title, names or keywords;
- tier 5, anything else the search found (words of the text, a title with one mistyped character).

Then, within a tier: active before withdrawn; closeness higher first (0 to 10: tiers 0 and 1 count
10; tiers 3 and 4 how much of the text the variant covers, 10 * len(variant) // len(text), the title
or, for tier 3, the name holding it; tier 2 10 for a main item (basic code ending in 000) and 0 for
anything else, so that the main item comes before its sub-items and the newest entries come first,
whatever the length of the query (zwgk.site.lookup.prefix_key: the order does not depend on the query, so that a
list of a code's beginning made at build time holds the first results of any longer query); tier 5 how many of a
variant's bigrams the title, names and keywords hold, 10 * shared // all); departments, items, entries; newer first; title, then URL. Sorting by date
puts the date first and keeps the rest.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from zwgk.site.lookup import CJK_RUN, KIND_ORDER, bigrams, closeness, prefix_closeness, record_prefix_key

_SPACES = re.compile(r"\s+")
_OPENING = str.maketrans({"[": "〔", "(": "〔", "【": "〔", "（": "〔", "]": "〕", ")": "〕", "】": "〕", "）": "〕"})
_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[0-9a-z]{2,}")
_CODE_LIKE = re.compile(r"[0-9〔]")
TIERS = ("code", "name", "code-prefix", "in-name", "bigrams", "other")
MAX_VARIANTS = 8


@functools.lru_cache(maxsize=65_536)
def normalise(value: str) -> str:
    """Text and codes as people type them: full-width forms folded (NFKC), no spaces, lower case,
    every kind of bracket turned into 〔〕 (as the code lookup does: zwgk.site.static_search)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", value)).lower().translate(_OPENING)


@functools.lru_cache(maxsize=4096)
def _variant_bigrams(variant: str) -> tuple[str, ...]:
    """A query variant's bigrams (the same variants are matched against every candidate)."""
    return tuple(bigrams(variant))


def variants(query: str, synonyms: list[list[str]]) -> list[str]:
    """The normalised query, then the query with one synonym put for another (at most MAX_VARIANTS)."""
    base = normalise(query)
    found = [base]
    for group in synonyms:
        words = [normalise(word) for word in group if normalise(word)]
        for word in words:
            if word in base:
                for other in words:
                    if other != word:
                        found.append(base.replace(word, other))
    return list(dict.fromkeys(found))[:MAX_VARIANTS]


@dataclass
class Record:
    kind: str
    title: str
    url: str
    names: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    withdrawn: bool = False
    date: str = ""


def match(query_variants: list[str], record: Record) -> tuple[int, int]:
    """(tier, closeness) of the record's best match with the query's variants."""
    code = query_variants[0]
    codes = [normalise(c) for c in record.codes if c]
    title = normalise(record.title)
    names = [normalise(n) for n in record.names if n]
    if code in codes:
        return 0, 10
    grams = set(bigrams("\n".join([title, *names, *(normalise(k) for k in record.keywords)])))
    best = (5, -max(_overlap(variant, grams) for variant in query_variants))
    if len(code) >= 4 and _CODE_LIKE.search(code) and any(c.startswith(code) for c in codes):
        best = (2, -_prefix_closeness(record))
    for variant in query_variants:
        if not variant:
            continue
        holders = [text for text in (title, *names) if variant in text]
        if variant == title or variant in names:
            tier, closeness = 1, 10
        elif holders:
            tier, closeness = 3, max(_closeness(variant, text) for text in holders)
        elif (own := _variant_bigrams(variant)) and all(g in grams for g in own):
            tier, closeness = 4, _closeness(variant, title)
        else:
            continue
        best = min(best, (tier, -closeness))
    return best[0], -best[1]


CJK_ONLY = CJK_RUN  # fullmatch: a variant of Chinese characters only


def name_match(variant: str, record: Record) -> tuple[int, int]:
    """`match` of a record known to hold every bigram of the one variant (of Chinese characters only)
    in its title, names or keywords: tier 1, 3 or 4, without computing the bigrams."""
    title = normalise(record.title)
    names = [normalise(n) for n in record.names if n]
    if variant == title or variant in names:
        return 1, 10
    holders = [text for text in (title, *names) if variant in text]
    if holders:
        return 3, max(_closeness(variant, text) for text in holders)
    return 4, _closeness(variant, title)


def _overlap(variant: str, grams: set[str]) -> int:
    """How many of the variant's bigrams the record's title, names and keywords hold, 0 to 10."""
    own = _variant_bigrams(variant)
    return (10 * sum(1 for g in own if g in grams)) // len(own) if own else 0


def _prefix_closeness(record: Record) -> int:
    return prefix_closeness(record.kind, record.codes)


def prefix_order(record: dict) -> str:
    """lookup.prefix_key of a record (as the search data hold it) as a string that sorts the same:
    the Whoosh index sorts a code's beginning by it. After the URL (unique, so it does not change the
    order), the record's names: the title stage ranks every match from this column alone
    (zwgk.search.query, `order_record`) rather than reading each stored record."""
    withdrawn, closeness, kind, date, title, url = record_prefix_key(record)
    names = "\x01".join(record.get("aliases", []))
    return f"{withdrawn}{closeness + 10:02d}{kind}{99_999_999 + date:08d}{title}\x00{url}\x00{names}"


def order_record(order: str) -> tuple[Record, str, str]:
    """The ranking's record (without codes and keywords), the withdrawal digit and the kind digit of a
    `prefix_order` string; the date's digits are order[4:12]."""
    title, url, names = [*order[12:].split("\x00"), "", ""][:3]
    kind = {"0": "department", "1": "item", "2": "entry"}.get(order[3], "")
    record = Record(kind=kind, title=title, url=url, names=names.split("\x01") if names else [], withdrawn=order[0] == "1")
    return record, order[0], order[3]


def _closeness(variant: str, title: str) -> int:
    return closeness(len(variant), len(title))


def _date_number(date: str) -> int:
    digits = date.replace("-", "")
    return int(digits) if digits.isdigit() else 0


def rank_key(query_variants: list[str], record: Record, by_date: bool = False) -> tuple:
    """The sort key of a record for a query (its variants): smaller first."""
    tier, closeness = match(query_variants, record)
    date = -_date_number(record.date)
    key = (tier, 1 if record.withdrawn else 0, -closeness, KIND_ORDER.get(record.kind, 3), date, record.title, record.url)
    return (date, *key) if by_date else key


def score(key: tuple, by_date: bool = False) -> float:
    """A number that falls as the key rises (for the JSON's `score`): tier, withdrawal, closeness."""
    tier, withdrawn, closeness = key[1:4] if by_date else key[:3]
    return round((len(TIERS) - tier) * 10 + (0 if withdrawn else 5) - closeness * 0.4, 1)


def highlight_spans(text: str, query_variants: list[str]) -> list[tuple[int, int]]:
    """Where the query's words are in `text`: the characters covered by a bigram of a variant, or by a
    latin word or number of two or more characters (case-insensitive), merged into (start, end) spans."""
    folded = unicodedata.normalize("NFKC", text).lower()
    if len(folded) != len(text):  # a character that folds into several: mark nothing rather than the wrong place
        folded = text.lower()
    grams: set[str] = set()
    words: set[str] = set()
    for variant in query_variants:
        grams.update(bigrams(variant))
        words.update(w for w in _WORD.findall(variant) if w.isascii())
    marked = [False] * len(text)
    for i in range(len(folded) - 1):
        if folded[i : i + 2] in grams:
            marked[i] = marked[i + 1] = True
    for word in words:
        start = folded.find(word)
        while start >= 0:
            for i in range(start, start + len(word)):
                marked[i] = True
            start = folded.find(word, start + 1)
    spans: list[tuple[int, int]] = []
    for i, on in enumerate(marked):
        if on and spans and spans[-1][1] == i:
            spans[-1] = (spans[-1][0], i + 1)
        elif on:
            spans.append((i, i + 1))
    return spans


EXCERPT_CHARS = 80


def excerpt(text: str, query_variants: list[str]) -> str:
    """At most EXCERPT_CHARS characters of `text` around the first match, HTML-escaped, the query's
    words in <mark>."""
    from html import escape

    spans = highlight_spans(text, query_variants)
    start = max(0, spans[0][0] - EXCERPT_CHARS // 4) if spans else 0
    end = min(len(text), start + EXCERPT_CHARS)
    parts = ["…" if start else ""]
    at = start
    for left, right in spans:
        left, right = max(left, start), min(right, end)
        if left >= right:
            continue
        parts += [escape(text[at:left]), "<mark>", escape(text[left:right]), "</mark>"]
        at = right
    parts += [escape(text[at:end]), "…" if end < len(text) else ""]
    return "".join(parts)
