"""Running and checking Pagefind: the static index of the built HTML, split into parts (assembled
from the cache by pagefind_parts.py), and the check, by reading the written index, that known
titles are found through the same bigram tokens the browser searches."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

from zwgk.site import urls
from zwgk.site.lookup import shard_of
from zwgk.site.search_tokens import gram_tokens

BUNDLE_DIR = "pagefind"


class StaticSearchError(RuntimeError):
    pass


_INDEXED_PAGES = re.compile(r"Indexed (\d+) pages?")


# The static index is split into parts, so that a change re-indexes only the parts of the pages it
# changed: each searchable page goes into one of PART_COUNT parts by a hash of its path. The split is
# by page, not by department, so that every part is a random sample of the site and Pagefind's
# per-index statistics (word frequencies, page lengths), which score the results, stay close to those
# of a single index; the browser merges the parts' results by score. The first part is the main bundle,
# `pagefind/` (Pagefind's script and WebAssembly); the others are `pagefind/parts/<name>/`, listed in
# `pagefind/parts.json`, and merged into it when Pagefind loads (mergeIndex, see zwgk-search.js).
# 16 parts: a change re-indexes whole parts only when many of a part's pages changed; a few changed
# pages are indexed on their own, in a small part beside the unchanged bundles, which hide their old
# versions (pagefind_parts.py); a query loads each part's metadata and one index chunk per word (see
# README: the bytes of a query).
PART_COUNT = 16
# What Pagefind leaves out of the pages it indexes, besides data-pagefind-ignore: in the catalogue
# pages' tables (templates/entries.html; the only searchable pages with a `zwgk-entries` table) each
# entry's 索引号, dates, topic and 有效性 cells, its fields' labels and every field but the first (the
# 内容概述), and the links to related entries. Given to Pagefind as selectors they cost it a quarter
# of its time on the catalogue pages (matching `:nth-child` on every cell): the build cuts them out of
# the pages it gives Pagefind instead (`cut_excluded`, in indexed_view), to the same bundle.
EXCLUDED = (
    ".headerlink",
    # A catalogue page's entry cells by position (they carry no class, zwgk/site/templates/entries.html):
    # 索引号, 生成日期, 主题分类, 有效性; the title (2) and 文号 (4) are indexed.
    ".zwgk-entries td:nth-child(1)",
    ".zwgk-entries td:nth-child(3)",
    ".zwgk-entries td:nth-child(5)",
    ".zwgk-entries td:nth-child(6)",
    ".zwgk-entries .zwgk-related",
    ".zwgk-entries details > dl dt",
    ".zwgk-entries details > dl dd:not(:first-of-type)",
)
_EXCLUDED_CELLS = frozenset(int(n) for n in re.findall(r"td:nth-child\((\d+)\)", " ".join(EXCLUDED)))  # 1, 3, 5, 6
PARTS_DIR = "parts"
PARTS_LIST = "parts.json"
_SEARCHABLE = b"data-pagefind-body"


def part_of(rel: str) -> str:
    """The part of a page, from its path in the site."""
    return f"p{shard_of(rel, PART_COUNT):02d}"


def part_names() -> list[str]:
    """Every part's name, in the order the bundles are written (the first is the main bundle)."""
    return [f"p{number:02d}" for number in range(PART_COUNT)]


def page_fact(path: Path) -> tuple[bool, bytes]:
    """What the split reads from a page: whether it is searchable, and a digest of its HTML."""
    return content_fact(path.read_bytes())


def content_fact(content: bytes) -> tuple[bool, bytes]:
    """page_fact of a page's HTML in memory."""
    return searchable(content), hashlib.sha256(content).digest()


def searchable(content: bytes) -> bool:
    """Whether Pagefind indexes the page (it is marked data-pagefind-body)."""
    return _SEARCHABLE in content


# What Pagefind is given of a page (indexed_view): the page frame around data-pagefind-body (Material's
# header, navigation, footer and scripts: about half of an item page's bytes, a fifth of a catalogue
# page's) is parsed by Pagefind and then thrown away. Only what Pagefind reads from outside the body
# is kept: the <html> tag (its lang), the <title>, and every <img> in its place before or after the
# body (Pagefind's default `image` meta is taken from the frame's images). A page that has
# data-pagefind attributes outside the body, or not exactly one body, is given whole.
_BODY = b"<div data-pagefind-body>"
_BODY_END = b"</article>"  # the body is the whole of Material's content block (overrides/main.html)
_HTML_TAG = re.compile(rb"<html\b[^>]*>")
_TITLE = re.compile(rb"<title>.*?</title>", re.S)
_IMG = re.compile(rb"<img\b[^>]*>")
_PAGEFIND_ATTRIBUTE = b"data-pagefind"


