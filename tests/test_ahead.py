"""The exports computed ahead in a forked process (zwgk.build.ahead) are those computed in place,
and a failure in the child fails the build with its reason."""

from __future__ import annotations

import logging
import os

import pytest
from conftest import ROOT, SMALL_PLAN, write_catalog
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError

from zwgk.build import ahead, prepare
from zwgk.build.outputs import export_parts_to_make
from zwgk.sample import generate as synth


@pytest.fixture
def prepared(tmp_path, monkeypatch):
    catalog = write_catalog(synth.generate(SMALL_PLAN), tmp_path / "catalog")
    monkeypatch.setenv("ZWGK_CATALOG", str(catalog))
    monkeypatch.setenv("ZWGK_CACHE_DIR", str(tmp_path / "cache"))
    config = load_config(config_file=str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    build = prepare(config, logging.getLogger("test"), search_index=False)
    yield build, config["extra"]["zwgk_search_shards"]
    if build.exports is not None:
        build.exports.cancel()


def test_the_forked_exports_are_the_exports_and_a_cold_build_computes_them_in_place(prepared):
    build, shards = prepared
    departments = len(build.data.departments)
    assert export_parts_to_make(build) == departments  # cold: nothing cached
    assert build.exports is None  # so prepare did not fork
    in_place = ahead.computed(build, shards)
    assert export_parts_to_make(build) == 0
    counts = dict(build.counts)
    forked = ahead.Ahead(build, shards)
    assert forked.result() == in_place
    assert build.counts == counts
    assert "exports/entries.csv" in in_place and any(path.startswith("codes/") for path in in_place)


def test_an_error_in_the_child_fails_the_build_with_its_message(prepared, monkeypatch):
    build, shards = prepared

    def fails(build, shards):
        raise PluginError("部门 340000-amr 的工作簿行数不对")

    monkeypatch.setattr(ahead, "computed", fails)
    with pytest.raises(PluginError, match="340000-amr 的工作簿行数不对"):
        ahead.Ahead(build, shards).result()


def test_a_child_that_dies_fails_the_build(prepared, monkeypatch):
    build, shards = prepared
    monkeypatch.setattr(ahead, "computed", lambda build, shards: os._exit(5))
    forked = ahead.Ahead(build, shards)
    with pytest.raises(PluginError, match="生成导出文件的进程意外退出"):
        forked.result()
    assert not forked.path.exists()
