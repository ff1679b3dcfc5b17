"""The beginning of a code in the browser: a partial 文号, 索引号 or basic code (tier 2 of
zwgk.search.ranking) must find the same first records as `zwgk search`, whose index sees every
record. Pagefind only sees pages, and the browser ranks the pages it has fetched, so the site also
carries, for every cut of every code (zwgk.site.lookup.prefix_cuts: a 文号's 机关代字, a 索引号's
USCC and year ...), the first records under it in tier 2's order, which does not depend on the
query (zwgk.site.lookup.prefix_key).

A cut's list (`codes/prefix/<n>.json`, {cut: node}) is a node: `r` the first NODE_RECORDS records
under the cut in that order, as their document numbers (the browser reads the records from the first
pass's record chunks, zwgk.site.title_index, so that a record is written once, not under every cut), `n` how many there are, and, when `r` does not hold them all, `k` the
next cuts below it. For a query, the browser takes its deepest cut, keeps the records that the query
begins, and when the node is not complete and too few are left, adds the nodes of the next cuts that
the query begins: the first records of a query are among the first of the cuts below it, so the
browser ranks what `zwgk search` ranks. Departments are not listed: the browser has them all
(codes/search.json).
"""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import pairwise

from zwgk.site.lookup import normalise_code, prefix_cuts, record_prefix_key, shard_of

PREFIX_DIR = "codes/prefix"
NODE_RECORDS = 10
NODES_PER_SHARD = 32


def record_cuts(record: dict, normalised: list[str] | None = None) -> tuple[tuple, tuple[str, ...], tuple[tuple[str, str], ...]]:
    """A record's place in tier 2's order, the cuts of its codes and each cut's next cut below (a
    function of the record alone, cached with it: zwgk.site.lookup_parts). `normalised`: its codes
    through normalise_code, when the caller has them."""
    cuts: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for code in normalised if normalised is not None else [normalise_code(code) for code in record["codes"]]:
        chain = prefix_cuts(code)
        cuts.update(chain)
        pairs.update(pairwise(chain))
    return record_prefix_key(record), tuple(sorted(cuts)), tuple(sorted(pairs))


def prefix_nodes(records: list[dict], facts: list[tuple] | None = None) -> dict[str, dict]:
    """Every cut of the records' codes and its node, the records named by their place in `records`
    (their document numbers; `facts`: record_cuts of each, when known). The records are taken in
    tier 2's order once, so that each cut's list is the first records to reach it (no sorting per cut)."""
    facts = facts if facts is not None else [record_cuts(record) for record in records]
    firsts: dict[str, list[int]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    below: dict[str, set[str]] = defaultdict(set)
    for docnum in sorted(range(len(records)), key=lambda n: facts[n][0]):
        _, cuts, pairs = facts[docnum]
        for upper, lower in pairs:
            below[upper].add(lower)
        for cut in cuts:
            counts[cut] += 1
            if len(firsts[cut]) < NODE_RECORDS:
                firsts[cut].append(docnum)
    nodes = {}
    for cut, count in counts.items():
        node: dict = {"r": firsts[cut], "n": count}
        if count > NODE_RECORDS:
            node["k"] = sorted(below[cut])
        nodes[cut] = node
    return nodes


def prefix_shard_count(nodes: int) -> int:
    """A power of two that keeps each file near NODES_PER_SHARD nodes (at most 4,096 files)."""
    count = 1
    while count * NODES_PER_SHARD < nodes and count < 4096:
        count *= 2
    return count


def prefix_shards(records: list[dict], facts: list[tuple] | None = None) -> tuple[int, dict[str, bytes]]:
    """The prefix lookup's files and their number (for codes/search.json), from the records in
    document-number order (zwgk.site.title_index.numbered; `facts`: their record_cuts, when known)."""
    nodes = prefix_nodes(records, facts)
    shards = prefix_shard_count(len(nodes))
    grouped: dict[int, dict[str, dict]] = defaultdict(dict)
    for cut, node in sorted(nodes.items()):  # the same bytes in every process (set order varies)
        grouped[shard_of(cut, shards)][cut] = node
    files = {
        f"{PREFIX_DIR}/{number}.json": json.dumps(grouped.get(number, {}), ensure_ascii=False, separators=(",", ":")).encode()
        for number in range(shards)
    }
    return shards, files
