"""The search tokens the browser must compute exactly alike (content/assets/javascripts/zwgk-search.js):
character bigrams of Chinese text, the start of a 索引号, and (from zwgk.site.lookup) the normalised
exact code and its shard.

Pagefind segments Chinese into words, so it misses substrings that cross a word boundary (营许 in
经营许可) and titles with one mistyped character. Each title therefore also carries its character
bigrams as ASCII tokens (`zg` + each character's place in the Chinese ranges, three base-36 digits): the browser computes the same tokens
from the query when the words find too little. `gram_tokens`, `index_tokens`, `normalise_code` and
`shard_of` must match the script.
"""

from __future__ import annotations

import re

from zwgk.site.lookup import CJK_RUN, normalise_code, shard_of

__all__ = [
    "gram_tokens",
    "gram_weight",
    "index_tokens",
    "normalise_code",
    "page_index_tokens",
    "shard_of",
]  # the last two defined in zwgk.site.lookup


def _base36(value: int, width: int) -> str:
    digits = ""
    for _ in range(width):
        value, digit = divmod(value, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
    return digits


def _slot(code: int) -> int:
    """A character of a Chinese run (zwgk.site.lookup.CJK_RUN) as a number below 28,160 (36³ = 46,656)."""
    return code - 0x3400 if code <= 0x9FFF else code - 0xF900 + 0x6C00


# Each character of a Chinese run as three base-36 digits: a bigram is `zg` + six digits, eight
# characters instead of the ten of two code points in hex (a catalogue page carries some 1,000 tokens).
_DIGITS = {code: _base36(_slot(code), 3) for code in [*range(0x3400, 0xA000), *range(0xF900, 0xFB00)]}


def gram_tokens(text: str) -> list[str]:
    """The character bigrams of each run of Chinese characters, as ASCII tokens, in order of their
    first occurrence, each once (Pagefind reads a page's words, not their counts: zwgk-search.js
    ranks the pages it finds itself)."""
    tokens = []
    for run in CJK_RUN.findall(text):
        digits = run.translate(_DIGITS)  # three digits a character: a bigram is six starting at every third
        tokens += ["zg" + digits[start : start + 6] for start in range(0, len(digits) - 3, 3)]
    return list(dict.fromkeys(tokens))


def gram_weight(title: str, withdrawn: bool = False) -> float:
    """A query's bigrams matter more in a short title than in a long one (the query covers more of it:
    食品 is more likely 食品经营许可 than 食品安全违法行为举报奖励), and a withdrawn item's page comes last."""
    weight = max(0.3, min(3.0, 12 / max(len(title), 1)))
    return round(weight * (0.2 if withdrawn else 1.0), 2)


_INDEX_START = re.compile(r"^([0-9a-z]{9}|[0-9a-z]{18})/(\d{4})")


def index_tokens(index: str) -> list[str]:
    """Tokens for the start of a 索引号: `zi` + the publisher's code, and the same + `y` + the year, so
    that a partial 索引号 (11340000002500113R/2025) finds that publisher's entries. The browser makes
    the same from the query."""
    found = _INDEX_START.match(normalise_code(index))
    return [f"zi{found.group(1)}", f"zi{found.group(1)}y{found.group(2)}"] if found else []


def page_index_tokens(indexes: list[str]) -> list[str]:
    """A catalogue page's 索引号 tokens: those of each of its entries' 索引号, each once (most pages'
    entries share one publisher and year: two tokens for the page instead of two for each entry, 4 MiB
    at province scale). They sit before the page's first entry heading, so Pagefind finds the page,
    not the entries' sub-results: zwgk-search.js `indexSubResults` takes the page's entries whose
    索引号 begins as the query does, from the page's headings."""
    return list(dict.fromkeys(token for index in indexes for token in index_tokens(index)))
