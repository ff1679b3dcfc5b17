"""Queries over the Whoosh index. The index finds the candidates, stage by stage (exact codes, the
beginning of a code, titles and names holding every bigram, the words of the text, titles sharing
most bigrams); zwgk.search.ranking orders them, as the browser's search does.

No jieba here: the query's Chinese is split into the words the index's text field holds (fewest
words covering it), so that the query and the index agree without loading jieba's dictionary.
"""

from __future__ import annotations

import itertools
import json
import pickle
import struct
import threading
import zlib
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.collectors import FilterCollector, TopCollector
from whoosh.matching.wrappers import WrappingMatcher
from whoosh.query import And, Or, Prefix, Term

from zwgk.search import ranking
from zwgk.search.hits import Hit, Page, page, ranking_record
from zwgk.search.schema import CJK_RUN, FILTERS, bigrams_of, plain_words

SYNONYMS_FILE = "zwgk-synonyms.json"
__all__ = ["Hit", "IndexDamaged", "Page", "QueryError", "Searcher"]


class QueryError(ValueError):
    """A query that cannot be searched (empty, too long, or only punctuation)."""


MAX_QUERY_CHARS = 200
SORTS = ("relevance", "date")
MAX_CANDIDATES = 400
# A title stage with at most this many matches takes them all: the ranking's first keys (tier,
# closeness) do not follow Whoosh's order, so that a cut by it could miss the first record (the
# browser's first pass, zwgk.site.title_index, ranks every candidate too).
EXACT_CANDIDATES = 3000


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


# A posting's weight is its document's boost (zwgk.search.documents.quality: the ranking's keys after
# the tier), and a match scores the sum of its postings' weights: Whoosh then keeps the best
# candidates by the ranking's own order and skips the blocks of postings that cannot beat them,
# rather than computing BM25, which the ranking does not use, for every match.
WEIGHTING = scoring.Frequency()


class _QualityEveryStep(WrappingMatcher):
    """Asks the collector to check block quality after every step. Whoosh checks it again only when
    `next()` says a new block began, and the matcher that hides a segment's deleted documents
    (FilterMatcher) never says so: after one incremental update every match of a common word was
    scored, five times the query time."""

    def next(self):
        self.child.next()
        return True


class _Best(TopCollector):
    """Whoosh's top-N collector, which also knows the score to beat as soon as it holds N documents
    (Whoosh's own learns it only when a later document beats one of them, which never happens when
    the documents come best first: it then scores every match)."""

    def set_subsearcher(self, subsearcher, offset):
        super().set_subsearcher(subsearcher, offset)
        self._reader = subsearcher.reader()
        self._deletions = self._reader.has_deletions()
        if self._deletions:
            self.matcher = _QualityEveryStep(self.matcher)

    def collect(self, sub_docnum):
        # Skipping by block quality can stop on a deleted document (FilterMatcher filters only in next).
        if self._deletions and self._reader.is_deleted(sub_docnum):
            return None
        return super().collect(sub_docnum)

    def _collect(self, global_docnum, score):
        key = super()._collect(global_docnum, score)
        if len(self.items) >= self.limit:
            self.minscore = self.items[0][0]
        return key


def _search(searcher, query, limit: int, restrict, options: dict):
    """The best `limit` matches of `query` (sorted by `options` when given), among `restrict`."""
    if options:
        return searcher.search(query, limit=limit, filter=restrict, **options)
    collector = _Best(limit=limit)
    searcher.search_with_collector(query, FilterCollector(collector, allow=restrict) if restrict is not None else collector)
    return collector.results()


