"""The first pass's files, the code shards and the prefix lookup patched from the previous build's
(zwgk.site.lookup_delta): after each kind of change the files are byte for byte those written from
scratch, and only some of them were written again."""

from __future__ import annotations

import random
import shutil

from conftest import SAMPLE
from test_lookup_parts import _build, _docnums, _from_scratch

from zwgk.build.outputs import cached_lookups
from zwgk.site import lookup_delta, static_search, title_index


def _postings(rng: random.Random, docnums: list[int]) -> list[tuple]:
    """Postings as title_index.postings gives them: for each docnum one to three, any field."""
    found = []
    for docnum in docnums:
        for _ in range(rng.randint(1, 3)):
            field = rng.choice([title_index.TITLE, title_index.KEYWORD, title_index.NAME, title_index.NAME + 3])
            found.append((docnum, field, rng.randint(0, 300), rng.randint(0, 200), rng.randint(1, 300)))
    return found


def test_patched_postings_are_those_encoded_afresh():
    rng = random.Random(15)
    for _ in range(300):
        docnums = sorted(rng.sample(range(40_000), rng.randint(0, 60)))
        before = _postings(rng, docnums)
        drops = {docnum for docnum in docnums if rng.random() < 0.2}
        kept = [posting for posting in before if posting[0] not in drops]
        fresh = sorted(set(rng.sample(range(40_000), rng.randint(0, 5))) - set(docnums))
        new = _postings(rng, fresh)
        adds = [(p[0], title_index.encode([(0, *p[1:])])[1:]) for p in new]  # the bytes after the delta
        if not drops and not adds:
            continue
        expected = title_index.encode(sorted(kept + new, key=lambda p: p[0]))
        assert lookup_delta.patched(title_index.encode(before), drops, adds) == expected


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_each_kind_of_change_patches_the_previous_files_into_those_of_a_fresh_build(tmp_path, monkeypatch):
    monkeypatch.setenv("ZWGK_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "catalog"
    shutil.copytree(SAMPLE, root)
    build = _build(root)
    shards = static_search.shard_count(len(build.data.items) * 2 + len(build.data.entries) * 2)
    previous = cached_lookups(build, shards)
    assert "first_pass_rebuilt" not in build.counts  # nothing to patch: written afresh
    disclosure = sorted(root.glob("departments/*/disclosure/*.yml"))
    powers = sorted(root.glob("departments/*/powers/*.yml"))
    twins = [path for path in powers if len(list(root.glob(f"departments/*/powers/{path.name}"))) > 1]
    single = [path for path in powers if path not in twins]
    last_entry = disclosure[3].read_text(encoding="utf-8").rsplit("\n- index: ", 1)[1]
    # (change, whether numbers move, whether the files are patched; None: either)
    changes = [
        # An entry's title, to the end of its date's records, then to their start.
        (lambda: _edit(disclosure[5], "  title: ", "  title: （修订）"), True, True),
        (lambda: _edit(disclosure[5], "  title: （修订）", "  title: 一"), True, True),
        # An item of one department renamed (items of other dates are not its peers: its number stays).
        (lambda: _edit(single[2], "\nname: ", "\nname: 改名"), False, True),
        # An entry removed: every number after it moves, the last chunk loses a record.
        (lambda: _edit(disclosure[3], "\n- index: " + last_entry, "\n"), True, None),
        # Two departments at once.
        (lambda: (_edit(disclosure[0], "  title: ", "  title: （再改）"), _edit(disclosure[-1], "  title: ", "  title: 丁")), None, True),
    ]
    for number, (change, moves, patches) in enumerate(changes):
        change()
        build = _build(root)
        files = cached_lookups(build, shards)
        expected = _from_scratch(build, shards)
        assert sorted(files) == sorted(expected)
        assert [path for path in expected if files[path] != expected[path]] == []
        first_pass = [path for path in expected if path.startswith(("codes/title/", "codes/records/"))]
        if patches:
            assert 0 < build.counts["first_pass_rebuilt"] < len(first_pass) / 4, number
        before, after = _docnums(previous), _docnums(files)
        assert moves is None or any(before.get(url) != docnum for url, docnum in after.items()) == moves, number
        previous = files
    # An item done by several departments renamed leaves its twins: one lead more, and every number
    # after it moves (then the files are written afresh, the same either way).
    _edit(twins[1], "\nname: ", "\nname: 改名")
    build = _build(root)
    files = cached_lookups(build, shards)
    expected = _from_scratch(build, shards)
    assert sorted(files) == sorted(expected)
    assert [path for path in expected if files[path] != expected[path]] == []
