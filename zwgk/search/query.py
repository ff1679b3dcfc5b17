"""Queries over the Whoosh index: exact codes first, then a title holding every bigram, then all
words, then (for typos) most bigrams.
"""

from __future__ import annotations

import pickle
import struct
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.qparser import MultifieldParser
from whoosh.query import And, Or, Term

from zwgk.search.schema import FILTERS, bigrams_of, plain_words
from zwgk.site.static_search import normalise_code


@dataclass(frozen=True)
class Hit:
    kind: str
    code: str
    title: str
    department: str
    url: str
    score: float

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "code": self.code,
            "title": self.title,
            "department": self.department,
            "url": self.url,
            "score": round(self.score, 3),
        }


class QueryError(ValueError):
    """A query that cannot be searched (empty, too long, or only punctuation)."""


MAX_QUERY_CHARS = 200

# What Whoosh raises reading a damaged index (a truncated or overwritten segment or table of contents,
# a missing file): the index must then be rebuilt. A Whoosh LockError is not damage.
DAMAGE = (EOFError, OSError, struct.error, pickle.UnpicklingError, zlib.error, ValueError, LookupError, whoosh_index.IndexError)


def error_kind(error: BaseException) -> str:
    name = type(error).__name__
    return f"{type(error).__module__}.{name}" if name == "error" else name  # struct.error, zlib.error


class IndexDamaged(Exception):
    """The index cannot be read; the message says so in Chinese and how to rebuild it."""

    def __init__(self, folder: Path, error: BaseException):
        super().__init__(
            f"检索索引 {folder} 已损坏，无法读取（{error_kind(error)}）：请运行 zwgk index 重建它"
            "（zwgk build 和 mkdocs build 会自动重建）。"
        )


def open_searcher(folder: Path):
    """The Whoosh index at `folder` and a searcher over it, or IndexDamaged."""
    try:
        ix = whoosh_index.open_dir(str(folder))
        searcher = ix.searcher()
        searcher.doc_count()
    except DAMAGE as error:
        raise IndexDamaged(folder, error) from None
    return ix, searcher


def damage(folder: Path) -> str:
    """The kind of error reading the index at `folder` fails with ("" when it can be read)."""
    try:
        ix = whoosh_index.open_dir(str(folder))
        with ix.searcher() as searcher:
            searcher.doc_count()
    except DAMAGE as error:
        return error_kind(error)
    return ""


class Searcher:
    """Queries over one index: exact codes first, then all words, then (for typos) most bigrams.

    The Whoosh searcher stays open between queries (opening one costs more than most queries) and
    is refreshed when the index has changed; a lock makes one Searcher safe to share between the
    server's threads."""

    def __init__(self, folder: Path):
        if not (folder / "zwgk-index-version").is_file():
            raise FileNotFoundError(folder)
        self.folder = folder
        self.ix, self._searcher = open_searcher(folder)
        self.words = MultifieldParser(["title_grams", "text"], self.ix.schema)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._searcher.close()

    def search(self, query: str, limit: int = 10, **filters: str | None) -> list[Hit]:
        text = query.strip()
        if not text or len(text) > MAX_QUERY_CHARS:
            raise QueryError("查询为空或过长（最多 200 个字）。")
        terms = [Term(field, value) for field, value in filters.items() if value and field in FILTERS]
        restrict = And(terms) if terms else None
        plain = plain_words(text)
        if not plain and not normalise_code(text):
            raise QueryError("查询中没有可以检索的文字。")
        try:
            return self._search(text, limit, plain, restrict)
        except DAMAGE as error:
            raise IndexDamaged(self.folder, error) from None

    def _search(self, text: str, limit: int, plain: str, restrict) -> list[Hit]:
        hits: dict[str, Hit] = {}
        with self._lock:
            if not self._searcher.up_to_date():
                self._searcher.close()
                self._searcher = self.ix.searcher()
            searcher = self._searcher
            exact = Term("codes", normalise_code(text))
            stages = [exact]
            if plain:
                # A title holding every bigram of the query first: when it fills the page, the
                # larger union with the text (tens of thousands of records for common words) is
                # never scored.
                grams = bigrams_of(plain)
                if grams:
                    stages.append(And([Term("title_grams", gram) for gram in grams]))
                stages.append(self.words.parse(plain))
                stages.append(most_bigrams(plain))
            for stage in stages:
                if len(hits) >= limit:
                    break
                results = searcher.search(stage, limit=limit, filter=restrict)
                for result in results:
                    hits.setdefault(
                        result["key"],
                        Hit(result["kind"], result["code"], result["title"], result["department_name"], result["url"], result.score),
                    )
        return list(hits.values())[:limit]


def most_bigrams(text: str) -> Or:
    """Documents sharing all but two of the query's bigrams: one mistyped character breaks two."""
    grams = bigrams_of(text)
    terms = [Term("title_grams", gram) for gram in grams]
    return Or(terms, minmatch=max(1, len(grams) - 2))
