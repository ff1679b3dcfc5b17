"""What the public search in the browser needs besides the built HTML, which Pagefind indexes:
search tags in the pages (filters, kind, bigram tokens) and the exact-code lookup files.

Pagefind segments Chinese into words, so it misses substrings that cross a word boundary (营许 in
经营许可) and titles with one mistyped character. Each title therefore also carries its character
bigrams as ASCII tokens (`zg` + the two code points in hex): the browser computes the same tokens
from the query when the words find too little. The script that does so is
content/assets/javascripts/zwgk-search.js; `gram_tokens` and `normalise_code` must match it.

Exact codes (basic and implementation codes, 索引号, 文号) do not go through Pagefind at all: they are
looked up in small JSON shards, so typing one leads straight to its record.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

from zwgk.site import urls
from zwgk.site.lookup import normalise_code, shard_of
from zwgk.site.search_data import department_record, entry_record, item_record

BUNDLE_DIR = "pagefind"

__all__ = ["normalise_code", "shard_of"]  # defined in zwgk.site.lookup, used through this module too
CODES_DIR = "codes"
SETTINGS_FILE = "codes/search.json"
KEYS_PER_SHARD = 400
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")


def gram_tokens(text: str) -> list[str]:
    """The character bigrams of each run of Chinese characters, as ASCII tokens, in order."""
    tokens = []
    for run in _CJK_RUN.findall(text):
        tokens += [f"zg{ord(run[i]):04x}{ord(run[i + 1]):04x}" for i in range(len(run) - 1)]
    return tokens


def _gram_weight(title: str, withdrawn: bool = False) -> float:
    """A query's bigrams matter more in a short title than in a long one (the query covers more of it:
    食品 is more likely 食品经营许可 than 食品安全违法行为举报奖励), and a withdrawn item's page comes last."""
    weight = max(0.3, min(3.0, 12 / max(len(title), 1)))
    return round(weight * (0.2 if withdrawn else 1.0), 2)


class Grams(NamedTuple):
    """A title's bigram tokens and their weight, and words to index beside them (an entry's keywords)
    (rendered by templates/macros.html and templates/entries.html)."""

    tokens: str
    weight: float
    words: str = ""


class Tags(NamedTuple):
    """The hidden part of a page that only the search reads (templates/macros.html `search_tags`)."""

    kind: str
    filters: list[tuple[str, str]]  # (filter name, value)
    grams: Grams | None
    names: str = ""  # an item's aliases, a department's short name: indexed as words
    record: str = ""  # what a result shows and the ranking reads, as JSON (Pagefind meta `zwgk`)


def tags(
    kind: str, filters: dict[str, list[str]], grams: str = "", withdrawn: bool = False, record: dict | None = None, twin: bool = False
) -> Tags:
    """A page's kind, its filter values, the bigram tokens of its title and names (`grams`: the title,
    then one name a line), and its record."""
    pairs = [(name, value) for name, values in filters.items() for value in dict.fromkeys(values) if value]
    tokens = gram_tokens(grams)
    weight = round(_gram_weight(grams.split("\n")[0], withdrawn) * (0.5 if twin else 1), 2)
    payload = json.dumps(record, ensure_ascii=False, separators=(",", ":")) if record is not None else ""
    names = " ".join(grams.split("\n")[1:])
    return Tags(kind, pairs, Grams(" ".join(tokens), weight) if tokens else None, names, payload)


_INDEX_START = re.compile(r"^([0-9a-z]{9}|[0-9a-z]{18})/(\d{4})")


def index_tokens(index: str) -> list[str]:
    """Tokens for the start of a 索引号: `zi` + the publisher's code, and the same + `y` + the year, so
    that a partial 索引号 (11340000002500113R/2025) finds that publisher's entries. The browser makes
    the same from the query."""
    found = _INDEX_START.match(normalise_code(index))
    return [f"zi{found.group(1)}", f"zi{found.group(1)}y{found.group(2)}"] if found else []


def entry_grams(title: str, keywords: list[str] | None = None, doc_number: str | None = None, index: str = "") -> Grams | None:
    """An entry's tokens (title, keywords, the publisher's part of its 文号 and the start of its 索引号,
    so that a partial 文号 or 索引号 finds the entry), placed after its heading so that they belong to
    its sub-result; the keywords also as words."""
    tokens = gram_tokens("\n".join([title, *(keywords or []), doc_number or ""])) + index_tokens(index)
    return Grams(" ".join(tokens), _gram_weight(title), " ".join(keywords or [])) if tokens else None


