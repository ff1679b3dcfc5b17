"""The Whoosh index of every item and entry, for staff, scripts and servers (`zwgk search`,
`zwgk serve`). The public search in the browser is Pagefind's, over the built HTML.

Chinese analysis finds what people type: jieba's search-mode words (行政许可法 gives 行政, 许可, 许可法 ...)
and character bigrams (so 营许 finds 经营许可, and a query with one wrong character still shares most of
its bigrams with the right title). Exact codes, 索引号 and 文号 are kept whole in their own field and
ranked first. The index is updated incrementally: a record is rewritten only when its content changed.
Here: planning an update, applying it, and verifying the index; the documents are made in
zwgk.search.documents, and the background writer is zwgk.search.writer."""

from __future__ import annotations

import gc
import json
import os
import pickle
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from zwgk.catalog.cache import paused_gc
from zwgk.search.documents import document_digest, source_keys
from zwgk.search.query import DAMAGE, MAX_QUERY_CHARS, SYNONYMS_FILE, IndexDamaged, Searcher, damage
from zwgk.search.schema import INDEX_VERSION, plain_words, schema
from zwgk.search.writer_pids import clean_stale_writers
from zwgk.site.data import SiteData
from zwgk.site.lookup import normalise_code


@dataclass
class IndexStats:
    documents: int
    added: int
    removed: int


def index_dir(site_dir: Path) -> Path:
    """The index lives beside the site, not in it: it is for servers and staff, not for publishing."""
    return site_dir.with_name(site_dir.name + ".search")


@dataclass
class IndexUpdate:
    """What an index needs to match the catalogue: documents to write, keys to delete, and the
    digests to record once they are written. Planning is cheap; writing is the slow part."""

    folder: Path
    fresh: list[dict]
    stale: list[str]
    state: dict[str, tuple[str, str]]
    changed_state: bool
    repaired: str = ""  # why the index was found damaged and is written afresh

    @property
    def stats(self) -> IndexStats:
        return IndexStats(documents=len(self.state), added=len(self.fresh), removed=len(self.stale))


def _damage(folder: Path, digests_file: Path) -> tuple[dict, str]:
    """The existing index's record digests, and why it must be rebuilt from scratch ("" when it can be
    updated)."""
    try:
        digests = pickle.loads(digests_file.read_bytes())
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError) as error:
        return {}, f"检索索引的记录摘要文件已损坏（{type(error).__name__}），已删除并重新建立整个索引。"
    kind = damage(folder)
    return digests, f"检索索引已损坏（{kind}），已删除并重新建立整个索引。" if kind else ""


def plan_update(folder: Path, site: SiteData) -> IndexUpdate:
    """Compare the catalogue with the index at `folder` (created empty if missing, outdated or damaged:
    a damaged index is rebuilt, and `repaired` says why)."""
    version_file = folder / "zwgk-index-version"
    digests_file = folder / "zwgk-digests.pickle"
    repaired, indexed = "", {}
    if folder.exists() and (not version_file.is_file() or version_file.read_text() != INDEX_VERSION or not digests_file.is_file()):
        shutil.rmtree(folder)
    elif folder.exists():
        indexed, repaired = _damage(folder, digests_file)
        if repaired:
            indexed = {}
            clean_stale_writers(folder)
            shutil.rmtree(folder)
    if not folder.exists():
        folder.mkdir(parents=True)
        whoosh_index.create_in(str(folder), schema())
        digests_file.write_bytes(pickle.dumps({}))
        version_file.write_text(INDEX_VERSION)
    synonyms = folder / SYNONYMS_FILE  # applied at query time (zwgk.search.ranking.variants)
    wanted = json.dumps(site.scheme.synonyms, ensure_ascii=False)
    if not synonyms.is_file() or synonyms.read_text(encoding="utf-8") != wanted:
        synonyms.write_text(wanted, encoding="utf-8")
    # indexed: key -> (source digest, document digest): documents are made only for records whose
    # source files changed, and rewritten only if the document itself changed.
    state: dict[str, tuple[str, str]] = {}
    fresh = []
    with paused_gc():
        for key, (source, record, make) in source_keys(site).items():
            known = indexed.get(key)
            if known and source and known[0] == source:
                state[key] = known
                continue
            document = make(site, record)
            document["digest"] = document_digest(document)
            state[key] = (source, document["digest"])
            if not known or known[1] != document["digest"]:
                fresh.append(document)
    stale = [key for key in indexed if key not in state or state[key][1] != indexed[key][1]]
    return IndexUpdate(folder, fresh, stale, state, state != indexed, repaired)


def best_first(documents: list[dict]) -> list[dict]:
    """The documents in the order they are written (documents.quality, best first; ties in order)."""
    return sorted(documents, key=lambda document: -document["_title_grams_boost"])


# The writer's posting pool spills to disk beyond this many MB (it holds about twice that in memory).
POOL_MB = 128
# A single writer commits a segment of its own before its pool would spill (this share of POOL_MB):
# spilling pickles every posting to a run file, reads it back and merges the runs, about a quarter of
# the writer's CPU at province scale (cold: 106,058 documents, 5 M postings). Queries read the
# segments in the order they were written, so the documents stay best first across them.
SEGMENT_SHARE = 0.9


