"""The first pass's files (zwgk.site.title_index: the title postings `codes/title/<n>.bin` and the
record chunks `codes/records/<n>.json`) updated from the previous build's instead of written afresh.

The document numbers follow the ranking order over the whole catalogue, so a changed title moves the
numbers of the records between its old and its new place; but only those. A record whose number,
postings, chunk text and twins are what they were contributes the same bytes as before, so the files
that hold no moved or changed record are the previous build's, and only the postings of the bigrams
of moved or changed records are written again: the previous postings of such a bigram without those
of the records that moved or changed, and theirs at their new numbers. What the previous files were
made from is kept with them (`Numbering`: each number's record URL, the leads, the twins, the bigram
and shard counts). The files are byte for byte those of lookup_parts.code_files from scratch
(tests/test_lookup_parts.py); when the shard count would change, or when much moved, `Titles` writes
everything as lookup_parts does."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from itertools import accumulate
from operator import itemgetter
from typing import NamedTuple

from zwgk.site.lookup import shard_of
from zwgk.site.lookup_parts import Arranged, LookupPart, assembled_title_files, compact_json, write_varints
from zwgk.site.record_chunks import RECORD_DIR, RECORDS_PER_CHUNK
from zwgk.site.title_index import KEYWORD, TITLE, TITLE_DIR, read_varint
from zwgk.site.title_index import shard_count as title_shard_count

# Beyond this share of moved or changed records the files are written afresh (cheaper than patching).
MOST_MOVED = 0.25
# One posting (title_index.encode): the docnum's delta, the field (one byte) and the field's varints.
_V = rb"[\x80-\xff]*[\x00-\x7f]"
_TITLE, _KEYWORD, _NAMES = re.escape(bytes([TITLE])), re.escape(bytes([KEYWORD])), rb"[\x02-\x7f]"  # names: fields 2 and up
_POSTING = re.compile(_V + rb"(?:" + _TITLE + _V + _V + rb"|" + _KEYWORD + _V + rb"|" + _NAMES + _V + _V + _V + rb")")


class Numbering(NamedTuple):
    """What a build's first-pass files were made from, kept with them for the next build."""

    part_keys: dict[str, str]  # each department's part key (zwgk.build.outputs)
    urls: list[str]  # each docnum's record URL
    leads: int
    twins: dict[str, list]  # a lead's twins, by its URL
    grams: int  # how many bigrams have postings
    title_shards: int
    shards: int = 0  # the code shards' count (codes/<n>.json)
    prefix_shards: int = 0


def _value(raw: bytes) -> int:
    value = 0
    for shift, byte in enumerate(raw):
        value |= (byte & 0x7F) << (7 * shift)
    return value


def blocks(data: bytes) -> dict[str, bytes]:
    """A title shard's bigrams and the bytes of their postings."""
    found, at = {}, 0
    while at < len(data):
        size, at = read_varint(data, at)
        gram = data[at : at + size].decode("utf-8")
        size, at = read_varint(data, at + size)
        found[gram] = data[at : at + size]
        at += size
    return found


def _delta_length(posting: bytes) -> int:
    length = 1
    while posting[length - 1] >= 0x80:
        length += 1
    return length


def patched(body: bytes, drops: set[int], adds: list[tuple[int, bytes]]) -> bytes | None:
    """A bigram's postings without those at the docnums `drops` and with `adds` (docnum, the posting's
    bytes after the docnum's delta), in docnum order. Only the postings between the first and the
    last docnum concerned are read one by one; those before are kept as they are, and those after but
    for the first one's delta. None when the bytes are not postings as title_index writes them."""
    posts = _POSTING.findall(body)
    if sum(map(len, posts)) != len(body):
        return None
    deltas = [post[0] for post in posts]
    for n in [n for n, first in enumerate(deltas) if first >= 0x80]:
        deltas[n] = _value(posts[n][: _delta_length(posts[n])])
    docnums = list(accumulate(deltas))
    concerned = [*drops, *(docnum for docnum, _ in adds)]
    start, end = bisect_left(docnums, min(concerned)), bisect_right(docnums, max(concerned))
    middle = [(docnums[n], posts[n][_delta_length(posts[n]) :]) for n in range(start, end) if docnums[n] not in drops]
    merged = sorted(middle + sorted(adds, key=itemgetter(0)), key=itemgetter(0))
    out = bytearray(b"".join(posts[:start]))
    previous = docnums[start - 1] if start else 0
    for docnum, suffix in merged:
        write_varints((docnum - previous,), out)
        out += suffix
        previous = docnum
    if end < len(posts):
        write_varints((docnums[end] - previous,), out)
        out += posts[end][_delta_length(posts[end]) :]
        out += b"".join(posts[end + 1 :])
    return bytes(out)


def gram_count(files: dict[str, bytes], shards: int) -> int:
    return sum(len(blocks(files.get(f"{TITLE_DIR}/{n}.bin", b""))) for n in range(shards))