_LEVEL_ORDER = {"省级": 0, "市级": 1, "县级": 2, "乡级": 3}


def _twins(site) -> dict[tuple[str, str], list]:
    """Items by (basic code, name): the same item done by several departments, best first (active,
    then the higher level, then the department id). Computed once per SiteData."""
    cached = site.__dict__.get("_zwgk_twins")
    if cached is None:
        cached = defaultdict(list)
        for item in site.items:
            cached[(item.basic_code, item.name)].append(item)
        for group in cached.values():
            group.sort(key=lambda i: (not i.is_active, _LEVEL_ORDER.get(site.departments[i.dept_id].level, 9), i.dept_id))
        site.__dict__["_zwgk_twins"] = cached
    return cached


def item_tags(site, item) -> Tags:
    record = item_record(site, item)
    record.pop("excerpt", None)  # the page's own text is Pagefind's excerpt
    record["codes"] = record["codes"][:1]  # the implementation code is found through the code lookup
    twins = _twins(site)[(item.basic_code, item.name)]
    # The other departments doing the same item, for the result's "另有 N 个部门" (whether or not their
    # pages are among those fetched); their pages weigh less, so that one search fetches distinct items.
    others = [t for t in twins if t is not item]
    if others:
        record["others"] = [[site.departments[t.dept_id].short_name, urls.item(t.dept_id, t.basic_code), t.status] for t in others]
    filters = {
        "kind": ["事项"],
        "department": [record["department"]],
        "type": [record["type"]],
        "validity": [item.status],
    }
    grams = "\n".join([item.name, *item.aliases])
    return tags("item", filters, grams=grams, withdrawn=not item.is_active, record=record, twin=twins[0] is not item)


def department_tags(site, dept) -> Tags:
    record = department_record(site, dept)
    filters = {"kind": ["部门"], "department": [dept.short_name]}
    return tags("department", filters, grams="\n".join([dept.name, dept.short_name]), record=record)


def catalogue_tags(site, dept_id: str, entries: list) -> Tags:
    """A catalogue page's tags: its filters (every value of its entries), and its entries' records by
    serial (the result of a sub-result shows its entry's date, 文号 and 有效性)."""
    filters = {
        "kind": ["目录条目"],
        "department": [site.department_name(dept_id)],
        "year": sorted({str(entry.date.year) for entry in entries}),
        "topic": sorted({site.scheme.topics.get(entry.topic, entry.topic) for entry in entries if entry.topic}),
        "validity": sorted({entry.validity for entry in entries}),
    }
    records = {}
    for entry in entries:
        record = entry_record(site, entry)
        for key in ("kind", "department", "department_name", "level", "title", "url"):
            record.pop(key)  # the page's own, or the sub-result's
        records[f"{site.numbers[id(entry)].serial:05d}"] = record
    page = {"kind": "catalogue", "department": site.department_name(dept_id)}
    dept = site.departments.get(dept_id)
    page["department_name"], page["level"] = (dept.name, dept.level) if dept else (dept_id, "")
    page["entries"] = records
    return tags("catalogue", filters, record=page)


# ---- exact codes ---------------------------------------------------------------------------------


def shard_count(records: int) -> int:
    """A power of two that keeps each shard near KEYS_PER_SHARD keys (at most 4,096 shards)."""
    count = 1
    while count * KEYS_PER_SHARD < records and count < 4096:
        count *= 2
    return count


def code_records(site) -> list[tuple[str, dict]]:
    """Every exact code of the catalogue and the record it names: (normalised code, record). Also a
    department's USCC (the start of its 索引号) and USCC/period (a catalogue page), so that a partial
    索引号 leads to its publisher."""
    records = []
    for item in site.items:
        record = item_record(site, item)
        record.pop("excerpt", None)
        for code in record["codes"]:
            records.append((normalise_code(code), record))
    for entry in site.entries:
        record = entry_record(site, entry)
        record.pop("excerpt", None)
        for code in record["codes"]:
            records.append((normalise_code(code), record))
    periods: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for entry in site.entries:
        number = site.numbers[id(entry)]
        periods[entry.dept_id].add((number.period, urls.chunk_of(number.serial)))
    for dept in site.departments.values():
        records.append((normalise_code(dept.uscc), department_record(site, dept)))
        for period, chunk in sorted(periods.get(dept.dept_id, ())):
            if chunk == 1:
                title = f"{dept.name} {period[:4]} 年{f' {int(period[4:])} 月' if len(period) == 6 else ''}政府信息公开目录"
                page = {"kind": "catalogue", "code": f"{dept.uscc}/{period}", "title": title, "department": dept.short_name}
                page |= {"department_name": dept.name, "url": urls.catalogue_page(dept.dept_id, period, chunk), "level": dept.level}
                records.append((normalise_code(f"{dept.uscc}/{period}"), page))
    return records


