"""Every kind of bad input becomes a finding with a position, never a traceback or a skipped record."""

from __future__ import annotations

import time
import tracemalloc

from conftest import Raw, run_check, write_catalog

from zwgk.catalog import yamlio
from zwgk.catalog.loader import load_catalog


def _findings(files, tmp_path, rule_id=None):
    result = run_check(write_catalog(files, tmp_path))
    return [f for f in result.findings if rule_id is None or f.rule == rule_id]


def test_alias_bomb_is_refused_quickly_with_bounded_memory():
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 9)}]")
    bomb = ("\n".join(lines) + "\n").encode()
    tracemalloc.start()
    started = time.perf_counter()
    data, problems = yamlio.parse(bomb)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert data is None
    assert [p.rule for p in problems] == ["yaml.alias"]
    assert elapsed < 1.0 and peak < 5 * 1024 * 1024


def test_gbk_file_is_named_as_gb18030(fresh_files, tmp_path):
    rel = next(r for r in fresh_files if r.endswith("/department.yml"))
    fresh_files[rel] = Raw("name: 安徽省某厅\n".encode("gbk"))
    (finding,) = _findings(fresh_files, tmp_path, "file.encoding")
    assert finding.file == rel and finding.line == 1 and "GB18030" in finding.message


def test_bom_is_a_warning_and_the_file_still_loads(small_files, tmp_path):
    files = dict(small_files)
    rel = next(r for r in files if r.endswith("/department.yml"))
    from zwgk.sample import generate as synth

    files[rel] = Raw(b"\xef\xbb\xbf" + synth.dump(files[rel]).encode())
    result = run_check(write_catalog(files, tmp_path))
    assert [f.rule for f in result.findings] == ["file.bom"]
    assert result.errors == 0 and result.summary.departments == 5


def test_full_width_digits_in_a_code(fresh_files, tmp_path):
    rel = next(r for r in fresh_files if "/powers/" in r)
    fresh_files[rel]["type"] = "０１"
    findings = _findings(fresh_files, tmp_path, "code.fullwidth")
    assert findings and findings[0].file == rel and "01" in findings[0].message


def test_string_where_a_number_is_expected(fresh_files, tmp_path):
    rel = next(r for r in fresh_files if "/powers/" in r)
    fresh_files[rel]["flow"][0]["days"] = "三"
    (finding,) = _findings(fresh_files, tmp_path, "schema.type")
    assert "整数" in finding.message and finding.record.startswith(fresh_files[rel]["basic_code"])


def test_unquoted_code_read_as_a_number_says_to_quote_it(fresh_files, tmp_path):
    rel = next(r for r in fresh_files if r.endswith("/department.yml"))
    fresh_files[rel] = Raw(b"sector: 01\n")
    findings = _findings(fresh_files, tmp_path, "schema.type")
    assert any('"01"' in f.message for f in findings)


def test_impossible_date_is_a_finding_not_a_traceback(fresh_files, tmp_path):
    rel = next(r for r in fresh_files if "/disclosure/" in r)
    fresh_files[rel][0]["date"] = "2023-02-30"
    (finding,) = _findings(fresh_files, tmp_path, "schema.date")
    text = (tmp_path / rel).read_text(encoding="utf-8").split("\n")
    assert "2023-02-30" in text[finding.line - 1] and "2023-02-30" in finding.message


def test_unknown_key_suggests_the_nearest_known_key(fresh_files, tmp_path):
    rel = next(r for r in fresh_files if "/powers/" in r)
    fresh_files[rel]["materials"][0]["requred"] = True
    (finding,) = _findings(fresh_files, tmp_path, "schema.unknown-key")
    assert "required" in finding.message and finding.severity.value == "warning"


def test_one_bad_file_never_hides_the_findings_in_the_others(fresh_files, tmp_path):
    annual = [r for r in fresh_files if "/annual/" in r]
    fresh_files[annual[0]] = Raw(b"year: [unclosed\n")
    fresh_files[annual[1]]["year"] = 1999
    disclosure = next(r for r in fresh_files if "/disclosure/" in r)
    fresh_files[disclosure][3]["url"] = "ftp://example.org/x"
    rules = {f.rule for f in _findings(fresh_files, tmp_path)}
    assert {"yaml.syntax", "annual.year-mismatch", "entry.url-scheme"} <= rules


