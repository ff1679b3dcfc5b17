"""The Whoosh index of every item and entry, for staff, scripts and servers (`zwgk search`,
`zwgk serve`). The public search in the browser is Pagefind's, over the built HTML.

Chinese analysis finds what people type: jieba's search-mode words (行政许可法 gives 行政, 许可, 许可法 ...)
and character bigrams (so 营许 finds 经营许可, and a query with one wrong character still shares most of
its bigrams with the right title). Exact codes, 索引号 and 文号 are kept whole in their own field and
ranked first. The index is updated incrementally: a record is rewritten only when its content changed."""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from zwgk.catalog.cache import code_version, paused_gc
from zwgk.catalog.codes import implementation_code
from zwgk.search.query import DAMAGE, MAX_QUERY_CHARS, SYNONYMS_FILE, IndexDamaged, Searcher, damage
from zwgk.search.schema import INDEX_VERSION, plain_words, schema
from zwgk.site import search_data, urls
from zwgk.site.data import SiteData
from zwgk.site.static_search import normalise_code


def item_document(site: SiteData, item) -> dict:
    dept = site.departments[item.dept_id]
    code = implementation_code(item.basic_code, dept.region, dept.uscc)
    basis = " ".join(f"{b.title}{b.article or ''}" for b in item.basis or [])
    type_name = site.scheme.power_types.get(item.type, item.type)
    # Department names are kept short (the full name adds postings to every record, not
    # information); a search by department uses the department filter or the short name.
    parts = [item.content, item.result, " ".join(item.conditions or []), dept.short_name, item.office, type_name, basis, *item.aliases]
    date = item.updated.isoformat() if item.updated else ""
    info = search_data.item_record(site, item)
    return {
        "key": item_key(item),
        "kind": "item",
        "code": item.basic_code,
        "codes": ",".join(normalise_code(c) for c in (item.basic_code, code)),
        "title": item.name,
        "title_grams": "\n".join([item.name, *item.aliases]),
        "text": "\n".join(filter(None, parts)),
        "department": item.dept_id,
        "department_name": dept.short_name,
        "region": dept.region,
        "type": item.type,
        "validity": item.status,
        "url": urls.item(item.dept_id, item.basic_code),
        "year": str(item.updated.year) if item.updated else "",
        "date": date.replace("-", ""),
        "info": info,
    }


def entry_document(site: SiteData, entry) -> dict:
    dept = site.departments.get(entry.dept_id)
    # Topic and genre are filters, not words people type into the box.
    parts = [entry.summary, *entry.keywords, entry.doc_number, dept.short_name if dept else ""]
    codes = [entry.index] + ([entry.doc_number] if entry.doc_number else [])
    info = search_data.entry_record(site, entry)
    return {
        "key": entry_key(entry),
        "kind": "entry",
        "code": entry.index,
        "codes": ",".join(normalise_code(c) for c in codes),
        "title": entry.title,
        "title_grams": "\n".join([entry.title, *entry.keywords]),
        "text": "\n".join(filter(None, parts)),
        "department": entry.dept_id,
        "department_name": dept.short_name if dept else entry.dept_id,
        "region": dept.region if dept else "",
        "topic": entry.topic or "",
        "genre": entry.genre or "",
        "mode": entry.mode or "",
        "validity": entry.validity,
        "year": str(entry.date.year),
        "date": entry.date.isoformat().replace("-", ""),
        "url": site.entry_url(entry),
        "info": info,
    }


def department_document(site: SiteData, dept) -> dict:
    region = site.scheme.regions.get(dept.region, dept.region)
    info = search_data.department_record(site, dept)
    info["excerpt"] = f"{region}{dept.level}部门：{dept.name}（{dept.short_name}），统一社会信用代码 {dept.uscc}。"
    return {
        "key": department_key(dept),
        "kind": "department",
        "code": dept.dept_id,
        "codes": normalise_code(dept.uscc),
        "title": dept.name,
        "title_grams": "\n".join([dept.name, dept.short_name]),
        "text": "\n".join([dept.name, dept.short_name, region, dept.level]),
        "department": dept.dept_id,
        "department_name": dept.short_name,
        "region": dept.region,
        "url": urls.department(dept.dept_id),
        "info": info,
    }


def item_key(item) -> str:
    return f"item:{item.dept_id}/{item.basic_code}"


def entry_key(entry) -> str:
    return f"entry:{entry.index}"


def department_key(dept) -> str:
    return f"department:{dept.dept_id}"


def _digest(document: dict) -> str:
    return hashlib.sha256(repr(sorted(document.items())).encode()).hexdigest()[:20]


