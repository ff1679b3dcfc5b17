"""`zwgk diff`: what a change does, per department, between two folders or two git revisions."""

from __future__ import annotations

import shutil
import subprocess

from click.testing import CliRunner
from conftest import SAMPLE

from zwgk.cli import cli
from zwgk.contrib.diff import diff_catalogues, format_markdown


def _copy(tmp_path, name="head"):
    target = tmp_path / name
    shutil.copytree(SAMPLE, target)
    return target


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_items_and_entries_added_removed_changed_and_recoded(tmp_path):
    head = _copy(tmp_path)
    amr = head / "departments/340000-amr"
    _edit(amr / "powers/000125001000.yml", "name: 食品经营许可", "name: 食品经营许可证核发")
    recoded = (amr / "powers/000125002000.yml").read_text(encoding="utf-8").replace("000125002000", "000125097000")
    (amr / "powers/000125002000.yml").unlink()
    (amr / "powers/000125097000.yml").write_text(recoded, encoding="utf-8")
    (amr / "powers/000225004000.yml").unlink()
    title = next(line for line in (amr / "disclosure/2025.yml").read_text(encoding="utf-8").splitlines() if line.startswith("  title: "))
    _edit(amr / "disclosure/2025.yml", title, title + "（修订）")  # the first entry's title, whatever the sample holds
    result = diff_catalogues(SAMPLE, head)
    assert [d.dept_id for d in result.departments] == ["340000-amr"]
    dept = result.departments[0]
    assert dept.items_changed == [("000125001000", "食品经营许可证核发", ["事项名称"])]
    assert dept.items_recoded == [("000125002000", "000125097000", "食品生产许可")]
    assert [code for code, _ in dept.items_removed] == ["000225004000"]
    assert dept.entries_changed and dept.entries_changed[0][2] == ["信息名称"]
    assert result.errors == 0


def test_a_changed_index_on_a_published_entry_is_an_error(tmp_path):
    head = _copy(tmp_path)
    _edit(head / "departments/340000-amr/disclosure/2025.yml", "11340000002500113R/202501-00001", "11340000002500113R/202501-00099")
    result = CliRunner().invoke(cli, ["diff", str(SAMPLE), str(head)])
    assert result.exit_code == 1
    assert "索引号被改动" in result.output and "11340000002500113R/202501-00001 → 11340000002500113R/202501-00099" in result.output
    markdown = CliRunner().invoke(cli, ["diff", str(SAMPLE), str(head), "--format", "markdown"]).output
    assert markdown.startswith("## 目录变更摘要") and "| 省市场监管局 |" in markdown and "**错误**" in markdown


def test_new_entries_are_listed_and_markup_is_escaped(tmp_path):
    head = _copy(tmp_path)
    path = head / "departments/340000-amr/disclosure/2026.yml"
    text = path.read_text(encoding="utf-8")
    text += (
        "- index: 11340000002500113R/202611-00099\n  title: '<b>新|条目</b>'\n  date: '2026-11-20'\n  published: '2026-11-20'\n"
        "  topic: '01'\n  genre: '01'\n  mode: 主动公开\n"
    )
    path.write_text(text, encoding="utf-8")
    result = diff_catalogues(SAMPLE, head)
    assert result.departments[0].entries_added == [("11340000002500113R/202611-00099", "<b>新|条目</b>")]
    assert "&lt;b&gt;新\\|条目&lt;/b&gt;" in format_markdown(result)


def test_two_git_revisions(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLE, repo / "catalog")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    _edit(repo / "catalog/departments/340000-amr/powers/000125001000.yml", "name: 食品经营许可", "name: 食品经营许可证核发")
    subprocess.run([*git, "commit", "-qam", "head"], check=True)
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(cli, ["diff", "HEAD~1", "HEAD"])
    assert result.exit_code == 0, result.output
    assert "000125001000 食品经营许可证核发：事项名称" in result.output
    unknown = CliRunner().invoke(cli, ["diff", "no-such-revision", "HEAD"])
    assert unknown.exit_code == 2 and "no-such-revision" in unknown.output


def test_codeowners_is_written_from_maintainers_and_checked(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLE, repo / "catalog")
    runner = CliRunner()
    written = runner.invoke(cli, ["codeowners", str(repo / "catalog")])
    assert written.exit_code == 0, written.output
    owners = (repo / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert "/catalog/departments/340000-amr/ @amr-340000" in owners
    assert runner.invoke(cli, ["codeowners", str(repo / "catalog"), "--check"]).exit_code == 0
    _edit(repo / "catalog/departments/340000-amr/department.yml", "- amr-340000", "- amr-340000\n- zhang-san")
    assert runner.invoke(cli, ["codeowners", str(repo / "catalog"), "--check"]).exit_code == 1
    stale = runner.invoke(cli, ["check", str(repo / "catalog"), "--as-of", "2026-11-26"])
    assert "departments/340000-amr/department.yml" in stale.output and "dept.codeowners-stale" in stale.output
    runner.invoke(cli, ["codeowners", str(repo / "catalog")])
    assert "@amr-340000 @zhang-san" in (repo / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert "dept.codeowners-stale" not in runner.invoke(cli, ["check", str(repo / "catalog"), "--as-of", "2026-11-26"]).output