def code_shards(site, shards: int) -> dict[str, bytes]:
    """The lookup files, `codes/<n>.json`: {normalised code: [records]}. A basic code shared by several
    departments, or a 文号 on several entries, lists them all."""
    grouped: dict[int, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for key, record in code_records(site):
        grouped[shard_of(key, shards)][key].append(record)
    files = {
        f"{CODES_DIR}/{number}.json": json.dumps(grouped.get(number, {}), ensure_ascii=False, separators=(",", ":")).encode()
        for number in range(shards)
    }
    # The shard count (for `zwgk search`, which reads the shards for exact codes), the province's
    # synonyms (applied at query time, zwgk.search.ranking.variants) and departments: one small file.
    # The departments too: few, and a department's name should find it whatever Pagefind ranks first.
    # [code, name, short name, level, USCC, URL]: the browser makes department records of these.
    departments = [[d.dept_id, d.name, d.short_name, d.level, d.uscc, urls.department(d.dept_id)] for d in site.departments.values()]
    settings = {"shards": shards, "synonyms": site.scheme.synonyms, "departments": departments}
    files[SETTINGS_FILE] = json.dumps(settings, ensure_ascii=False, separators=(",", ":")).encode()
    return files


# ---- the Pagefind bundle -------------------------------------------------------------------------


class StaticSearchError(RuntimeError):
    pass


_INDEXED_PAGES = re.compile(r"Indexed (\d+) pages?")


def html_digest(site_dir: Path) -> str:
    """A digest of every HTML file Pagefind would read: equal digests give equal bundles."""
    digest = hashlib.sha256()
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir).as_posix()
        if not rel.startswith(BUNDLE_DIR + "/"):
            digest.update(rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def bundle(site_dir: Path, cache_dir: Path | None) -> tuple[int, bool]:
    """Write the Pagefind bundle into the site: from the cache when the HTML is unchanged (Pagefind
    has no incremental mode, and an unchanged rebuild should not pay for a full run), else by
    running Pagefind. Returns (pages indexed, whether the cache was used)."""
    key = html_digest(site_dir) + "-" + _pagefind_version()
    cached = cache_dir / "pagefind" / key if cache_dir else None
    target = site_dir / BUNDLE_DIR
    if cached and (cached / "pages").is_file():
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(cached / BUNDLE_DIR, target)
        return int((cached / "pages").read_text()), True
    pages = run_pagefind(site_dir)
    if cached:
        shutil.rmtree(cached.parent, ignore_errors=True)  # keep one bundle: the newest
        shutil.copytree(target, cached / BUNDLE_DIR)
        (cached / "pages").write_text(str(pages))
    return pages, False


def _pagefind_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind-bin-extended")
    except PackageNotFoundError:
        raise StaticSearchError("没有安装 Pagefind 扩展版（pagefind[extended]），请运行 make setup。") from None


def run_pagefind(site_dir: Path, timeout: int = 1800) -> int:
    """Index the built HTML with Pagefind's extended (Chinese-segmenting) build; returns the number
    of pages indexed. Pages opt in with data-pagefind-body (see overrides/main.html)."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:
        raise StaticSearchError("没有安装 Pagefind 扩展版（pagefind[extended]），请运行 make setup。") from None
    command = [
        str(get_executable()),
        "--site",
        str(site_dir),
        "--output-subdir",
        BUNDLE_DIR,
        "--force-language",
        "zh",
        "--exclude-selectors",
        ".headerlink",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise StaticSearchError(f"Pagefind 未能运行：{error}") from None
    output = done.stdout + done.stderr
    match = _INDEXED_PAGES.search(output)
    if done.returncode != 0 or not match:
        raise StaticSearchError(f"Pagefind 建立检索索引失败（退出码 {done.returncode}）：\n{output[-2000:]}")
    if not (site_dir / BUNDLE_DIR / "pagefind-entry.json").is_file():
        raise StaticSearchError("Pagefind 没有写出检索索引（pagefind-entry.json）。")
    return int(match.group(1))


# ---- checking the bundle -------------------------------------------------------------------------
# The build cannot run the browser's search, but it can read Pagefind's index: gzip, a signature, then
# CBOR (meta: [version, [[page hash, words]...], [[first word, last word, chunk hash]...], ...];
# chunk: [[[word, [[page number difference, [locations], ...]...]...]...]]). Reading it, the build checks that a
# handful of known titles are found, through the same bigram tokens the browser searches.

_SIGNATURE = b"pagefind_dcd"


def _cbor(data: bytes, at: int = 0):
    """Decode one CBOR item (the subset Pagefind writes) at `at`: (value, next position)."""
    head = data[at]
    major, info = head >> 5, head & 31
    at += 1
    if info < 24:
        value = info
    elif info <= 27:
        size = 1 << (info - 24)
        value, at = int.from_bytes(data[at : at + size], "big"), at + size
    else:
        raise StaticSearchError(f"无法读取 Pagefind 索引（CBOR 0x{head:02x}）。")
    if major == 0:
        return value, at
    if major == 1:
        return -1 - value, at
    if major in (2, 3):
        raw = data[at : at + value]
        return (raw.decode() if major == 3 else raw), at + value
    if major == 4:
        items = []
        for _ in range(value):
            item, at = _cbor(data, at)
            items.append(item)
        return items, at
    if major == 5:
        pairs = {}
        for _ in range(value):
            key, at = _cbor(data, at)
            pairs[key], at = _cbor(data, at)
        return pairs, at
    if major == 7 and info in (20, 21, 22):
        return {20: False, 21: True, 22: None}[info], at
    raise StaticSearchError(f"无法读取 Pagefind 索引（CBOR 0x{head:02x}）。")


def _read(path: Path):
    import gzip

    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(_SIGNATURE):
        raise StaticSearchError(f"{path.name} 不是 Pagefind 索引文件。")
    return raw[len(_SIGNATURE) :]


def pages_for_token(site_dir: Path, token: str) -> set[str]:
    """The URLs of the pages whose index holds `token` (a whole word, as Pagefind stores it)."""
    bundle = site_dir / BUNDLE_DIR
    metas = sorted(bundle.glob("pagefind.*.pf_meta"))
    if len(metas) != 1:
        raise StaticSearchError(f"Pagefind 索引应有一个语言的元数据文件，实有 {len(metas)} 个。")
    meta, _ = _cbor(_read(metas[0]))
    pages, chunks = meta[1], meta[2]
    urls_found = set()
    for first, last, chunk in chunks:
        # A chunk's bounds are word prefixes: it holds the words from `first` up to those starting with `last`.
        if first <= token and (token <= last or token.startswith(last)):
            (words, *_), _ = _cbor(_read(bundle / "index" / f"{chunk}.pf_index"))
            for word in words:
                if word[0] == token:
                    page = 0
                    for posting in word[1]:
                        page += posting[0]  # page numbers are stored as differences
                        fragment = json.loads(_read(bundle / "fragment" / f"{pages[page][0]}.pf_fragment"))
                        urls_found.add(fragment["url"])
    return urls_found


def silent_titles(site_dir: Path, expected: list[tuple[str, str]]) -> list[str]:
    """Of (title, page URL) pairs, the titles whose first bigram token does not find their page."""
    failures = []
    for title, url in expected:
        tokens = gram_tokens(title)
        if not tokens or "/" + url not in pages_for_token(site_dir, tokens[0]):
            failures.append(title)
    return failures


def canaries(site) -> list[tuple[str, str]]:
    """Titles from the catalogue itself that the static search must find: (title, page URL)."""
    found = []
    item = next((i for i in site.items if i.is_active and gram_tokens(i.name)), None)
    if item:
        found.append((item.name, urls.item(item.dept_id, item.basic_code)))
    entry = next((e for e in site.entries if gram_tokens(e.title)), None)
    if entry:
        found.append((entry.title, site.entry_url(entry).split("#")[0]))
    dept = next((d for d in site.departments.values() if gram_tokens(d.name)), None)
    if dept:
        found.append((dept.name, urls.department(dept.dept_id)))
    return found