def open_searcher(folder: Path):
    """The Whoosh index at `folder` and a searcher over it, or IndexDamaged."""
    try:
        ix = whoosh_index.open_dir(str(folder))
        searcher = ix.searcher(weighting=WEIGHTING)
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
    """Queries over one index. The Whoosh searcher stays open between queries (opening one costs more
    than most queries) and is refreshed when the index has changed; a lock makes one Searcher safe to
    share between the server's threads."""

    def __init__(self, folder: Path):
        if not (folder / "zwgk-index-version").is_file():
            raise FileNotFoundError(folder)
        self.folder = folder
        self.ix, self._searcher = open_searcher(folder)
        synonyms = folder / SYNONYMS_FILE
        self.synonyms: list[list[str]] = json.loads(synonyms.read_text(encoding="utf-8")) if synonyms.is_file() else []
        self._lock = threading.Lock()

    def close(self) -> None:
        self._searcher.close()

    def search(self, query: str, limit: int = 10, **filters: str | None) -> list[Hit]:
        return self.find(query, limit=limit, **filters).hits

    def find(self, query: str, limit: int = 10, offset: int = 0, sort: str = "relevance", **filters: str | None) -> Page:
        try:
            return self._find(query, limit, offset, sort, **filters)
        except QueryError:
            raise
        except DAMAGE as error:
            raise IndexDamaged(self.folder, error) from None

    def _find(self, query: str, limit: int, offset: int, sort: str, **filters: str | None) -> Page:
        text = query.strip()
        if not text or len(text) > MAX_QUERY_CHARS:
            raise QueryError("查询为空或过长（最多 200 个字）。")
        if sort not in SORTS:
            raise QueryError("sort 应为 relevance（相关程度）或 date（日期）。")
        if not plain_words(text) and not ranking.normalise(text):
            raise QueryError("查询中没有可以检索的文字。")
        terms = [Term(name, value) for name, value in filters.items() if value and name in FILTERS]
        restrict = And(terms) if terms else None
        variants = ranking.variants(text, self.synonyms)
        # Each stage's best `wanted` by Whoosh's score (WEIGHTING) are ranked. Few enough for Whoosh to skip blocks
        # that cannot make the cut (the cost of a common word), enough for the groups to fill a page.
        # A page of results is the slice of the same query asked for every result up to its end.
        shown = offset + limit
        wanted = min(MAX_CANDIDATES, 2 * shown)
        by_date = sort == "date"
        found: dict[int, dict] = {}  # by document number: a record found again is not read again
        estimate = 0
        with self._lock:
            if not self._searcher.up_to_date():
                self._searcher.close()
                self._searcher = self.ix.searcher(weighting=WEIGHTING)
            searcher = self._searcher
            ran = []
            exhausted, cut = True, False
            titles = None
            for stage in self._stages(searcher, variants):
                if isinstance(stage, Or) and getattr(stage, "zwgk_titles", False):
                    titles = stage
                # An exact code answers alone (as the site's code lookup and `zwgk search` do).
                # Later stages add only weaker matches (tier 5), which rank after what is found: once
                # the page is full they cannot change it.
                if _groups(found) >= shown or (found and len(ran) == 1):
                    exhausted = False
                    break
                ran.append(stage)
                # A code's beginning (tier 2) is ranked in an order that does not depend on the query
                # (ranking.prefix_order): take the first in that order, not Whoosh's.
                options = {"sortedby": "date", "reverse": True} if by_date else {}
                if isinstance(stage, Prefix) and not by_date:
                    options = {"sortedby": "prefix_order"}
                if stage is titles and restrict is None and not by_date:
                    taken = _every_title_match(searcher, stage, variants, shown)
                    if taken is not None:
                        for docnum in taken[0]:
                            if docnum not in found:
                                found[docnum] = searcher.stored_fields(docnum)
                        estimate = max(estimate, taken[1])
                        continue
                # One item done by many departments is many records and one result: a stage whose
                # records make too few results is asked again for more (up to MAX_CANDIDATES).
                asked = wanted
                while True:
                    results = _search(searcher, stage, asked, restrict, options)
                    for result in results:
                        if result.docnum not in found:
                            found[result.docnum] = result.fields()
                    # Counting every match of a common word costs as much as the search: the estimate will do.
                    estimate = max(estimate, results.estimated_length())
                    full = results.scored_length() >= asked
                    if not full or asked >= MAX_CANDIDATES or _groups(found) >= shown or (found and len(ran) == 1):
                        break
                    # Every match when there are few (each search scores every match anyway), else as
                    # many more as the results found so far suggest a page needs.
                    more = asked * max(2, -(-shown // max(1, _groups(found))))
                    asked = min(
                        MAX_CANDIDATES, max(more, results.estimated_length()) if results.estimated_length() <= MAX_CANDIDATES else more
                    )
                cut = cut or full
            complete = exhausted and not cut
            total = len(found) if complete else max(len(found), estimate)
        result = page([fields["info"] for fields in found.values()], variants, by_date, offset, limit)
        if total > len(found):  # the candidates were cut: the groups among the rest are not known
            result.total = total - (len(found) - result.total)
        return result

    def _stages(self, searcher, variants: list[str]):
        """The candidate queries, best first; each is built only when the one before left room."""
        code = variants[0]
        yield Term("codes", code)
        if len(code) >= 4 and any(c.isdigit() or c == "〔" for c in code):
            yield Prefix("codes", code)
        words = [plain_words(v) for v in variants]
        grams = [And([Term("title_grams", g) for g in bigrams_of(w)]) for w in words if bigrams_of(w)]
        if grams:
            titles = Or(grams)
            titles.zwgk_titles = True  # the title stage: every match is taken when there are few
            yield titles
        reader = searcher.reader()
        texts = [pieces for w in words if w for pieces in [segment(reader, w)] if pieces]
        if texts:
            yield Or([And([Term("text", piece) for piece in pieces]) for pieces in texts])
        if words[0]:
            yield most_bigrams(words[0])


def _every_title_match(searcher, stage, variants: list[str], shown: int) -> tuple[list[int], int] | None:
    """The title stage exactly, when it has at most EXACT_CANDIDATES matches: every match is ranked
    (tier, closeness, then the keys that ranking.prefix_order holds) from the prefix_order column,
    which holds the title and names; the stored records are read only for the first `shown` results
    (and their twins), and for an entry whose keywords might decide its tier. Returns (document
    numbers, matches)."""
    # Listing the matches decodes the postings of every bigram (tens of milliseconds for a common one):
    # only when the rarest bigram of each variant says there are few. Then the browser's first pass,
    # which ranks every match, and this agree; above it both take the best by the same keys.
    bound = sum(min(searcher.doc_frequency(t.fieldname, t.text) for t in conj.leaves()) for conj in stage.subqueries)
    if bound > EXACT_CANDIDATES:
        return None
    matches = list(itertools.islice(searcher.docs_for_query(stage), EXACT_CANDIDATES + 1))
    if len(matches) > EXACT_CANDIDATES:
        return None
    column = searcher.reader().column_reader("prefix_order")
    keyed = []
    # One variant of Chinese characters only: every match holds all its bigrams (tier 4 at worst).
    only = variants[0] if len(variants) == 1 and ranking.CJK_ONLY.fullmatch(variants[0]) else ""
    for docnum in matches:
        order = column[docnum]
        record, withdrawn, kind = ranking.order_record(order)
        tier, closeness = ranking.name_match(only, record) if only else ranking.match(variants, record)
        # Keywords (an entry's) only make a tier 4 of what the title and names leave in tier 5, or
        # (with several variants) a closer tier 4: then the stored record decides.
        if tier > 3 and (tier == 5 or len(variants) > 1):
            tier, closeness = ranking.match(variants, ranking_record(searcher.stored_fields(docnum)["info"]))
        group = (record.url.split("/")[2], record.title) if kind == "1" else (record.url,)
        keyed.append(((tier, withdrawn, -closeness, kind, order[4:12], record.title, record.url), group, docnum))
    keyed.sort()
    firsts: set[tuple] = set()
    for _, group, _ in keyed:
        if len(firsts) >= shown:
            break
        firsts.add(group)
    return [docnum for _, group, docnum in keyed if group in firsts], len(matches)


def _groups(found: dict[int, dict]) -> int:
    """How many results the records found make (an item done by several departments is one)."""
    return len({(f["info"].get("group"), f["title"]) if f["kind"] == "item" else f["key"] for f in found.values()})


def segment(reader, words: str) -> list[str] | None:
    """The fewest words of the index's text field that cover the query's words (runs of Chinese
    characters, latin words and numbers), or None when some part is in no indexed word at all."""
    pieces: list[str] = []
    for run in CJK_RUN.findall(words.lower()):
        if run.isascii():
            if ("text", run) not in reader:
                return None
            pieces.append(run)
            continue
        best: list[list[str] | None] = [[]] + [None] * len(run)
        for end in range(1, len(run) + 1):
            for start in range(max(0, end - 8), end):
                before, current = best[start], best[end]
                if before is not None and (current is None or len(before) + 1 < len(current)) and ("text", run[start:end]) in reader:
                    best[end] = [*before, run[start:end]]
        if best[-1] is None:
            return None
        pieces += best[-1]
    return list(dict.fromkeys(pieces))


def most_bigrams(text: str) -> Or:
    """Documents sharing all but two of the query's bigrams: one mistyped character breaks two."""
    grams = bigrams_of(text)
    terms = [Term("title_grams", gram) for gram in grams]
    return Or(terms, minmatch=max(1, len(grams) - 2))
