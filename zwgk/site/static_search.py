"""What the public search in the browser needs besides the built HTML, which Pagefind indexes:
search tags in the pages (filters, kind, bigram tokens) and the exact-code lookup files.

Pagefind segments Chinese into words, so it misses substrings that cross a word boundary (营许 in
经营许可) and titles with one mistyped character. Each title therefore also carries its character
bigrams as ASCII tokens (`zg` + each character in base 36): the browser computes the same tokens
from the query when the words find too little. The script that does so is
content/assets/javascripts/zwgk-search.js; the tokens themselves are made in zwgk.site.search_tokens,
and Pagefind is run and checked in zwgk.site.pagefind.

Exact codes (basic and implementation codes, 索引号, 文号) do not go through Pagefind at all: they are
looked up in small JSON shards, so typing one leads straight to its record.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import NamedTuple

from markupsafe import Markup

from zwgk.site.lookup import quality
from zwgk.site.lookup_parts import CODES_DIR, SETTINGS_FILE, LookupPart, code_files, lookup_part, part_ids  # noqa: F401 (the paths, read here by others)
from zwgk.site.search_data import department_record, entry_record, item_record, shared_index_prefix
from zwgk.site.search_tokens import gram_tokens, gram_weight, page_index_tokens

KEYS_PER_SHARD = 400


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
    sort: str = ""  # Pagefind's sort key `q`: lookup.quality of the page's best record, without the length


def tags(
    kind: str, filters: dict[str, list[str]], grams: str = "", withdrawn: bool = False, record: dict | None = None, twin: bool = False
) -> Tags:
    """A page's kind, its filter values, the bigram tokens of its title and names (`grams`: the title,
    then one name a line), and its record."""
    pairs = [(name, value) for name, values in filters.items() for value in dict.fromkeys(values) if value]
    tokens = gram_tokens(grams)
    weight = round(gram_weight(grams.split("\n")[0], withdrawn) * (0.5 if twin else 1), 2)
    payload = _element_text(json.dumps(record, ensure_ascii=False, separators=(",", ":"))) if record is not None else ""
    names = " ".join(grams.split("\n")[1:])
    return Tags(kind, pairs, Grams(" ".join(tokens), weight) if tokens else None, names, payload, sort_key(record))


def sort_key(record: dict | None) -> str:
    """The sort key `q` of a page showing this record, as a fixed-width number (a catalogue page's is
    that of its best entry: catalogue_tags). A department's page comes last: the words of the items
    and entries it lists find it, not its own (the browser takes departments from the settings)."""
    if not record or record.get("kind") not in ("item", "entry", "department"):
        return ""
    return f"{0 if record['kind'] == 'department' else int(quality(record, False)):07d}"


def _element_text(value: str) -> Markup:
    """Text for an element's content, where only `&` and `<` are markup (and `>` by convention):
    quotes stay as they are. The autoescape's `&#34;` for each quote of the JSON made a catalogue
    page's records a third larger (16 MB at province scale); Pagefind reads the same text either way."""
    return Markup(value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def entry_grams(title: str, keywords: list[str] | None = None, doc_number: str | None = None) -> Grams | None:
    """An entry's tokens (title, keywords and the publisher's part of its 文号, so that a partial 文号
    finds the entry), placed after its heading so that they belong to its sub-result; the keywords
    also as words. The start of its 索引号 is the page's (catalogue_tags)."""
    tokens = gram_tokens("\n".join([title, *(keywords or []), doc_number or ""]))
    return Grams(" ".join(tokens), gram_weight(title), " ".join(keywords or [])) if tokens else None


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
        # As the first pass's `twins`: a department's id (its name and the page's URL are the
        # browser's to make), with the status when it is not 有效.
        record["others"] = [t.dept_id if t.status == "有效" else [t.dept_id, t.status] for t in others]
    del record["url"], record["group"]  # the page's own URL; the group is the basic code
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
    serial (the result of a sub-result shows its entry's date, 文号 and 有效性), and the tokens of
    the starts of their 索引号 (search_tokens.page_index_tokens: once for the page, not per entry)."""
    filters = {
        "kind": ["目录条目"],
        "department": [site.department_name(dept_id)],
        "year": sorted({str(entry.date.year) for entry in entries}),
        "topic": sorted({site.scheme.topics.get(entry.topic, entry.topic) for entry in entries if entry.topic}),
        "validity": sorted({entry.validity for entry in entries}),
    }
    serials = {f"{site.numbers[id(entry)].serial:05d}": entry for entry in entries}
    prefix = shared_index_prefix({serial: entry.index for serial, entry in serials.items()})
    records, best = {}, 0.0
    for serial, entry in serials.items():
        best = max(best, quality(entry_record(site, entry), False))
        records[serial] = entry_fields(entry, prefix + serial if prefix else "")
    page = {"kind": "catalogue", "department": site.department_name(dept_id)}
    dept = site.departments.get(dept_id)
    page["department_name"], page["level"] = (dept.name, dept.level) if dept else (dept_id, "")
    if prefix:
        page["index"] = prefix
    page["entries"] = records
    tokens = page_index_tokens([entry.index for entry in entries])
    grams = Grams(" ".join(tokens), 1.0) if tokens else None
    return tags("catalogue", filters, record=page)._replace(sort=f"{int(best):07d}" if best else "", grams=grams)


def entry_fields(entry, implied: str = "") -> list:
    """What a catalogue page's search data holds of an entry, the rest of its record being the page's
    (department, level) or its sub-result's (title, URL, and the 内容概述 as the excerpt, indexed
    under the entry's heading): [索引号, 有效性, 生成日期, 文号, 关键词], the last two left out when
    empty, the 索引号 empty when it is `implied` (the page's `index` + the serial: catalogue_tags)
    (zwgk-search.js `records` makes the record of these). Stable values only: Pagefind indexes
    this text too, so anything that moves on another record's change (a document number) would make
    every part stale."""
    index = "" if implied and entry.index == implied else entry.index
    fields = [index, entry.validity, entry.date.isoformat(), entry.doc_number or "", list(entry.keywords or [])]
    while not fields[-1]:
        fields.pop()
    return fields


# ---- exact codes ---------------------------------------------------------------------------------


def shard_count(records: int) -> int:
    """A power of two that keeps each shard near KEYS_PER_SHARD keys (at most 4,096 shards)."""
    count = 1
    while count * KEYS_PER_SHARD < records and count < 4096:
        count *= 2
    return count


def code_shards(site, shards: int, parts: list[LookupPart] | None = None) -> dict[str, bytes]:
    """The lookup files, `codes/<n>.json`: {normalised code: [document numbers or records]}. A basic
    code shared by several departments, or a 文号 on several entries, lists them all. The items' and
    entries' records are written once, in the first pass's record chunks (zwgk.site.title_index).
    Every exact code of the catalogue is there: an item's or entry's codes name its document number,
    a department's USCC (the start of its 索引号) and USCC/period (a catalogue page) their records,
    so that a partial 索引号 leads to its publisher. Also the prefix lookup (zwgk.site.prefix_lookup)
    and codes/search.json. `parts`: zwgk.site.lookup_parts.lookup_part of each of part_ids, when
    known (the build keeps them); the files are the same either way."""
    parts = parts if parts is not None else [lookup_part(site, dept_id) for dept_id in part_ids(site)]
    return code_files(site, shards, parts)