def _source_keys(site: SiteData) -> dict[str, tuple[str, object, Callable]]:
    """For every record: its key -> (a digest of the files its document is made from, the record,
    the function that makes its document). A record whose files are unchanged needs no document."""
    salt = INDEX_VERSION + code_version(("search/*.py", "site/urls.py", "catalog/codes.py", "site/static_search.py"))
    salt += site.file_keys.get(site.scheme.file, "")
    departments = {dept_id: site.file_keys.get(dept.file, "") for dept_id, dept in site.departments.items()}
    sources = {}
    kinds = (
        (site.items, item_key, item_document),
        (site.entries, entry_key, entry_document),
        (list(site.departments.values()), department_key, department_document),
    )
    for records, key_of, make in kinds:
        for record in records:
            # Without file keys (a catalogue not read by the loader) every document is made and compared.
            source = f"{salt}/{departments.get(record.dept_id, '')}/{site.file_keys[record.file]}" if site.file_keys else ""
            sources[key_of(record)] = (source, record, make)
    return sources


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


def _damage(folder: Path, digests_file: Path) -> str:
    """Why the existing index at `folder` must be rebuilt from scratch ("" when it can be updated)."""
    try:
        pickle.loads(digests_file.read_bytes())
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError) as error:
        return f"检索索引的记录摘要文件已损坏（{type(error).__name__}），已删除并重新建立整个索引。"
    kind = damage(folder)
    return f"检索索引已损坏（{kind}），已删除并重新建立整个索引。" if kind else ""


def plan_update(folder: Path, site: SiteData) -> IndexUpdate:
    """Compare the catalogue with the index at `folder` (created empty if missing, outdated or damaged:
    a damaged index is rebuilt, and `repaired` says why)."""
    version_file = folder / "zwgk-index-version"
    digests_file = folder / "zwgk-digests.pickle"
    repaired = ""
    if folder.exists() and (not version_file.is_file() or version_file.read_text() != INDEX_VERSION or not digests_file.is_file()):
        shutil.rmtree(folder)
    elif folder.exists():
        repaired = _damage(folder, digests_file)
        if repaired:
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
    # key -> (source digest, document digest): documents are made only for records whose source
    # files changed, and rewritten only if the document itself changed.
    indexed: dict[str, tuple[str, str]] = pickle.loads(digests_file.read_bytes())
    state: dict[str, tuple[str, str]] = {}
    fresh = []
    with paused_gc():
        for key, (source, record, make) in _source_keys(site).items():
            known = indexed.get(key)
            if known and source and known[0] == source:
                state[key] = known
                continue
            document = make(site, record)
            document["digest"] = _digest(document)
            state[key] = (source, document["digest"])
            if not known or known[1] != document["digest"]:
                fresh.append(document)
    stale = [key for key in indexed if key not in state or state[key][1] != indexed[key][1]]
    return IndexUpdate(folder, fresh, stale, state, state != indexed, repaired)


def apply_update(update: IndexUpdate, procs: int = 1, parallel_above: int = 5000) -> IndexStats:
    """Write an planned update: delete, add, commit, then record the digests."""
    if update.stale or update.fresh:
        ix = whoosh_index.open_dir(str(update.folder))
        # Many new records: one writer per core, each writing its own segment (no final merge).
        parallel = len(update.fresh) > parallel_above and procs > 1
        with paused_gc():
            writer = ix.writer(procs=procs, multisegment=True, limitmb=1024) if parallel else ix.writer(limitmb=1024)
            for key in update.stale:
                writer.delete_by_term("key", key)
            # Replace by key unless the index is empty: after an interrupted update the digests can be
            # older than the index, and a record must never be indexed twice.
            add = writer.update_document if ix.doc_count_all() else writer.add_document
            for document in update.fresh:
                add(**document)
            writer.commit()
    if update.changed_state:
        # Written after the commit: an interrupted update leaves digests that do not match, and the
        # next update rewrites those records.
        digests_file = update.folder / "zwgk-digests.pickle"
        temporary = digests_file.with_suffix(".tmp")
        temporary.write_bytes(pickle.dumps(update.state))
        temporary.replace(digests_file)
    return update.stats


def update_index(folder: Path, site: SiteData, procs: int = 1, parallel_above: int = 5000) -> IndexStats:
    """Bring the index at `folder` up to date with the catalogue, rewriting only changed records.
    Each record's content digest is kept in a side file, so that finding what changed reads no index."""
    return apply_update(plan_update(folder, site), procs, parallel_above)


WRITER_FILE = "zwgk-writer.pid"  # beside Whoosh's lock: "writer pid, build pid, plan file" of a running writer
PLAN_PREFIX = "zwgk-index-"  # plan files in the temporary folder: zwgk-index-<build pid>-<random>.pickle


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_writer(pid: int) -> bool:
    try:
        return b"zwgk.search.index" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return not Path("/proc/self").exists() and _alive(pid)  # no /proc: trust the pid file


