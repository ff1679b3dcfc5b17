"""The code lookups and the first pass's files (zwgk.site.static_search, zwgk.site.title_index,
zwgk.site.prefix_lookup) made from one part per department, so that a build recomputes only the
parts of the departments whose files changed (zwgk.build.outputs keeps them) and the rest is cheap
assembly.

A part holds what is costly per record, in the form the files need it: each record's JSON as its
record chunk holds it, its bigram postings already encoded but for the document number, its
normalised codes and their hash (lookup.shard_of before the modulo), and per cut of the prefix
lookup the department's count, first records and lower cuts. The document numbers follow the ranking
order of the whole catalogue (title_index's module docstring), so only the assembly gives them:
it merges the parts' sort keys, picks the twins' leads, then writes every file. The files are byte
for byte those of title_index.title_files, prefix_lookup.prefix_shards and the plain code table
(tests/test_lookup_parts.py compares them)."""

from __future__ import annotations

import heapq
import json
from collections import defaultdict
from typing import NamedTuple

from zwgk.site import urls
from zwgk.site.lookup import normalise_code, shard_of
from zwgk.site.prefix_lookup import NODE_RECORDS, PREFIX_DIR, prefix_shard_count, record_cuts
from zwgk.site.record_chunks import RECORD_DIR, RECORDS_PER_CHUNK, SETTINGS_FILE, chunk_record, departments_table, named_departments
from zwgk.site.search_data import department_record
from zwgk.site.title_index import (
    KEYWORD,
    TITLE,
    TITLE_DIR,
    department_records,
    docnum_key,
    record_grams,
)
from zwgk.site.title_index import shard_count as title_shard_count

CODES_DIR = "codes"
_SMALL = [bytes([n]) for n in range(128)]


class LookupPart(NamedTuple):
    """One department's records (its items and entries), in docnum_key order."""

    dept_id: str
    keys: list[tuple]  # title_index.docnum_key of each record
    texts: list[str]  # its JSON in a record chunk, without `twins`
    withdrawn: list[bool]
    twins: list[tuple | None]  # an item's (basic code, title, aliases, status, department); None for an entry
    grams: list[list[tuple[str, bytes]]]  # (bigram, its posting's bytes after the docnum's delta)
    codes: list[list[tuple[str, int]]]  # normalised codes and shard_of(code, 2**32)
    cuts: dict[str, tuple[int, int, list[tuple[tuple, int]], list[str]]]  # cut: (hash, count, firsts, lower cuts)
    named: list[tuple[str, int, dict]]  # the department's USCC and its catalogue pages, with their records


def _hashed(key: str) -> tuple[str, int]:
    return key, shard_of(key, 1 << 32)  # shard_of(key, n) is this value % n


def write_varints(values, out: bytearray) -> None:
    for value in values:
        while value >= 0x80:
            out.append((value & 0x7F) | 0x80)
            value >>= 7
        out.append(value)


def _suffix(field: int, at: int, length: int, title_length: int) -> bytes:
    """A posting's bytes after the docnum's delta (title_index.encode)."""
    out = bytearray()
    if field == TITLE:
        write_varints((field, at, title_length), out)
    elif field == KEYWORD:
        write_varints((field, title_length), out)
    else:
        write_varints((field, at, length, title_length), out)
    return bytes(out)


def compact_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def lookup_part(site, dept_id: str) -> LookupPart:
    records = department_records(site, site.items_by_dept.get(dept_id, []), site.entries_by_dept.get(dept_id, []))
    keyed = sorted(((docnum_key(record), record) for record in records), key=lambda pair: pair[0])
    named = named_departments(departments_table(site))
    shared: dict = {}  # the same bigrams as one object each: a smaller, faster pickle
    suffixes: dict[tuple, bytes] = {}  # and the same posting bytes (made once)
    texts, twins, grams, codes = [], [], [], []
    cut_counts: dict[str, int] = defaultdict(int)
    cut_firsts: dict[str, list] = defaultdict(list)
    below: dict[str, set[str]] = defaultdict(set)
    for local, (_, record) in enumerate(keyed):
        texts.append(compact_json(chunk_record(record, named)))
        item = record["kind"] == "item"
        twins.append(
            (record["group"], record["title"], tuple(record.get("aliases", [])), record["status"], record["dept"]) if item else None
        )
        title_length, found = record_grams(record)
        own = []
        for gram, *rest in found:
            place = (*rest, title_length)
            suffix = suffixes.get(place)
            if suffix is None:
                suffixes[place] = suffix = _suffix(*place)
            own.append((shared.setdefault(gram, gram), suffix))
        grams.append(own)
        normalised = [normalise_code(code) for code in record["codes"]]
        codes.append([_hashed(code) for code in normalised])
        prefix_key, cuts, pairs = record_cuts(record, normalised)
        for upper, lower in pairs:
            below[upper].add(lower)
        for cut in cuts:
            cut_counts[cut] += 1
            cut_firsts[cut].append((prefix_key, local))
    cut_facts = {
        cut: (shard_of(cut, 1 << 32), count, heapq.nsmallest(NODE_RECORDS, cut_firsts[cut]), sorted(below.get(cut, ())))
        for cut, count in cut_counts.items()
    }
    return LookupPart(
        dept_id,
        [key for key, _ in keyed],
        texts,
        [record["withdrawn"] for _, record in keyed],
        twins,
        grams,
        codes,
        cut_facts,
        _named(site, dept_id),
    )


