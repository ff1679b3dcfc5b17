"""The page sources kept between builds (zwgk/build/sources.py, zwgk/build/reuse.py): after any change,
the sources taken from the cache equal those built without it, and one changed entry rebuilds only
the groups that show it."""

from __future__ import annotations

import copy

import pytest
from conftest import AS_OF, SITE_URL, SMALL_PLAN, run_check, write_catalog

from zwgk.build import reuse, sources
from zwgk.build.sources import page_sources
from zwgk.monitoring import scorecards
from zwgk.sample import generate as synth
from zwgk.site.data import site_data


def _sources(root, cache, monkeypatch):
    monkeypatch.setenv("ZWGK_CACHE_DIR", str(cache))
    result = run_check(root)
    data = site_data(result, "", SITE_URL)
    cards = scorecards.scorecards(data, result.findings, AS_OF)
    return page_sources(data, result, cards, [], {}, {"zwgk": {}}, "charts", AS_OF)


def _entry_files(files):
    return [rel for rel in sorted(files) if "/disclosure/" in rel and files[rel]]


def _retitle(files):
    files[_entry_files(files)[0]][0]["title"] = "关于页面源文件缓存核对的通知"


def _redate(files):
    entry = files[_entry_files(files)[0]][0]
    entry["date"] = entry["published"] = "2025-01-02"


def _rename_department(files):
    rel = next(rel for rel in sorted(files) if rel.endswith("department.yml"))
    files[rel]["name"] += "（更名）"


def _interpret_another_department(files):
    first, other = (
        _entry_files(files)[0],
        next(rel for rel in _entry_files(files) if rel.split("/")[1] != _entry_files(files)[0].split("/")[1]),
    )
    files[other][0]["interprets"] = files[first][0]["index"]


def _republish_annual_report(files):
    rel = next(rel for rel in sorted(files) if "/annual/" in rel)
    files[rel]["published"] = "2025-01-10"


@pytest.mark.parametrize("change", [_retitle, _redate, _rename_department, _interpret_another_department, _republish_annual_report])
def test_cached_page_sources_equal_sources_built_afresh(tmp_path, monkeypatch, change):
    files = synth.generate(SMALL_PLAN)
    _sources(write_catalog(files, tmp_path / "base"), tmp_path / "warm", monkeypatch)
    changed_files = copy.deepcopy(files)
    change(changed_files)
    changed = write_catalog(changed_files, tmp_path / "changed")
    warm = _sources(changed, tmp_path / "warm", monkeypatch)
    fresh = _sources(changed, tmp_path / "fresh", monkeypatch)
    assert not any(any(flags) for flags in fresh.reused.values())
    assert dict(warm.texts()) == dict(fresh.texts())
    assert len(warm.pages) == len(fresh.pages)
    _check_kept(warm)


def _check_kept(built) -> int:
    """A kept page is known by its source's digest and search flag without its source being read:
    both must be those of the source itself."""
    kept = [(uri, source) for uri, source in built.pages if isinstance(source, reuse.Kept)]
    for uri, source in kept:
        assert (source.digest, source.searchable) == (reuse.source_digest(source.text), reuse.searchable(source.text)), uri
    return len(kept)


def test_one_changed_entry_rebuilds_only_the_groups_that_show_it(tmp_path, monkeypatch):
    files = synth.generate(SMALL_PLAN)
    _sources(write_catalog(files, tmp_path / "base"), tmp_path / "cache", monkeypatch)
    _retitle(files)
    again = _sources(write_catalog(files, tmp_path / "changed"), tmp_path / "cache", monkeypatch)
    rebuilt = {group: flags.count(False) for group, flags in again.reused.items()}
    # The entry's department's catalogue pages, its topic's pages, the pages that read the whole
    # catalogue (home, monitoring), and its department's page; the items, types and annual reports are kept.
    assert rebuilt == {"其他页面": 1, "年度报告页面": 0, "事项页面": 0, "权力类型页面": 0, "部门页面": 1, "主题页面": 1, "部门目录页面": 1}
    assert len(again.reused["主题页面"]) > 5 and len(again.reused["部门页面"]) > 3
    assert "关于页面源文件缓存核对的通知" in "".join(source for _, source in again.texts())
    assert _check_kept(again) > 100


def test_sources_built_in_forked_workers_equal_those_built_in_one_process(tmp_path, monkeypatch):
    root = write_catalog(synth.generate(SMALL_PLAN), tmp_path / "catalog")
    forked = _sources(root, tmp_path / "forked", monkeypatch)
    monkeypatch.setattr(sources, "PARALLEL_MIN_GROUPS", 10**9)
    alone = _sources(root, tmp_path / "alone", monkeypatch)
    assert len(forked.pages) > 100 and forked.pages == alone.pages
    assert forked.summary() == "" and alone.summary() == ""
    again = _sources(root, tmp_path / "alone", monkeypatch)
    assert (
        again.summary() == "，沿用上次的其他页面、年度报告页面、事项页面、权力类型页面、全部部门页面、全部主题页面、全部部门目录页面源文件"
    )
