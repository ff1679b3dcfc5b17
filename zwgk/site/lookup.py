"""The exact-code lookup's two functions, kept in a module of their own that imports next to nothing:
`zwgk search` uses them to answer an exact code from the site's shards in a fraction of a second.
content/assets/javascripts/zwgk-search.js computes the same (`normaliseCode`, `shardOf`)."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
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