def _named(site, dept_id: str) -> list[tuple[str, int, dict]]:
    """A department's USCC (the start of its 索引号) and USCC/period (a catalogue page), with their
    records, so that a partial 索引号 leads to its publisher."""
    dept = site.departments.get(dept_id)
    if dept is None:
        return []
    named = [(*_hashed(normalise_code(dept.uscc)), department_record(site, dept))]
    periods = set()
    for entry in site.entries_by_dept.get(dept_id, []):
        number = site.numbers[id(entry)]
        periods.add((number.period, urls.chunk_of(number.serial)))
    for period, chunk in sorted(periods):
        if chunk == 1:
            title = f"{dept.name} {period[:4]} 年{f' {int(period[4:])} 月' if len(period) == 6 else ''}政府信息公开目录"
            page = {"kind": "catalogue", "code": f"{dept.uscc}/{period}", "title": title, "department": dept.short_name}
            page |= {"department_name": dept.name, "url": urls.catalogue_page(dept.dept_id, period, chunk), "level": dept.level}
            named.append((*_hashed(normalise_code(f"{dept.uscc}/{period}")), page))
    return named


def part_ids(site) -> list[str]:
    """The departments that have a part: every department, and any other that items or entries name."""
    return sorted(set(site.departments) | set(site.items_by_dept) | set(site.entries_by_dept))


class Arranged(NamedTuple):
    order: list[int]  # the records (their places in the parts joined) in docnum order
    docnums: list[int]  # each place's docnum
    leads: int
    twins: dict[int, list]  # a lead's twins, by place


def _arrange(parts: list[LookupPart]) -> Arranged:
    """title_index.arrange over the parts' records."""
    keys: list[tuple] = []
    twins: list[tuple | None] = []
    for part in parts:
        keys += part.keys
        twins += part.twins
    order = sorted(range(len(keys)), key=keys.__getitem__)
    groups: dict[tuple, list[int]] = defaultdict(list)
    for place in order:
        if twins[place] is not None:
            groups[twins[place][:2]].append(place)
    follower: set[int] = set()
    lead_twins: dict[int, list] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        seen: set[tuple] = set()
        for place in members:
            names = twins[place][2]
            if names in seen:
                follower.add(place)
                continue
            seen.add(names)
            others = (twins[other] for other in members if other != place)
            lead_twins[place] = [dept if status == "有效" else [dept, status] for _, _, _, status, dept in others]
    if follower:
        order = [p for p in order if p not in follower] + [p for p in order if p in follower]
    docnums = [0] * len(order)
    for docnum, place in enumerate(order):
        docnums[place] = docnum
    return Arranged(order, docnums, len(order) - len(follower), lead_twins)


def code_files(site, shards: int, parts: list[LookupPart], titles=None) -> dict[str, bytes]:
    """Every file under codes/ (static_search.code_shards) from the parts of part_ids; `titles` writes
    the first pass's files (default `assembled_title_files`; zwgk.site.lookup_delta.Titles patches the previous
    build's, and then tells which of the other files may differ from the previous build's: the rest are
    taken from it)."""
    arranged = _arrange(parts)
    order, docnums = arranged.order, arranged.docnums
    texts, withdrawn, grams, codes = [], [], [], []
    for part in parts:
        texts += part.texts
        withdrawn += part.withdrawn
        grams += part.grams
        codes += part.codes
    files: dict[str, bytes] = {}
    first_pass = (titles or assembled_title_files)(arranged, texts, withdrawn, grams, files)
    stale = titles.stale_codes(shards, codes) if hasattr(titles, "stale_codes") else None
    grouped: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for docnum, place in enumerate(order):
        for key, value in codes[place]:
            if stale is None or value % shards in stale:
                grouped[value % shards][key].append(docnum)
    by_id = {part.dept_id: part for part in parts}
    for dept_id in site.departments:
        for key, value, record in by_id[dept_id].named:
            grouped[value % shards][key].append(record)
    for number in range(shards):
        path = f"{CODES_DIR}/{number}.json"
        files[path] = compact_json(grouped.get(number, {})).encode() if stale is None or number in stale else titles.previous_file(path)
    # The shard count (for `zwgk search`, which reads the shards for exact codes), the province's
    # synonyms (applied at query time, zwgk.search.ranking.variants) and departments: one small file.
    # The departments too: few, and a department's name should find it whatever Pagefind ranks first.
    # The browser makes department records of these, and puts them back into the chunks' records.
    departments = departments_table(site)
    prefixes = _prefix_files(parts, docnums, files, titles)
    settings = {"shards": shards, "prefix_shards": prefixes, "synonyms": site.scheme.synonyms, "departments": departments}
    settings["rows_per_page"] = urls.ROWS_PER_PAGE
    settings |= first_pass
    if hasattr(titles, "counted"):
        titles.counted(shards, prefixes)
    files[SETTINGS_FILE] = compact_json(settings).encode()
    return files