def test_a_bad_entry_does_not_hide_its_neighbours(fresh_files, tmp_path):
    rel = next(r for r in fresh_files if "/disclosure/" in r)
    count = len(fresh_files[rel])
    fresh_files[rel][0]["date"] = "not a date"
    catalog = load_catalog(write_catalog(fresh_files, tmp_path), workers=1)
    assert sum(1 for e in catalog.entries if e.file == rel) == count - 1


def test_tabs_syntax_and_utf16_are_findings(fresh_files, tmp_path):
    annual = [r for r in fresh_files if "/annual/" in r]
    fresh_files[annual[0]] = Raw(b"year: 2025\nproactive:\n\tlicensing: 1\n")
    fresh_files[annual[1]] = Raw("year: 2025\n".encode("utf-16"))
    fresh_files[annual[2]] = Raw(b"year: 2025\n  bad: indentation\n")
    rules = sorted(f.rule for f in _findings(fresh_files, tmp_path) if f.file in annual)
    assert rules == ["file.encoding", "yaml.syntax", "yaml.tab"]


def test_hostile_tags_are_refused(fresh_files, tmp_path):
    rel = next(r for r in fresh_files if "/annual/" in r)
    fresh_files[rel] = Raw(b"year: !!python/object/apply:os.system ['echo pwned']\n")
    assert [f.rule for f in _findings(fresh_files, tmp_path) if f.file == rel] == ["yaml.tag"]


def test_empty_and_wrongly_shaped_files(fresh_files, tmp_path):
    annual = [r for r in fresh_files if "/annual/" in r]
    fresh_files[annual[0]] = Raw(b"")
    fresh_files[annual[1]] = Raw(b"- 1\n- 2\n")
    findings = [f for f in _findings(fresh_files, tmp_path) if f.file in annual[:2]]
    assert sorted(f.rule for f in findings) == ["file.shape", "file.shape"]


def test_cache_returns_the_same_findings(fresh_files, tmp_path):
    from zwgk.rules.run import check

    fresh_files[next(r for r in fresh_files if "/disclosure/" in r)][2]["mode"] = "随便公开"
    root = write_catalog(fresh_files, tmp_path / "catalog")
    cold = check(root, cache_dir=tmp_path / "cache", workers=1)
    warm = check(root, cache_dir=tmp_path / "cache", workers=1)
    assert cold.findings == warm.findings and len(cold.findings) == 1
    assert any((tmp_path / "cache" / "load").rglob("*.pickle"))


def test_cached_runs_match_uncached_after_changes(fresh_files, tmp_path):
    """The rule cache is keyed on each file and on everything else its rules can see: a change to a
    department (which other files' rules read), to an entry, or to the date must show up at once."""
    import datetime as dt

    from zwgk.rules.run import check
    from zwgk.sample import generate as synth

    root = write_catalog(fresh_files, tmp_path / "catalog")
    cache = tmp_path / "cache"

    def same_as_uncached(as_of=dt.date(2026, 11, 26)):
        cached = check(root, as_of=as_of, cache_dir=cache, workers=1).findings
        assert cached == check(root, as_of=as_of, cache_dir=None, workers=1).findings
        return cached

    assert same_as_uncached() == []
    dept = next(r for r in fresh_files if r.endswith("/department.yml"))
    data = dict(fresh_files[dept])
    data["uscc"] = data["uscc"][:17] + ("0" if data["uscc"][17] != "0" else "1")
    (root / dept).write_text(synth.dump(data), encoding="utf-8")
    assert {f.rule for f in same_as_uncached()} == {"code.uscc-checksum"}
    (root / dept).write_text(synth.dump(fresh_files[dept]), encoding="utf-8")
    disclosure = next(r for r in fresh_files if "/disclosure/" in r)
    entries = [dict(e) for e in fresh_files[disclosure]]
    entries[0]["url"] = "ftp://example.org/x"
    (root / disclosure).write_text(synth.dump(entries), encoding="utf-8")
    assert {f.rule for f in same_as_uncached()} == {"entry.url-scheme"}
    assert {f.rule for f in same_as_uncached(dt.date(2028, 1, 1))} >= {"item.review-stale"}


