"""Whoosh field types that index without Whoosh's token stream. Whoosh's `FieldType.index` runs the
analyzer as a stream of Token objects through `unstopped` and counts them in its format
(`Frequency.word_values`, `Existence.word_values`); for the fields here that machinery was most of
the background writer's CPU. These types compute the same (term bytes, frequency, weight, value)
tuples straight from the words, in the same order; queries still analyse their text with the
fields' analyzers. tests/test_search_fields.py checks that an index written with them holds exactly
what the stock types write."""

from __future__ import annotations

import re

from whoosh.analysis import IDTokenizer
from whoosh.fields import ID, KEYWORD, TEXT
from whoosh.system import pack_uint

_ONCE = pack_uint(1)  # Frequency's value of a word seen once in a value
_COMMA_ITEM = re.compile(r"[^,]+")  # whoosh.analysis.CommaSeparatedTokenizer's expression


class WordsText(TEXT):
    """TEXT without positions (Whoosh's Frequency format) over an analyzer whose `words(value)` gives
    each word of the value once (zwgk.search.schema's tokenizers): each word's frequency is then 1
    and its weight the field boost, as Frequency counts them."""

    def __init__(self, analyzer, **options):
        super().__init__(analyzer=analyzer, phrase=False, **options)

    def index(self, value, **kwargs):
        if kwargs or not isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        weight = 1.0 * self.format.field_boost  # Frequency: the sum of the tokens' boosts (1.0) times it
        for word in self.analyzer.words(value):
            yield word.encode("utf-8"), 1, weight, _ONCE


class WholeID(ID):
    """ID (Whoosh's IDTokenizer and Existence format): the whole value is the one term."""

    def index(self, value, **kwargs):
        # The fast path is IDTokenizer's: a lowercasing or other analyzer goes the stock way.
        if kwargs or not isinstance(value, str) or type(self.analyzer) is not IDTokenizer:
            yield from super().index(value, **kwargs)
            return
        yield value.encode("utf-8"), 1, self.format.field_boost, b""


class CommaKeywords(KEYWORD):
    """KEYWORD(lowercase=True, commas=True): comma-separated items, stripped and lowercased, counted
    as Whoosh's Frequency format counts them (a repeated item has frequency and weight 2)."""

    def __init__(self, **options):
        super().__init__(lowercase=True, commas=True, **options)

    def index(self, value, **kwargs):
        if kwargs or not isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        counts: dict[str, int] = {}
        for match in _COMMA_ITEM.findall(value):
            item = match.strip().lower()
            counts[item] = counts.get(item, 0) + 1
        boost = self.format.field_boost
        for item, count in counts.items():
            yield item.encode("utf-8"), count, float(count) * boost, pack_uint(count)