def indexed_view(content: bytes) -> bytes:
    """The page as Pagefind is given it: the body with only what Pagefind reads around it (see above)
    and without what EXCLUDED names (cut_excluded), so that the bundle is the one the whole page gives
    with EXCLUDED's selectors; the whole page, without what EXCLUDED names, if its frame cannot be cut."""
    start, end = content.find(_BODY), content.rfind(_BODY_END)
    html = _HTML_TAG.search(content, 0, start)
    if start < 0 or end < start or html is None or content.count(_SEARCHABLE) != 1:
        return cut_excluded(content)
    if content.find(_PAGEFIND_ATTRIBUTE, 0, start) >= 0 or content.find(_PAGEFIND_ATTRIBUTE, end) >= 0:
        return cut_excluded(content)
    title = _TITLE.search(content, 0, start)
    return b"".join(
        (
            b"<!doctype html>",
            html.group(0),
            b'<head><meta charset="utf-8">',
            title.group(0) if title else b"",
            b"</head><body>",
            *_IMG.findall(content, 0, start),
            cut_excluded(content[start:end]),
            *_IMG.findall(content, end),
            b"</body></html>",
        )
    )


# What cut_excluded finds. The pages are the build's own markup, every text in them escaped (no "<"
# in a text or an attribute value), so an element is found by its tags: a table holds no table, a
# cell no cell, a related link's span no span, a field's <dd> no <dd>.
_HEADERLINK = re.compile(rb'<a class="headerlink"[^>]*>[^<]*</a>')
_ENTRIES_CLASS = b"zwgk-entries"
_TABLE_TAG = re.compile(rb'<table\b[^>]*\bclass="(?:[^"]* )?zwgk-entries(?: [^"]*)?"[^>]*>')


def _element(start: bytes, name: bytes) -> bytes:
    """A pattern of an element from its start tag's pattern to its end tag, holding no element of its
    own name (what is inside, as `[^<]*(?:<(?!/name>)[^<]*)*`: the engine's fast loop, not `.*?`)."""
    return start + rb"([^<]*(?:<(?!/" + name + rb">)[^<]*)*)</" + name + rb">"


_RELATED = re.compile(_element(rb'<span class="zwgk-related">', b"span"))
_FIELDS = re.compile(_element(rb"(</summary>\s*<dl\b[^>]*>)", b"dl"))  # details > dl: (start, inside)
_LABEL = re.compile(_element(rb"<dt\b[^>]*>", b"dt"))
_FIELD = re.compile(_element(rb"<dd\b[^>]*>", b"dd"))
_HEADER_CELL = re.compile(rb"<th[\s>]")


def cut_excluded(html: bytes) -> bytes:
    """The page without the elements EXCLUDED names, each cut out whole (what is around it kept as it
    is, as Pagefind's selectors leave it)."""
    if b"headerlink" in html:
        html = _HEADERLINK.sub(b"", html)
    if _ENTRIES_CLASS not in html:
        return html
    pieces, at = [], 0
    for table in _TABLE_TAG.finditer(html):
        end = html.find(b"</table>", table.end())
        if end < 0:
            break
        pieces += [html[at : table.end()], _cut_table(html[table.end() : end])]
        at = end
    pieces.append(html[at:])
    return b"".join(pieces)


def _cut_table(inside: bytes) -> bytes:
    if b"zwgk-related" in inside:
        inside = _RELATED.sub(b"", inside)
    inside = _FIELDS.sub(_cut_fields, inside)
    rows = inside.split(b"</tr>")
    for number, row in enumerate(rows):
        if b"</td>" in row:
            rows[number] = _cut_cells(row)
    return b"</tr>".join(rows)


def _cut_cells(row: bytes) -> bytes:
    """A row without its cells at EXCLUDED's positions (:nth-child counts every element: a <th> too)."""
    cells = row.split(b"</td>")
    position = 0
    for number in range(len(cells) - 1):  # each but the last ends with a cell's start and inside
        cell = cells[number]
        start = cell.rfind(b"<td")
        position += 1 + len(_HEADER_CELL.findall(cell, 0, start))
        if position in _EXCLUDED_CELLS:
            cells[number] = cell[:start]
        else:
            cells[number] = cell + b"</td>"
    return b"".join(cells)


def _cut_fields(fields: re.Match) -> bytes:
    """A <dl>'s inside without its labels and without every <dd> but the first."""
    inside = _LABEL.sub(b"", fields[2])
    first = _FIELD.search(inside)
    if first is not None:
        inside = inside[: first.end()] + _FIELD.sub(b"", inside[first.end() :])
    return fields[1] + inside + b"</dl>"


def pagefind_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind-bin-extended")
    except PackageNotFoundError:
        raise StaticSearchError("没有安装 Pagefind 扩展版（pagefind[extended]），请运行 make setup。") from None