def _prefix_files(parts: list[LookupPart], docnums: list[int], files: dict[str, bytes], titles=None) -> int:
    """prefix_lookup.prefix_shards from the parts' cuts (only the files that may have changed, when
    `titles` tells: lookup_delta.Titles.stale_cuts)."""
    merged: dict[str, list] = {}
    offset = 0
    for part in parts:
        for cut, (value, count, firsts, lower) in part.cuts.items():
            firsts = [(key, offset + local) for key, local in firsts]
            if cut in merged:
                _, total, known, known_lower = merged[cut]
                merged[cut] = (value, total + count, heapq.nsmallest(NODE_RECORDS, known + firsts), sorted({*known_lower, *lower}))
            else:
                merged[cut] = (value, count, firsts, lower)
        offset += len(part.keys)
    shards = prefix_shard_count(len(merged))
    stale = titles.stale_cuts(shards, merged) if hasattr(titles, "stale_cuts") else None
    grouped: dict[int, dict[str, dict]] = defaultdict(dict)
    for cut in sorted(merged):
        value, count, firsts, lower = merged[cut]
        if stale is not None and value % shards not in stale:
            continue
        node: dict = {"r": [docnums[place] for _, place in firsts], "n": count}
        if count > NODE_RECORDS:
            node["k"] = lower
        grouped[value % shards][cut] = node
    for number in range(shards):
        path = f"{PREFIX_DIR}/{number}.json"
        files[path] = compact_json(grouped.get(number, {})).encode() if stale is None or number in stale else titles.previous_file(path)
    return shards


def assembled_title_files(arranged: Arranged, texts: list[str], withdrawn: list[bool], grams: list, files: dict[str, bytes]) -> dict:
    """title_index.title_files from the parts' records."""
    order, leads = arranged.order, arranged.leads
    # Each bigram's postings encoded as they come, in docnum order: [bytes so far, previous docnum].
    bodies: dict[str, list] = {}
    small = _SMALL
    for docnum in range(leads):
        for gram, suffix in grams[order[docnum]]:
            known = bodies.get(gram)
            if known is None:
                bodies[gram] = known = [bytearray(), 0]
            delta = docnum - known[1]
            known[1] = docnum
            body = known[0]
            if delta < 0x80:
                body += small[delta]
            else:
                write_varints((delta,), body)
            body += suffix
    shards = title_shard_count(len(bodies))
    by_shard: dict[int, bytearray] = defaultdict(bytearray)
    for gram in sorted(bodies):
        body = bodies[gram][0]
        head = gram.encode("utf-8")
        out = by_shard[shard_of(gram, shards)]
        write_varints((len(head),), out)
        out += head
        write_varints((len(body),), out)
        out += body
    files.update({f"{TITLE_DIR}/{n}.bin": bytes(by_shard.get(n, b"")) for n in range(shards)})
    lead_twins = arranged.twins
    for start in range(0, len(order), RECORDS_PER_CHUNK):
        chunk = []
        for place in order[start : start + RECORDS_PER_CHUNK]:
            text = texts[place]
            if place in lead_twins:
                text = text[:-1] + ',"twins":' + compact_json(lead_twins[place]) + "}"
            chunk.append(text)
        files[f"{RECORD_DIR}/{start // RECORDS_PER_CHUNK}.json"] = ("[" + ",".join(chunk) + "]").encode()
    withdrawn_from = next((n for n, place in enumerate(order) if withdrawn[place] or n >= leads), leads)
    return {"title_shards": shards, "records": len(order), "leads": leads, "withdrawn_from": withdrawn_from}