def clean_stale_writers(folder: Path) -> None:
    """Before writing: stop a writer whose build has died (SIGKILL leaves no chance to stop it), and
    remove plan files of builds that are gone. Whoosh's lock is an flock, released when its holder
    dies; the pid file beside it says who holds it. A writer whose build is alive is another build's
    (or `zwgk index`'s) and is left alone: Whoosh's lock then refuses this update with a clear error."""
    record = folder / WRITER_FILE
    try:
        writer, parent, plan = record.read_text(encoding="utf-8").split("\n")[:3]
        writer_pid, parent_pid = int(writer), int(parent)
    except (OSError, ValueError):
        writer_pid = parent_pid = 0
        plan = ""
    if writer_pid and not (_alive(parent_pid) and parent_pid != os.getpid()):
        if _alive(writer_pid) and _is_writer(writer_pid):
            os.kill(writer_pid, signal.SIGKILL)
            for _ in range(100):
                if not _alive(writer_pid):
                    break
                time.sleep(0.05)
        if plan:
            Path(plan).unlink(missing_ok=True)
        record.unlink(missing_ok=True)
    for stale in Path(tempfile.gettempdir()).glob(f"{PLAN_PREFIX}*-*.pickle"):
        owner = stale.name[len(PLAN_PREFIX) :].split("-")[0]
        if owner.isdigit() and not _alive(int(owner)):
            stale.unlink(missing_ok=True)


class BackgroundUpdate:
    """An index update written by a separate Python process while the build goes on (MkDocs renders
    pages on one core; the index is written on the other). The process is started afresh rather than
    forked, so it holds only the documents, not a copy of the build's memory. It dies with the build
    (see `_run_writer`), even when the build is killed with SIGKILL."""

    def __init__(self, update: IndexUpdate):
        self.update = update
        self.process: subprocess.Popen | None = None
        if update.stale or update.fresh:
            clean_stale_writers(update.folder)
            handle, name = tempfile.mkstemp(prefix=f"{PLAN_PREFIX}{os.getpid()}-", suffix=".pickle")
            with os.fdopen(handle, "wb") as file:
                pickle.dump(update, file, protocol=pickle.HIGHEST_PROTOCOL)
            self.plan_file = Path(name)
            # Run from the folder holding this package, so that `-m` finds this very code and not a
            # zwgk folder in the build's working directory.
            self.process = subprocess.Popen(
                [sys.executable, "-m", "zwgk.search.index", str(self.plan_file), str(os.getpid())],
                cwd=Path(__file__).resolve().parent.parent,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            atexit.register(self.close)  # a build that fails before waiting must not leave it running
        elif update.changed_state:
            apply_update(update)

    def close(self) -> None:
        """Stop the writer if nobody waits for it any more, and remove its plan. The index is left as
        it was: nothing is committed, and the next update plans these records again."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        self.plan_file.unlink(missing_ok=True)

    def wait(self, timeout: float = 3600) -> IndexStats:
        if self.process is None:
            return self.update.stats
        try:
            output, _ = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise SearchIndexError(f"写检索索引超过 {timeout:.0f} 秒，已停止。") from None
        finally:
            self.plan_file.unlink(missing_ok=True)
            atexit.unregister(self.close)
        if self.process.returncode != 0:
            raise SearchIndexError(f"写检索索引失败（退出码 {self.process.returncode}）：\n{output[-2000:]}")
        return self.update.stats


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


def _die_with(parent: int) -> None:
    """End this process when `parent` ends: the kernel's parent-death signal on Linux, and a thread
    watching the parent pid everywhere (also covering a parent that died before the signal was set).
    The kernel sends the signal when the thread that started this process ends: builds start the writer
    from their main thread (`mkdocs serve`, which rebuilds on other threads, writes no index)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass  # no prctl: the thread below still watches
    if os.getppid() != parent:
        os._exit(3)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(3)

    threading.Thread(target=watch, daemon=True).start()


def _run_writer(plan_file: str, parent: int) -> None:
    """The background writer: python -m zwgk.search.index PLAN BUILD-PID."""
    _die_with(parent)
    with open(plan_file, "rb") as plan:
        update = pickle.load(plan)
    record = update.folder / WRITER_FILE
    record.write_text(f"{os.getpid()}\n{parent}\n{plan_file}\n", encoding="utf-8")
    try:
        apply_update(update)
    finally:
        record.unlink(missing_ok=True)


if __name__ == "__main__":
    _run_writer(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else os.getppid())