def run_pagefind(site_dir: Path, output: Path | None = None, timeout: int = 1800, excluded: tuple[str, ...] = EXCLUDED) -> int:
    """Index the built HTML with Pagefind's extended (Chinese-segmenting) build, into `output` (default
    the site's pagefind/); returns the number of pages indexed. Pages opt in with data-pagefind-body
    (see overrides/main.html). `excluded`: the selectors Pagefind leaves out (none for pages cut
    already, indexed_view)."""
    target = output or site_dir / BUNDLE_DIR
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:
        raise StaticSearchError("没有安装 Pagefind 扩展版（pagefind[extended]），请运行 make setup。") from None
    command = [
        str(get_executable()),
        "--site",
        str(site_dir),
        "--output-path",
        str(target),
        "--force-language",
        "zh",
    ]
    for selector in excluded:
        command += ["--exclude-selectors", selector]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise StaticSearchError(f"Pagefind 未能运行：{error}") from None
    output = done.stdout + done.stderr
    match = _INDEXED_PAGES.search(output)
    if done.returncode != 0 or not match:
        raise StaticSearchError(f"Pagefind 建立检索索引失败（退出码 {done.returncode}）：\n{output[-2000:]}")
    if not (target / "pagefind-entry.json").is_file():
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


def read_bundle_file(path: Path):
    import gzip

    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(_SIGNATURE):
        raise StaticSearchError(f"{path.name} 不是 Pagefind 索引文件。")
    return raw[len(_SIGNATURE) :]


def _listed(site_dir: Path) -> dict:
    listed = site_dir / BUNDLE_DIR / PARTS_LIST
    return json.loads(listed.read_text(encoding="utf-8")) if listed.is_file() else {"parts": [], "stale": []}


def bundle_dirs(site_dir: Path) -> list[Path]:
    """The main bundle and the parts that parts.json lists for the browser to merge."""
    bundle = site_dir / BUNDLE_DIR
    return [bundle, *(bundle / PARTS_DIR / name for name in _listed(site_dir)["parts"])]


def stale_pages(site_dir: Path) -> set[str]:
    """The Pagefind page hashes that parts.json marks as superseded (pagefind_parts: pages changed
    since their part was indexed, found in the part of the changed pages instead)."""
    return set(_listed(site_dir)["stale"])


def pages_for_token(site_dir: Path, token: str) -> set[str]:
    """The URLs of the pages whose index (any bundle) holds `token` (a whole word, as Pagefind stores it)."""
    found, stale = set(), stale_pages(site_dir)
    for folder in bundle_dirs(site_dir):
        found |= _bundle_pages_for_token(folder, token, stale=stale)
    return found


def _bundle_pages_for_token(bundle: Path, token: str, wanted: str = "", stale: frozenset | set = frozenset()) -> set[str]:
    metas = sorted(bundle.glob("pagefind.*.pf_meta"))
    if len(metas) != 1:
        raise StaticSearchError(f"Pagefind 索引应有一个语言的元数据文件，实有 {len(metas)} 个。")
    meta, _ = _cbor(read_bundle_file(metas[0]))
    pages, chunks = meta[1], meta[2]
    urls_found = set()
    for first, last, chunk in chunks:
        # A chunk's bounds are word prefixes: it holds the words from `first` up to those starting with `last`.
        if first <= token and (token <= last or token.startswith(last)):
            (words, *_), _ = _cbor(read_bundle_file(bundle / "index" / f"{chunk}.pf_index"))
            for word in words:
                if word[0] == token:
                    page = 0
                    for posting in word[1]:
                        page += posting[0]  # page numbers are stored as differences
                        if pages[page][0] in stale:
                            continue
                        fragment = json.loads(read_bundle_file(bundle / "fragment" / f"{pages[page][0]}.pf_fragment"))
                        urls_found.add(fragment["url"])
                        if fragment["url"] == wanted:
                            return urls_found
    return urls_found


def silent_titles(site_dir: Path, expected: list[tuple[str, str]]) -> list[str]:
    """Of (title, page URL) pairs, the titles whose first bigram token does not find their page."""
    failures, stale = [], stale_pages(site_dir)
    folders = bundle_dirs(site_dir)
    by_name = {folder.name: folder for folder in folders[1:]}
    for title, url in expected:
        tokens = gram_tokens(title)
        found = set()
        # The page's own part first (the main bundle when it is not a listed part): reading every
        # part's postings of a common word took seconds; the others are read only if it is not there.
        own = by_name.get(part_of(url.strip("/") + "/index.html"), folders[0])
        for folder in [own, *(folder for folder in folders if folder != own)]:
            found |= _bundle_pages_for_token(folder, tokens[0], "/" + url, stale) if tokens else set()
            if "/" + url in found:
                break
        if "/" + url not in found:
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