def _loaded(root, cache=None):
    catalog = load_catalog(root, cache_dir=cache, workers=1)
    records = [(r.file, r.at, r.model_dump()) for r in [*catalog.departments.values(), *catalog.items, *catalog.entries]]
    return records, catalog.file_keys, catalog.reports


def test_a_file_is_known_by_its_status_and_read_again_when_it_changes(fresh_files, tmp_path, monkeypatch):
    """File keys are kept by each file's status (times, size, inode): an unchanged file is not read;
    an edit that keeps the size and puts the modification time back is still seen (the change time
    moves), and the result equals a load without any cache."""
    import os

    from zwgk.catalog import loader
    from zwgk.catalog.cache import code_version

    monkeypatch.setattr(loader, "RACY_NS", 0)  # the files were written just now
    root, cache = write_catalog(fresh_files, tmp_path / "catalog"), tmp_path / "cache"
    first = _loaded(root, cache)
    known = loader.StatKeys(cache, root, code_version()).known
    assert set(known) == set(first[1]) and all(known[rel][1] == key for rel, key in first[1].items())
    assert _loaded(root, cache) == first == _loaded(root)
    rel = next(r for r in fresh_files if "/disclosure/" in r)
    path = root / rel
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    title = fresh_files[rel][0]["title"]
    time.sleep(0.05)  # the change time's tick
    path.write_text(text.replace(title, title[::-1], 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    changed = _loaded(root, cache)
    assert changed == _loaded(root) and changed != first
    assert any(record[2].get("title") == title[::-1] for record in changed[0])


def test_a_file_changed_just_now_is_always_read(fresh_files, tmp_path):
    """Within RACY_NS of a file's change its status could stay the same across another change: it is read."""
    import os

    root, cache = write_catalog(fresh_files, tmp_path / "catalog"), tmp_path / "cache"
    first = _loaded(root, cache)
    rel = next(r for r in fresh_files if "/disclosure/" in r)
    path, title = root / rel, fresh_files[rel][0]["title"]
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(title, title[::-1], 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    changed = _loaded(root, cache)
    assert changed == _loaded(root) and changed != first


def test_department_bundles_give_what_a_load_without_cache_gives(fresh_files, tmp_path):
    """Cached results are joined per department folder: after one department's file changes, the
    others' bundles are reused and the whole equals a load without any cache."""
    root, cache = write_catalog(fresh_files, tmp_path / "catalog"), tmp_path / "cache"
    assert _loaded(root, cache) == _loaded(root)
    bundles = set((cache / "load-bundles").rglob("*.pickle"))
    assert len(bundles) >= 3
    rel = next(r for r in fresh_files if "/disclosure/" in r)
    entries = [dict(e) for e in fresh_files[rel]]
    entries[0]["title"] = "关于部门缓存核对的通知"
    from zwgk.sample import generate as synth

    (root / rel).write_text(synth.dump(entries), encoding="utf-8")
    changed = _loaded(root, cache)
    assert changed == _loaded(root)
    assert any(record[2].get("title") == "关于部门缓存核对的通知" for record in changed[0])
    assert len(set((cache / "load-bundles").rglob("*.pickle")) - bundles) == 1  # one department's bundle made again


def test_text_met_twice_through_an_alias_or_nested_too_deep_is_refused_like_any_value():
    # Text values take a short path through the converter; aliases and the depth limit still apply.
    data, problems = yamlio.parse("a: &x 文本\nb: *x\n".encode())
    assert data is None and [p.rule for p in problems] == ["yaml.alias"] and problems[0].line == 2
    deep = "v: " + "[" * yamlio.MAX_DEPTH + "文本" + "]" * yamlio.MAX_DEPTH + "\n"
    data, problems = yamlio.parse(deep.encode())
    assert data is None and [p.rule for p in problems] == ["yaml.too-deep"]
    shallow = "v: " + "[" * (yamlio.MAX_DEPTH - 1) + "文本" + "]" * (yamlio.MAX_DEPTH - 1) + "\n"
    data, problems = yamlio.parse(shallow.encode())
    assert problems == [] and data is not None
    data, problems = yamlio.parse(b"a:\n\tb: 1\n")
    assert data is None and [p.rule for p in problems] == ["yaml.tab"]