def _cut_facts(part: LookupPart | None) -> dict[str, tuple]:
    """A part's cuts with their first records named by URL (their places move with the part)."""
    if part is None:
        return {}
    return {
        cut: (value, count, [(key, part.keys[local][-1]) for key, local in firsts], lower)
        for cut, (value, count, firsts, lower) in part.cuts.items()
    }


class Titles:
    """lookup_parts.code_files's writer of the first pass's files: from the previous build's files
    and Numbering when given (`previous`: (files, Numbering); `old_parts`: the previous parts of the
    departments whose parts changed or went), else afresh. `numbering` is then what the files were
    made from; `rebuilt` how many of the first pass's files were written again (None: all)."""

    def __init__(self, parts: list[LookupPart], part_keys: dict[str, str], previous=None, old_parts: dict | None = None):
        self.parts, self.part_keys, self.previous, self.old_parts = parts, part_keys, previous, old_parts or {}
        self.numbering: Numbering | None = None
        self.rebuilt: int | None = None
        self.moved: set[int] | None = None  # the places whose record moved, or whose department's part changed
        self.shifted: set[int] = set()  # the places whose record is new or has another docnum
        self.changed: set[str] = set()  # the departments whose parts changed

    def previous_file(self, path: str) -> bytes:
        return self.previous[0][path]

    def counted(self, shards: int, prefix_shards: int) -> None:
        self.numbering = self.numbering._replace(shards=shards, prefix_shards=prefix_shards)

    def _pairs(self):
        """(previous part, part) of each department whose part changed, either None when absent."""
        new = {part.dept_id: part for part in self.parts if part.dept_id in self.changed}
        return [(self.old_parts.get(dept_id), new.get(dept_id)) for dept_id in sorted(self.old_parts.keys() | new.keys())]

    def stale_codes(self, shards: int, codes: list) -> set[int] | None:
        """The code shards that may differ from the previous build's (None: any): those of the codes
        of the records with a new docnum, of the changed departments' records whose codes changed or
        that went, and of their departments' own codes when these changed (lookup_parts._named)."""
        if self.moved is None or self.previous[1].shards != shards:
            return None
        stale = {value % shards for place in self.shifted for _, value in codes[place]}
        for old, new in self._pairs():
            before = {key[-1]: found for key, found in zip(old.keys, old.codes, strict=True)} if old else {}
            after = {key[-1]: found for key, found in zip(new.keys, new.codes, strict=True)} if new else {}
            for url in before.keys() | after.keys():
                if before.get(url) != after.get(url):
                    stale.update(value % shards for _, value in [*before.get(url, ()), *after.get(url, ())])
            if (old and old.named) != (new and new.named):
                stale.update(value % shards for part in (old, new) if part for _, value, _ in part.named)
        return stale

    def stale_cuts(self, shards: int, merged: dict[str, tuple]) -> set[int] | None:
        """The prefix lookup's files that may differ from the previous build's (None: any): those of
        the changed departments' cuts whose count, first records or lower cuts changed, and of every
        cut whose first records include one with a new docnum (`merged`: lookup_parts._prefix_files's
        cuts)."""
        if self.moved is None or self.previous[1].prefix_shards != shards:
            return None
        stale = set()
        for old, new in self._pairs():
            before, after = _cut_facts(old), _cut_facts(new)
            stale.update(value % shards for cut, (value, *_) in {**before, **after}.items() if before.get(cut) != after.get(cut))
        shifted = self.shifted
        stale.update(value % shards for value, _, firsts, _ in merged.values() if any(place in shifted for _, place in firsts))
        return stale

    def __call__(self, arranged: Arranged, texts, withdrawn, grams, files: dict[str, bytes]) -> dict:
        urls = [key[-1] for part in self.parts for key in part.keys]
        settings = self._patched(arranged, urls, texts, withdrawn, grams, files) if self.previous is not None else None
        if settings is None:
            self.rebuilt = self.moved = None
            settings = assembled_title_files(arranged, texts, withdrawn, grams, files)
            count = gram_count(files, settings["title_shards"])
        else:
            settings, count = settings
        by_docnum = [urls[place] for place in arranged.order]
        twins = {urls[place]: value for place, value in arranged.twins.items()}
        self.numbering = Numbering(dict(self.part_keys), by_docnum, arranged.leads, twins, count, settings["title_shards"])
        return settings

    def _patched(self, arranged: Arranged, urls, texts, withdrawn, grams, files):
        old_files, old = self.previous
        order, docnums, leads = arranged.order, arranged.docnums, arranged.leads
        changed = {part.dept_id for part in self.parts if old.part_keys.get(part.dept_id) != self.part_keys.get(part.dept_id)}
        gone = set(old.part_keys) - {part.dept_id for part in self.parts}
        self.changed = changed
        if not (changed | gone) <= set(self.old_parts) | (changed - set(old.part_keys)):
            return None  # a previous part is no longer kept
        before: dict[str, tuple] = {}  # URL -> (postings, text) of the changed departments' previous records
        for dept_id in changed | gone:
            part = self.old_parts.get(dept_id)
            if part is not None:
                for key, text, found in zip(part.keys, part.texts, part.grams, strict=True):
                    before[key[-1]] = (found, text)
        old_docnum = {url: docnum for docnum, url in enumerate(old.urls)}
        wases = [old_docnum.get(url) for url in urls]
        # The places whose record moved, or whose department's part changed: only they are looked at.
        own: set[int] = set()
        place = 0
        for part in self.parts:
            if part.dept_id in changed:
                own.update(range(place, place + len(part.keys)))
            place += len(part.keys)
        self.shifted = {place for place, (was, docnum) in enumerate(zip(wases, docnums, strict=True)) if was != docnum}
        self.moved = own | self.shifted
        if len(self.moved) > MOST_MOVED * max(len(order), 1):
            return None
        twins = {urls[place]: value for place, value in arranged.twins.items()}
        chunks = {docnums[place] // RECORDS_PER_CHUNK for place in self.moved if wases[place] != docnums[place]}
        if twins != old.twins:
            where = {url: place for place, url in enumerate(urls)}
            for url in twins.keys() | old.twins.keys():
                if twins.get(url) != old.twins.get(url) and url in where:
                    chunks.add(docnums[where[url]] // RECORDS_PER_CHUNK)
        drops: dict[str, set[int]] = defaultdict(set)  # the old docnums whose postings of a bigram go
        added: dict[str, list[tuple[int, bytes]]] = defaultdict(list)
        for place in self.moved:
            url, docnum, was = urls[place], docnums[place], wases[place]
            new_grams = old_grams = grams[place]
            if place in own:
                previous = before.get(url)
                if previous is None and was is not None:
                    return None  # a record of the previous numbering that its previous part lacks
                old_grams, old_text = previous if previous is not None else (None, None)
                if old_text != texts[place]:
                    chunks.add(docnum // RECORDS_PER_CHUNK)
            lead, was_lead = docnum < leads, was is not None and was < old.leads
            same = was == docnum and old_grams == new_grams
            if was_lead and (not lead or not same):
                for gram, _ in old_grams:
                    drops[gram].add(was)
            if lead and (not was_lead or not same):
                for gram, suffix in new_grams:
                    added[gram].append((docnum, suffix))
        present = set(urls)
        for url, (old_grams, _) in before.items():
            was = old_docnum.get(url)
            if url not in present and was is not None and was < old.leads:
                for gram, _ in old_grams:
                    drops[gram].add(was)
        # The postings of the bigrams concerned, from the previous shards.
        shards = old.title_shards
        read: dict[int, dict[str, bytes]] = {}
        count = old.grams
        for gram in drops.keys() | added.keys():
            number = shard_of(gram, shards)
            if number not in read:
                read[number] = blocks(old_files.get(f"{TITLE_DIR}/{number}.bin", b""))
            body = read[number].get(gram, b"")
            new = patched(body, drops.get(gram, set()), added.get(gram, []))
            if new is None:
                return None
            read[number][gram] = new
            count += (1 if new else 0) - (1 if body else 0)
        if title_shard_count(count) != shards:
            return None
        for number in range(shards):
            path = f"{TITLE_DIR}/{number}.bin"
            if number not in read:
                files[path] = old_files[path]
                continue
            merged = read[number]
            out = bytearray()
            for gram in sorted(merged):
                body = merged[gram]
                if body:
                    head = gram.encode("utf-8")
                    write_varints((len(head),), out)
                    out += head
                    write_varints((len(body),), out)
                    out += body
            files[path] = bytes(out)
        if len(order) != len(old.urls):
            chunks.add((len(order) - 1) // RECORDS_PER_CHUNK)
        for number in range((len(order) + RECORDS_PER_CHUNK - 1) // RECORDS_PER_CHUNK):
            path = f"{RECORD_DIR}/{number}.json"
            if number not in chunks and path in old_files:
                files[path] = old_files[path]
                continue
            chunk = []
            for place in order[number * RECORDS_PER_CHUNK : (number + 1) * RECORDS_PER_CHUNK]:
                text = texts[place]
                if place in arranged.twins:
                    text = text[:-1] + ',"twins":' + compact_json(arranged.twins[place]) + "}"
                chunk.append(text)
            files[path] = ("[" + ",".join(chunk) + "]").encode()
        self.rebuilt = len(read) + len(chunks)
        withdrawn_from = next((n for n, place in enumerate(order) if withdrawn[place] or n >= leads), leads)
        return {"title_shards": shards, "records": len(order), "leads": leads, "withdrawn_from": withdrawn_from}, count
