"""The Whoosh index's fields and the Chinese analysis: jieba's search-mode words for the text and
character bigrams for titles, names and keywords. Queries do not run jieba (loading its dictionary
takes most of a second): they split their text into words the index holds (zwgk.search.query).
"""

from __future__ import annotations

import functools
import logging
import re

from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID as _ID
from whoosh.fields import KEYWORD, STORED, TEXT, Schema

from zwgk.search.fields import CommaKeywords, WholeID, WordsText

INDEX_VERSION = "11"
CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[0-9a-zA-Z]+")
_SPACES = re.compile(r"\s+")


# Where jieba-rs and Python jieba segment differently: Latin letters or digits next to the symbols
# both take into a block (jieba-rs keeps 19001-2016, 0551-62999999 or 3-5 one word, Python jieba
# splits them at the symbol), ideographs beyond Python jieba's block (U+4E00-U+9FD5) and surrogates
# (which jieba-rs cannot take). Fragments holding any of them are Python jieba's to segment.
_RUST_DIFFERS = re.compile(r"[+#&._%\-]|[\u3400-\u4dbf\u9fd6-\u9fff\ud800-\udfff\uf900-\ufaff\U00020000-\U0010ffff]")


@functools.lru_cache(maxsize=200_000)
def jieba_words(fragment: str) -> tuple[str, ...]:
    """jieba's search-mode words of a fragment: by jieba-rs (rjieba, jieba's algorithm and dictionary
    in Rust) where it gives Python jieba's words, else by Python jieba (tests/test_search_fields.py
    compares them); at province scale 90,506 distinct fragments took 0.4 s instead of 11.2."""
    if _RUST_DIFFERS.search(fragment):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        words = jieba.cut_for_search(fragment)
    else:
        import rjieba

        words = rjieba.cut_for_search(fragment)
    return tuple(word.lower() for word in words if word.strip())


class JiebaTokenizer(Tokenizer):
    """jieba in search mode: words and the shorter words inside them. Text is segmented fragment by
    fragment (fragments are separated by newlines), and fragments repeat across thousands of records
    (department names, labels, keywords), so each is segmented once."""

    def __call__(
        self, value, positions=False, chars=False, keeporiginal=False, removestops=True, start_pos=0, start_char=0, mode="", **kwargs
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for position, word in enumerate(self.words(value)):
            token.text = word
            token.boost = 1.0
            if positions:
                token.pos = start_pos + position
            yield token

    @staticmethod
    def words(value: str) -> list[str]:
        # Each word once: a posting's weight is then the document's boost alone (zwgk.search.documents
        # `quality`), which is what queries rank candidates by.
        return list(dict.fromkeys(word for fragment in value.split("\n") for word in jieba_words(fragment)))


class BigramTokenizer(Tokenizer):
    """Overlapping pairs of characters within each run of Chinese characters; latin words whole. Each
    once per value (as the text's words: the posting's weight is the document's boost)."""

    def __call__(
        self, value, positions=False, chars=False, keeporiginal=False, removestops=True, start_pos=0, start_char=0, mode="", **kwargs
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for position, gram in enumerate(self.words(value), start_pos):
            token.text = gram
            token.boost = 1.0
            if positions:
                token.pos = position
            yield token

    @staticmethod
    def words(value: str) -> list[str]:
        grams: dict[str, None] = {}
        for run in CJK_RUN.findall(value):
            if len(run) == 1 or run.isascii():
                grams[run.lower()] = None
            else:
                grams.update(dict.fromkeys(run[i : i + 2].lower() for i in range(len(run) - 1)))
        return list(grams)


def _unscored(field):
    """A field without per-document lengths: queries score by the postings' weights alone
    (zwgk.search.query.WEIGHTING, Whoosh's Frequency), which never reads a length, and writing them
    (a length column per field, a look-up per posting at commit) cost the writer a tenth of its CPU."""
    field.scorable = False
    return field


def _stock_words_text(analyzer, **options) -> TEXT:
    return TEXT(analyzer=analyzer, phrase=False, **options)


def schema(stock: bool = False) -> Schema:
    """The index's fields; `stock` gives Whoosh's own field types instead of zwgk.search.fields's, which
    index the same terms with the same weights and values, only faster (for the tests that say so)."""
    if stock:
        ID, words_text, codes_field = _ID, _stock_words_text, KEYWORD(lowercase=True, commas=True)
    else:
        ID, words_text, codes_field = WholeID, WordsText, CommaKeywords()
    return Schema(
        key=ID(unique=True, stored=True),
        digest=STORED,
        kind=ID(stored=True),
        code=STORED,
        codes=codes_field,
        # No positions (phrase=False): no query here needs them, and they are most of the index's cost.
        # Bigrams only on titles: substrings and typos matter there; long text is found by its words.
        # Titles are indexed as character bigrams only: they find every word and compound in a title,
        # and substrings across word boundaries, with fewer postings than words and bigrams together.
        title=STORED,
        # Each posting's weight is the document's boost for the field (documents.quality): queries
        # score by it (Whoosh's Frequency weighting), not by BM25.
        title_grams=_unscored(words_text(BigramTokenizer(), multitoken_query="and")),
        text=_unscored(words_text(JiebaTokenizer(), multitoken_query="and")),
        department=ID(stored=True),
        department_name=STORED,
        # Only the fields that queries filter on are indexed.
        region=ID,
        type=ID,
        topic=ID,
        genre=ID,
        year=ID,
        mode=ID,
        validity=ID,
        # YYYYMMDD (entries: 生成日期; items: 最近复核日期), for sorting by date.
        date=ID(sortable=True),
        # zwgk.search.ranking.prefix_order: the order of the records a code's beginning finds.
        prefix_order=ID(sortable=True),
        url=STORED,
        # What the results show and the ranking reads (zwgk.search.ranking): names, codes, status ...
        info=STORED,
    )


FILTERS = ("kind", "department", "region", "type", "topic", "genre", "year", "mode", "validity")


def bigrams_of(text: str) -> list[str]:
    return sorted(set(BigramTokenizer.words(text)))


def plain_words(text: str) -> str:
    """The query's words, without the query syntax people do not mean (AND, quotes, fields ...)."""
    return " ".join(CJK_RUN.findall(text))
