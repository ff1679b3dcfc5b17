"""The browser search's first pass: a term-sharded index of the character bigrams of every item's
and entry's title, names (an item's aliases) and keywords, from which tiers 1, 3 and 4 of
zwgk.search.ranking (a variant is the title or a name; is in the title or a name; has every bigram
in the title, names or keywords) and their closeness are computed exactly, without Pagefind and
without fetching a record. zwgk-search.js (`firstPass`) reads it; `candidates` here computes the
same, for the tests and the build's check.

Document numbers. Every item and entry has a number, `docnum`, in the order of the ranking's keys
after (tier, closeness): active before withdrawn, items before entries, newer first, title, URL
(`docnum_key`: zwgk.site.lookup.quality without the length, then title, then URL). The numbers of
the withdrawn records are the last ones, from `withdrawn_from` on, so a query's rank order is
(tier, docnum >= withdrawn_from, -closeness, docnum) once the postings give tier and closeness.

Twins. The same item (basic code and name) in several departments is one result. Only the first of
a group in docnum order, with the same aliases, has postings (`lead`); its record lists the others
(`twins`, below), from which the browser makes the pages' `others` (the result's "另有 N 个部门").
Twins with other aliases are a lead of their own.

Files, all under codes/ (beside the code lookups, written by the same step):

- `codes/title/<n>.bin`, n = lookup.shard_of(bigram, title_shards): for each bigram of the shard,
  `varint(len(utf8))`, its UTF-8, `varint(len(postings))`, then its postings in docnum order, each
  `varint(docnum - previous docnum)`, `varint(field)` and: for the title (field 0) `varint(position)`,
  `varint(title length)`; for a keyword (field 1, once per record) `varint(title length)`; for name k
  (field 2 + k) `varint(position)`, `varint(name length)`, `varint(title length)`. Positions and
  lengths count the code points of the normalised text (ranking.normalise); a bigram found twice in
  a field has two postings. Varints are unsigned LEB128.
- `codes/records/<docnum // RECORDS_PER_CHUNK>.json`: the chunk's records in docnum order (the code
  shards' records with an excerpt of at most EXCERPT_CHARS characters, and a lead's `twins`: the
  other departments' ids, [id, status] when the status is not 有效). The leads take the first
  numbers (active ones, then withdrawn ones from `withdrawn_from`), the other twins the last.
- `codes/search.json` gains `title_shards`, `records` (how many numbers), `leads` and `withdrawn_from`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from zwgk.site import urls
from zwgk.site.lookup import CJK_RUN, bigrams, closeness, normalise_code, quality, shard_of
from zwgk.site.record_chunks import RECORD_DIR, RECORDS_PER_CHUNK, chunk_record, departments_table, full_record, named_departments
from zwgk.site.search_data import entry_record, item_record

TITLE_DIR = "codes/title"
GRAMS_PER_SHARD = 0.5
EXCERPT_CHARS = 120
TITLE, KEYWORD, NAME = 0, 1, 2


_normalise = normalise_code  # the same folding as zwgk.search.ranking.normalise


def docnum_key(record: dict) -> tuple:
    """The order of the document numbers (see the module's docstring)."""
    return (-quality(record, False), record["title"], record["url"])


def department_records(site, items, entries) -> list[dict]:
    """The records of some items and entries as `numbered` lists them, before they are put in order
    (they read their department's files, the departments and the scheme: cached per department)."""
    records = []
    for item in items:
        record = item_record(site, item)
        record["dept"] = item.dept_id
        records.append(record)
    for entry in entries:
        record = entry_record(site, entry)
        record["dept"] = entry.dept_id
        records.append(record)
    for record in records:
        if record.get("excerpt") and len(record["excerpt"]) > EXCERPT_CHARS:
            record["excerpt"] = record["excerpt"][:EXCERPT_CHARS] + "…"
    return records


def numbered(site) -> list[dict]:
    """Every item's and entry's record in docnum order, each with `lead` (True when it has postings)
    and, for a lead with twins, `twins`; the leads first."""
    records = department_records(site, site.items, site.entries)
    return [records[n] for n in arrange(records, [docnum_key(r) for r in records])]


def arrange(records: list[dict], keys: list[tuple]) -> list[int]:
    """The docnum order of `records` (`keys`: their docnum_key) as their places in the list; sets
    each record's `lead` and, for a lead with twins, `twins`."""
    order = sorted(range(len(records)), key=keys.__getitem__)
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for n in order:
        record = records[n]
        record["lead"] = True
        record.pop("twins", None)  # of an earlier arrangement of the same records
        if record["kind"] == "item":
            groups[(record["group"], record["title"])].append(record)
    for twins in groups.values():
        if len(twins) < 2:
            continue
        seen: set[tuple] = set()
        for twin in twins:
            names = tuple(twin.get("aliases", []))
            if names in seen:
                twin["lead"] = False
                continue
            seen.add(names)
            # The others' department ids (their URL is urls.item of the id and the basic code), with
            # their status when it is not 有效: the browser has the departments (codes/search.json).
            twin["twins"] = [t["dept"] if t["status"] == "有效" else [t["dept"], t["status"]] for t in twins if t is not twin]
    # The twins that have no postings take the last numbers: the chunks of the leads stay small.
    return [n for n in order if records[n]["lead"]] + [n for n in order if not records[n]["lead"]]


def _varint(value: int, out: bytearray) -> None:
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def _grams(text: str) -> list[tuple[str, int]]:
    """(bigram, position) of each pair of Chinese characters in a normalised text."""
    found = []
    for run in CJK_RUN.finditer(text):
        start, chars = run.start(), run.group(0)
        found += [(chars[i : i + 2], start + i) for i in range(len(chars) - 1)]
    return found


def record_grams(record: dict) -> tuple[int, list[tuple[str, int, int, int]]]:
    """A record's title length and its postings without the docnum, (bigram, field, position, field
    length), in the order `postings` lists them (a function of the record alone, cached with it)."""
    title = _normalise(record["title"])
    found, own = [], set()
    for gram, at in _grams(title):
        found.append((gram, TITLE, at, len(title)))
        own.add(gram)
    for k, name in enumerate(_normalise(n) for n in record.get("aliases", []) if n):
        for gram, at in _grams(name):
            found.append((gram, NAME + k, at, len(name)))
            own.add(gram)
    keywords = {gram for keyword in record.get("keywords", []) for gram, _ in _grams(_normalise(keyword))}
    found += [(gram, KEYWORD, 0, 0) for gram in sorted(keywords - own)]
    return len(title), found


def postings(records: list[dict], grams: list[tuple] | None = None) -> dict[str, list[tuple]]:
    """bigram -> postings (docnum, field, position, field length, title length), in docnum order;
    `grams`: record_grams of each record, when known."""
    lists: dict[str, list[tuple]] = defaultdict(list)
    for docnum, record in enumerate(records):
        if not record["lead"]:
            continue
        title_length, found = grams[docnum] if grams is not None else record_grams(record)
        for gram, field, at, length in found:
            lists[gram].append((docnum, field, at, length, title_length))
    return lists


def encode(postings_of_gram: list[tuple]) -> bytes:
    out, previous = bytearray(), 0
    for docnum, field, at, length, title_length in postings_of_gram:
        if field == TITLE:
            values = (docnum - previous, field, at, title_length)
        elif field == KEYWORD:
            values = (docnum - previous, field, title_length)
        else:
            values = (docnum - previous, field, at, length, title_length)
        previous = docnum
        for value in values:
            if value < 0x80:  # most values: one byte
                out.append(value)
            else:
                _varint(value, out)
    return bytes(out)


def shard_count(grams: int) -> int:
    """A power of two of at least twice as many files as bigrams (at most 4,096): a query's bigram
    then seldom shares its file with another, whose postings it would download too."""
    count = 1
    while count * GRAMS_PER_SHARD < grams and count < 4096:
        count *= 2
    return count


def title_files(site, records: list[dict], grams: list[tuple] | None = None) -> tuple[dict, dict[str, bytes]]:
    """The first pass's files and the settings it adds to codes/search.json, from `numbered` of the
    site (and record_grams of each record, when known)."""
    named = named_departments(departments_table(site))
    lists = postings(records, grams)
    shards = shard_count(len(lists))
    by_shard: dict[int, bytearray] = defaultdict(bytearray)
    for gram in sorted(lists):
        body = encode(lists[gram])
        head = gram.encode("utf-8")
        out = by_shard[shard_of(gram, shards)]
        _varint(len(head), out)
        out += head
        _varint(len(body), out)
        out += body
    files = {f"{TITLE_DIR}/{n}.bin": bytes(by_shard.get(n, b"")) for n in range(shards)}
    for start in range(0, len(records), RECORDS_PER_CHUNK):
        chunk = [chunk_record(r, named) for r in records[start : start + RECORDS_PER_CHUNK]]
        files[f"{RECORD_DIR}/{start // RECORDS_PER_CHUNK}.json"] = json.dumps(chunk, ensure_ascii=False, separators=(",", ":")).encode()
    leads = sum(1 for r in records if r["lead"])
    withdrawn_from = next((n for n, r in enumerate(records) if r["withdrawn"] or not r["lead"]), leads)
    return {"title_shards": shards, "records": len(records), "leads": leads, "withdrawn_from": withdrawn_from}, files


# ---- reading it back (the tests, the build's check; zwgk-search.js `firstPass` does the same) ------


def read_varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7


def decode_shard(data: bytes) -> dict[str, list[tuple]]:
    """A shard file's bigrams and their postings (docnum, field, position, field length, title length)."""
    found: dict[str, list[tuple]] = {}
    at = 0
    while at < len(data):
        size, at = read_varint(data, at)
        gram = data[at : at + size].decode("utf-8")
        at += size
        size, at = read_varint(data, at)
        end, docnum, items = at + size, 0, []
        while at < end:
            delta, at = read_varint(data, at)
            docnum += delta
            field, at = read_varint(data, at)
            position = length = 0
            if field != KEYWORD:
                position, at = read_varint(data, at)
            if field >= NAME:
                length, at = read_varint(data, at)
            title_length, at = read_varint(data, at)
            items.append((docnum, field, position, length if field >= NAME else title_length, title_length))
        found[gram] = items
    return found


def first_pass_variant(variant: str) -> bool:
    """Whether the first pass can answer a variant: one run of two or more Chinese characters."""
    return bool(CJK_RUN.fullmatch(variant))


def candidates(read_shard, shards: int, variants: list[str], cache: dict | None = None) -> dict[int, tuple[int, int]]:
    """docnum -> (tier, closeness) of every lead whose title, names or keywords match one of the
    variants (tiers 1, 3, 4), as zwgk.search.ranking.match computes them. `read_shard(n)` gives a
    shard file's bytes (`cache` keeps the decoded files between calls). Every variant must pass
    `first_pass_variant`."""
    cache = {} if cache is None else cache

    def lookup(gram: str) -> list[tuple]:
        number = shard_of(gram, shards)
        if number not in cache:
            cache[number] = decode_shard(read_shard(number))
        return cache[number].get(gram, [])

    best: dict[int, tuple[int, int]] = {}
    for variant in variants:
        grams = [variant[i : i + 2] for i in range(len(variant) - 1)]
        lists = {gram: lookup(gram) for gram in dict.fromkeys(grams)}
        docs = None
        for found in lists.values():
            these = {p[0] for p in found}
            docs = these if docs is None else docs & these
        if not docs:
            continue
        # Where each field of each candidate holds each bigram: docnum -> field -> gram -> {positions}.
        places: dict[int, dict[int, dict[str, set[int]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
        lengths: dict[tuple[int, int], int] = {}
        titles: dict[int, int] = {}
        for gram, found in lists.items():
            for docnum, field, at, length, title_length in found:
                if docnum in docs:
                    titles[docnum] = title_length
                    if field != KEYWORD:
                        places[docnum][field][gram].add(at)
                        lengths[(docnum, field)] = length
        size = len(variant)
        for docnum in docs:
            match = (4, closeness(size, titles[docnum]))
            for field, where in places.get(docnum, {}).items():
                for start in where.get(grams[0], ()):
                    if all(start + i in where.get(gram, ()) for i, gram in enumerate(grams)):
                        length = lengths[(docnum, field)]
                        here = (1, 10) if start == 0 and length == size else (3, closeness(size, length))
                        match = min(match, here, key=lambda m: (m[0], -m[1]))
            previous = best.get(docnum)
            if previous is None or (match[0], -match[1]) < (previous[0], -previous[1]):
                best[docnum] = match
    return best


def sharing(read_shard, shards: int, variants: list[str], cache: dict | None = None) -> tuple[dict[int, int], int]:
    """Tier 5's title part (zwgk-search.js `sharing`): the leads outside tiers 1-4 whose title, names
    and keywords hold all but two of a variant's bigrams (at least one: zwgk.search.query.most_bigrams),
    docnum -> closeness (ranking._overlap, the best over the variants), and the bound: no other record
    has a tier-5 closeness above it."""
    cache = {} if cache is None else cache
    matched = candidates(read_shard, shards, variants, cache)
    has: dict[int, set[str]] = defaultdict(set)
    for variant in variants:
        for gram in bigrams(variant):
            number = shard_of(gram, shards)
            if number not in cache:
                cache[number] = decode_shard(read_shard(number))
            for posting in cache[number].get(gram, []):
                has[posting[0]].add(gram)
    found, bound = {}, -1
    for variant in variants:
        own = bigrams(variant)
        if not own:
            continue
        need = max(1, len(own) - 2)
        bound = max(bound, (10 * (need - 1)) // len(own))
        for docnum, grams in has.items():
            if docnum not in matched and sum(g in grams for g in own) >= need:
                found[docnum] = 0
    for docnum in found:
        found[docnum] = max((10 * sum(g in has[docnum] for g in own)) // len(own) for v in variants if (own := bigrams(v)))
    return found, bound


def site_reader(site_dir: Path):
    """`read_shard` over a built site's files."""
    return lambda number: (site_dir / TITLE_DIR / f"{number}.bin").read_bytes()


def shard_grams(data: bytes) -> set[str]:
    """The bigrams a shard file holds (its postings skipped)."""
    grams, at = set(), 0
    while at < len(data):
        size, at = read_varint(data, at)
        grams.add(data[at : at + size].decode("utf-8"))
        size, at = read_varint(data, at + size)
        at += size
    return grams


def expected_titles(site) -> list[tuple[str, str]]:
    """(page URL, title) of every item and entry of the catalogue: what unfound_titles looks for."""
    return [(urls.item(i.dept_id, i.basic_code), i.name) for i in site.items] + [(site.entry_url(e), e.title) for e in site.entries]


def unfound_titles(site_dir: Path, site, sample: int = 30) -> list[str]:  # of expected_titles(site)
    return unfound_titles_of(site_dir, expected_titles(site), sample)


def unfound_titles_of(site_dir: Path, expected: list[tuple[str, str]], sample: int = 30) -> list[str]:
    """The titles of the catalogue's items and entries that the first pass of the built site would
    not find: a record missing from the chunks, a lead whose title's bigrams are not all in the index,
    a twin missing from its lead's `twins`, and (for `sample` items spread over the leads: their
    bigrams' postings are short to decode) a title that `candidates` does not rank in tier 1 or 3
    for its own record. Each file is read once."""
    settings = json.loads((site_dir / "codes/search.json").read_text(encoding="utf-8"))
    shards, leads = settings["title_shards"], settings["leads"]
    records: list[dict] = []
    folder = str(site_dir / RECORD_DIR)
    for number in range(-(-settings["records"] // RECORDS_PER_CHUNK)):
        with open(f"{folder}/{number}.json", "rb") as chunk:
            records += json.loads(chunk.read())
    named = named_departments(settings["departments"])
    records = [full_record(record, named) for record in records]
    written = {r["url"] for r in records}
    missing = [title for url, title in expected if url not in written]
    indexed: set[str] = set()
    folder = str(site_dir / TITLE_DIR)
    for number in range(shards):
        with open(f"{folder}/{number}.bin", "rb") as shard:
            indexed |= shard_grams(shard.read())
    twins: dict[tuple, set[str]] = defaultdict(set)
    step = max(1, sum(1 for r in records[:leads] if r["kind"] == "item") // max(sample, 1))
    read, decoded = site_reader(site_dir), {}
    for docnum, record in enumerate(records[:leads]):
        for twin in record.get("twins", []):
            twins[(record["code"], record["title"])].add(twin if isinstance(twin, str) else twin[0])
        title = _normalise(record["title"])
        if not indexed.issuperset(bigrams(title)) or (
            record["kind"] == "item"
            and docnum % step == 0
            and first_pass_variant(title)
            and candidates(read, shards, [title], decoded).get(docnum, (9, 0))[0] > 3
        ):
            missing.append(record["title"])
    for record in records[leads:]:
        if record["url"].split("/")[1] not in twins.get((record["code"], record["title"]), ()):
            missing.append(record["title"])
    return missing


__all__ = ["candidates", "decode_shard", "expected_titles", "numbered", "title_files", "unfound_titles", "unfound_titles_of"]
