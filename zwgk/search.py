"""The Whoosh index of every item and entry, for staff, scripts and servers (`zwgk search`,
`zwgk serve`). The public search in the browser is Pagefind's, over the built HTML.

Chinese analysis finds what people type: jieba's search-mode words (行政许可法 gives 行政, 许可, 许可法 ...)
and character bigrams (so 营许 finds 经营许可, and a query with one wrong character still shares most of
its bigrams with the right title). Exact codes, 索引号 and 文号 are kept whole in their own field and
ranked first. The index is updated incrementally: a record is rewritten only when its content changed.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.qparser import MultifieldParser
from whoosh.query import And, Or, Term

from . import urls
from .codes import implementation_code
from .loader import paused_gc
from .pages import SiteData

INDEX_VERSION = "3"
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[0-9a-zA-Z]+")
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=200_000)
def _words(fragment: str) -> tuple[str, ...]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return tuple(word.lower() for word in jieba.cut_for_search(fragment) if word.strip())


class JiebaTokenizer(Tokenizer):
    """jieba in search mode: words and the shorter words inside them. Text is segmented fragment by
    fragment (fragments are separated by newlines), and fragments repeat across thousands of records
    (department names, labels, keywords), so each is segmented once."""

    def __call__(
        self, value, positions=False, chars=False, keeporiginal=False, removestops=True, start_pos=0, start_char=0, mode="", **kwargs
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        words = [word for fragment in value.split("\n") for word in _words(fragment)]
        for position, word in enumerate(words):
            token.text = word
            token.boost = 1.0
            if positions:
                token.pos = start_pos + position
            yield token


class BigramTokenizer(Tokenizer):
    """Overlapping pairs of characters within each run of Chinese characters; latin words whole."""

    def __call__(
        self, value, positions=False, chars=False, keeporiginal=False, removestops=True, start_pos=0, start_char=0, mode="", **kwargs
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        position = start_pos
        for run in _CJK_RUN.findall(value):
            grams = [run] if (len(run) == 1 or run.isascii()) else [run[i : i + 2] for i in range(len(run) - 1)]
            for gram in grams:
                token.text = gram.lower()
                token.boost = 1.0
                if positions:
                    token.pos = position
                position += 1
                yield token


def schema() -> Schema:
    return Schema(
        key=ID(unique=True, stored=True),
        digest=STORED,
        kind=STORED,
        code=STORED,
        codes=KEYWORD(lowercase=True, commas=True, scorable=True),
        # No positions (phrase=False): no query here needs them, and they are most of the index's cost.
        # Bigrams only on titles: substrings and typos matter there; long text is found by its words.
        title=TEXT(analyzer=JiebaTokenizer(), stored=True, field_boost=3.0, multitoken_query="and", phrase=False),
        title_grams=TEXT(analyzer=BigramTokenizer(), multitoken_query="and", field_boost=2.0, phrase=False),
        text=TEXT(analyzer=JiebaTokenizer(), multitoken_query="and", phrase=False),
        department=ID(stored=True),
        department_name=STORED,
        # Only the fields that queries filter on are indexed.
        type=ID,
        topic=ID,
        year=ID,
        url=STORED,
    )


def normalise_code(value: str) -> str:
    """Codes as people type them: no spaces, half-width brackets turned into 〔〕 for 文号."""
    value = _SPACES.sub("", value).lower()
    return value.replace("[", "〔").replace("]", "〕").replace("［", "〔").replace("］", "〕").replace("(", "〔").replace(")", "〕")


def documents(site: SiteData) -> Iterator[dict]:
    """One search document per item and entry."""
    scheme = site.scheme
    for item in site.items:
        dept = site.departments[item.dept_id]
        code = implementation_code(item.basic_code, dept.region, dept.uscc)
        basis = " ".join(f"{b.title}{b.article or ''}" for b in item.basis or [])
        parts = [
            item.content,
            item.result,
            " ".join(item.conditions or []),
            dept.name,
            dept.short_name,
            item.office,
            scheme.power_types.get(item.type),
            basis,
        ]
        text = "\n".join(filter(None, parts))
        yield {
            "key": f"item:{item.dept_id}/{item.basic_code}",
            "kind": "item",
            "code": item.basic_code,
            "codes": ",".join(normalise_code(c) for c in (item.basic_code, code)),
            "title": item.name,
            "title_grams": item.name,
            "text": text,
            "department": item.dept_id,
            "department_name": dept.short_name,
            "type": item.type,
            "url": urls.item(item.dept_id, item.basic_code),
            "year": str(item.updated.year) if item.updated else "",
        }
    for entry in site.entries:
        dept = site.departments.get(entry.dept_id)
        parts = [entry.summary, *entry.keywords, entry.doc_number, dept.name if dept else "", dept.short_name if dept else ""]
        parts += [scheme.topics.get(entry.topic or ""), scheme.genres.get(entry.genre or "")]
        text = "\n".join(filter(None, parts))
        codes = [entry.index] + ([entry.doc_number] if entry.doc_number else [])
        yield {
            "key": f"entry:{entry.index}",
            "kind": "entry",
            "code": entry.index,
            "codes": ",".join(normalise_code(c) for c in codes),
            "title": entry.title,
            "title_grams": entry.title,
            "text": text,
            "department": entry.dept_id,
            "department_name": dept.short_name if dept else entry.dept_id,
            "topic": entry.topic or "",
            "year": str(entry.date.year),
            "url": site.entry_url(entry),
        }


def _digest(document: dict) -> str:
    return hashlib.sha256(repr(sorted(document.items())).encode()).hexdigest()[:20]


@dataclass
class IndexStats:
    documents: int
    added: int
    removed: int


def index_dir(site_dir: Path) -> Path:
    """The index lives beside the site, not in it: it is for servers and staff, not for publishing."""
    return site_dir.with_name(site_dir.name + ".search")


def update_index(folder: Path, site: SiteData, procs: int = 1, parallel_above: int = 5000) -> IndexStats:
    """Bring the index at `folder` up to date with the catalogue, rewriting only changed records."""
    version_file = folder / "zwgk-index-version"
    if folder.exists() and (not version_file.is_file() or version_file.read_text() != INDEX_VERSION):
        shutil.rmtree(folder)
    if not folder.exists():
        folder.mkdir(parents=True)
        whoosh_index.create_in(str(folder), schema())
        version_file.write_text(INDEX_VERSION)
    ix = whoosh_index.open_dir(str(folder))
    wanted = {}
    for document in documents(site):
        document["digest"] = _digest(document)
        wanted[document["key"]] = document
    with ix.searcher() as searcher:
        indexed = {fields["key"]: fields["digest"] for fields in searcher.all_stored_fields()}
    stale = [key for key, digest in indexed.items() if wanted.get(key, {}).get("digest") != digest]
    fresh = [document for key, document in wanted.items() if indexed.get(key) != document["digest"]]
    if stale or fresh:
        # Many new records: one writer per core, each writing its own segment (no final merge).
        parallel = len(fresh) > parallel_above and procs > 1
        with paused_gc():
            writer = ix.writer(procs=procs, multisegment=True, limitmb=256) if parallel else ix.writer(limitmb=256)
            for key in stale:
                writer.delete_by_term("key", key)
            for document in fresh:
                writer.add_document(**document)
            writer.commit()
    return IndexStats(documents=len(wanted), added=len(fresh), removed=len(stale))


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


FILTERS = ("department", "type", "topic", "year")
MAX_QUERY_CHARS = 200


class Searcher:
    """Queries over one index: exact codes first, then all words, then (for typos) most bigrams."""

    def __init__(self, folder: Path):
        if not (folder / "zwgk-index-version").is_file():
            raise FileNotFoundError(folder)
        self.ix = whoosh_index.open_dir(str(folder))
        self.words = MultifieldParser(["title", "title_grams", "text"], self.ix.schema)

    def search(self, query: str, limit: int = 10, **filters: str | None) -> list[Hit]:
        text = query.strip()
        if not text or len(text) > MAX_QUERY_CHARS:
            raise QueryError("查询为空或过长（最多 200 个字）。")
        terms = [Term(field, value) for field, value in filters.items() if value and field in FILTERS]
        restrict = And(terms) if terms else None
        plain = _plain(text)
        if not plain and not normalise_code(text):
            raise QueryError("查询中没有可以检索的文字。")
        hits: dict[str, Hit] = {}
        with self.ix.searcher() as searcher:
            exact = Term("codes", normalise_code(text))
            stages = [exact]
            if plain:
                stages.append(self.words.parse(plain))
                stages.append(_most_bigrams(plain))
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


def _most_bigrams(text: str) -> Or:
    """Documents sharing all but two of the query's bigrams: one mistyped character breaks two."""
    grams = sorted({token.text for token in BigramTokenizer()(text)})
    terms = [Term("title_grams", gram) for gram in grams]
    return Or(terms, minmatch=max(1, len(grams) - 2))


def _plain(text: str) -> str:
    """The query's words, without the query syntax people do not mean (AND, quotes, fields ...)."""
    return " ".join(_CJK_RUN.findall(text))


def canaries(site: SiteData) -> list[tuple[str, str]]:
    """Queries taken from the catalogue itself that must find their record: (query, expected code)."""
    found = []
    item = next((i for i in site.items if i.is_active), None)
    if item:
        found += [(item.name, item.basic_code), (item.basic_code, item.basic_code)]
        words = [w for w in _CJK_RUN.findall(item.name) if len(w) >= 2]
        if words:
            found.append((words[0][:2], ""))
    entry = next(iter(site.entries), None)
    if entry:
        found.append((entry.index, entry.index))
        if entry.doc_number:
            found.append((entry.doc_number, entry.index))
    return found


def failing_canaries(folder: Path, site: SiteData) -> list[str]:
    """The canary queries that return nothing, or not their record."""
    searcher = Searcher(folder)
    failures = []
    for query, expected in canaries(site):
        codes = [hit.code for hit in searcher.search(query, limit=10)]
        if not codes or (expected and expected not in codes):
            failures.append(query)
    return failures
