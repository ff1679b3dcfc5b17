"""`zwgk new item` and `zwgk new entry`: the next free code, a record that checks clean, clear refusals."""

from __future__ import annotations

import shutil

from click.testing import CliRunner
from conftest import SAMPLE, run_check

from zwgk.catalog.loader import load_catalog
from zwgk.cli import cli


def test_new_item_and_entry_check_clean_under_the_next_free_codes(tmp_path):
    root = tmp_path / "catalog"
    shutil.copytree(SAMPLE, root)
    runner = CliRunner()
    first = runner.invoke(
        cli, ["new", "item", "--dept", "340000-amr", "--type", "01", "--name", "食品经营许可（新办）", "--catalog", str(root)]
    )
    second = runner.invoke(cli, ["new", "item", "--dept", "340100-scjgj", "--type", "01", "--name", "另一个事项", "--catalog", str(root)])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    items = {item.basic_code: item for item in load_catalog(root).items}
    assert "340125001000" in items and "340125002000" in items  # the same serial is never used twice
    assert items["340125001000"].name == "食品经营许可（新办）"
    before = (root / "departments/340000-amr/disclosure/2026.yml").read_text(encoding="utf-8")
    entry = runner.invoke(
        cli, ["new", "entry", "--dept", "340000-amr", "--date", "2026-11-20", "--title", "关于冬季食品安全的通知", "--catalog", str(root)]
    )
    assert entry.exit_code == 0, entry.output
    after = (root / "departments/340000-amr/disclosure/2026.yml").read_text(encoding="utf-8")
    assert after.startswith(before)  # appended; what was there is untouched
    catalog = load_catalog(root)
    new = next(e for e in catalog.entries if e.title == "关于冬季食品安全的通知")
    same_month = [e.index for e in catalog.entries if e.index.startswith("11340000002500113R/202611-") and e is not new]
    assert new.index == f"11340000002500113R/202611-{len(same_month) + 1:05d}"
    result = run_check(root)
    assert result.errors == 0, [f.text() for f in result.findings]


def test_unknown_department_or_type_is_refused(tmp_path):
    runner = CliRunner()
    for args in (
        ["new", "item", "--dept", "340000-nope", "--type", "01", "--name", "x"],
        ["new", "item", "--dept", "340000-amr", "--type", "77", "--name", "x"],
        ["new", "entry", "--dept", "340000-nope", "--date", "2026-11-20", "--title", "x"],
        ["new", "entry", "--dept", "340000-amr", "--date", "2026-11-20", "--title", "x", "--mode", "随便公开"],
    ):
        result = runner.invoke(cli, [*args, "--catalog", str(SAMPLE)])
        assert result.exit_code == 2 and "错误：" in result.output, result.output
    assert not list(SAMPLE.glob("departments/*/powers/3401*.yml"))  # nothing written