def apply_update(update: IndexUpdate, procs: int = 1, parallel_above: int = 5000, documents=None, stats=None) -> IndexStats:
    """Write an planned update: delete, add, commit, then record the digests. `documents` (default
    `update.fresh`, best first) may be an iterator that reads them one by one (the background writer
    streams them from its plan file: at province scale they are most of a GB as Python objects), with
    `stats` its count."""
    stats = stats or update.stats
    if documents is None:
        documents = best_first(update.fresh)
    if update.stale or stats.added:
        ix = whoosh_index.open_dir(str(update.folder))
        # Many new records: one writer per core, each writing its own segment (no final merge).
        parallel = stats.added > parallel_above and procs > 1
        with paused_gc():
            # Segments as separate files, not one compound file: Whoosh copies each part of a compound
            # file into memory when a searcher opens it (the stored records of a province are tens of
            # MB), which was most of the time of a `zwgk search` command.
            # The posting pool spills to disk beyond limitmb (POOL_MB: it held about twice that in memory,
            # 2 GB beside the build at province scale with 1024); the build waits for the writer only at
            # its end.
            options = {"limitmb": POOL_MB, "compound": False}
            writer = ix.writer(procs=procs, multisegment=True, **options) if parallel else ix.writer(**options)
            for key in update.stale:
                writer.delete_by_term("key", key)
            # Replace by key unless the index is empty: after an interrupted update the digests can be
            # older than the index, and a record must never be indexed twice.
            replace = bool(ix.doc_count_all())
            # Best first (documents.quality): each segment's postings are then in the order queries
            # want, and a query's first blocks hold its best candidates.
            full = POOL_MB * 1024 * 1024 * SEGMENT_SHARE
            for document in documents:
                (writer.update_document if replace else writer.add_document)(**document)
                if not parallel and writer.pool.currentsize > full:
                    writer.commit(merge=False)
                    # The committed writer's pool (hundreds of MB) is only freed by the cycle collector,
                    # which paused_gc holds off.
                    del writer
                    gc.collect()
                    writer = ix.writer(**options)
            writer.commit()
    if update.changed_state:
        # Written after the commit: an interrupted update leaves digests that do not match, and the
        # next update rewrites those records.
        digests_file = update.folder / "zwgk-digests.pickle"
        temporary = digests_file.with_suffix(".tmp")
        temporary.write_bytes(pickle.dumps(update.state))
        temporary.replace(digests_file)
    return stats


def update_index(folder: Path, site: SiteData, procs: int = 1, parallel_above: int = 5000) -> IndexStats:
    """Bring the index at `folder` up to date with the catalogue, rewriting only changed records.
    Each record's content digest is kept in a side file, so that finding what changed reads no index."""
    return apply_update(plan_update(folder, site), procs, parallel_above)


class SearchIndexError(RuntimeError):
    pass


def write_index(folder: Path, site: SiteData, procs: int | None = None) -> IndexStats:
    """Update the index, and fail unless it holds every record and finds what it must."""
    return verify_index(folder, site, update_index(folder, site, procs=procs or os.cpu_count() or 1))


def verify_index(folder: Path, site: SiteData, stats: IndexStats) -> IndexStats:
    expected = len(site.items) + len(site.entries) + len(site.departments)
    try:
        with whoosh_index.open_dir(str(folder)).searcher() as searcher:
            indexed = searcher.doc_count()
    except DAMAGE as error:
        raise SearchIndexError(str(IndexDamaged(folder, error))) from None
    if stats.documents != expected or indexed != expected:
        raise SearchIndexError(f"检索索引有 {indexed} 条记录，目录有 {expected} 条。")
    try:
        silent = failing_canaries(folder, site)
    except IndexDamaged as error:
        raise SearchIndexError(str(error)) from None
    if silent:
        raise SearchIndexError("检索索引查不到应有的结果：" + "、".join(silent))
    return stats


def _searchable(query: str) -> bool:
    """Whether `query` is one the searcher takes (not too long, something to search): a canary must
    be, whatever the catalogue holds."""
    text = query.strip()
    return 0 < len(text) <= MAX_QUERY_CHARS and bool(plain_words(text) or normalise_code(text))


_CHINESE_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")


def canaries(site: SiteData) -> list[tuple[str, str]]:
    """Queries taken from the catalogue itself that must find their record: (query, expected code).
    Picked so that any valid catalogue has working ones: the first item whose name can be searched,
    a two-character Chinese word of a name (a Latin word is indexed whole, never by its first two
    letters), the first entry's 索引号 and a 文号 that can be searched."""
    found = []
    item = next((i for i in site.items if i.is_active and _searchable(i.name)), None)
    if item:
        found += [(item.name, item.basic_code), (item.basic_code, item.basic_code)]
    named = next((i for i in site.items if i.is_active and _CHINESE_WORD.search(i.name)), None)
    if named:
        found.append((_CHINESE_WORD.search(named.name).group()[:2], ""))
    entry = next(iter(site.entries), None)
    if entry:
        found.append((entry.index, entry.index))
    numbered = next((e for e in site.entries if e.doc_number and _searchable(e.doc_number)), None)
    if numbered:
        found.append((numbered.doc_number, numbered.index))
    return found


def failing_canaries(folder: Path, site: SiteData) -> list[str]:
    """The canary queries that return nothing, or not their record."""
    searcher = Searcher(folder)
    failures = []
    try:
        for query, expected in canaries(site):
            codes = [hit.code for hit in searcher.search(query, limit=10)]
            if not codes or (expected and expected not in codes):
                failures.append(query)
    finally:
        searcher.close()
    return failures
