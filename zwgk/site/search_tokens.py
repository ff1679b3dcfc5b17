"""The search tokens the browser must compute exactly alike (content/assets/javascripts/zwgk-search.js):
character bigrams of Chinese text, the start of a 索引号, and (from zwgk.site.lookup) the normalised
exact code and its shard.

Pagefind segments Chinese into words, so it misses substrings that cross a word boundary (营许 in
经营许可) and titles with one mistyped character. Each title therefore also carries its character
bigrams as ASCII tokens (`zg` + the two code points in hex): the browser computes the same tokens
from the query when the words find too little. `gram_tokens`, `index_tokens`, `normalise_code` and
`shard_of` must match the script.
"""

from __future__ import annotations

import re

from zwgk.site.lookup import CJK_RUN, normalise_code, shard_of

__all__ = ["gram_tokens", "gram_weight", "index_tokens", "normalise_code", "shard_of"]  # the last two defined in zwgk.site.lookup


def gram_tokens(text: str) -> list[str]:
    """The character bigrams of each run of Chinese characters, as ASCII tokens, in order."""
    tokens = []
    for run in CJK_RUN.findall(text):
        # The runs hold only characters of the Basic Multilingual Plane, so the UTF-16 code units in hex
        # are the code points, four digits each: a bigram is eight digits starting at every fourth.
        digits = run.encode("utf-16-be").hex()
        tokens += ["zg" + digits[start : start + 8] for start in range(0, len(digits) - 4, 4)]
    return tokens


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
