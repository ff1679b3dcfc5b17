"""The GitHub workflows: pinned actions, least permissions, no pull_request_target, and the pull-request
workflow's own commands run in order on a sample change. (actionlint runs in `make lint`.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def _load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def test_actions_are_pinned_and_permissions_are_least():
    for path in WORKFLOWS.glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        workflow = yaml.safe_load(text)
        triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
        assert "pull_request_target" not in triggers, path.name
        assert workflow["permissions"] == {"contents": "read"}, path.name
        for uses in re.findall(r"uses:\s*(\S+)", text):
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", uses), f"{path.name}: {uses} is not pinned to a commit"
    deploy = _load("publish.yml")["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert "permissions" not in _load("publish.yml")["jobs"]["build"]
    assert "schedule" in _load("nightly.yml")[True]


def test_the_pull_request_workflow_runs_on_a_sample_change(tmp_path):
    steps = _load("pull-request.yml")["jobs"]["check"]["steps"]
    commands = [step["run"] for step in steps if "run" in step and "setup.sh" not in step["run"]]
    assert [c.split()[0] for c in commands] == [".venv/bin/zwgk", ".venv/bin/zwgk", ".venv/bin/mkdocs"]
    repo = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(repo)], check=True)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "checkout", "-q", "-b", "change"], check=True)
    item = repo / "catalog/departments/340000-amr/powers/000125001000.yml"
    item.write_text(
        item.read_text(encoding="utf-8").replace("content: 依法办理食品经营许可。", "content: 依法办理食品经营许可（测试修改）。", 1),
        encoding="utf-8",
    )
    subprocess.run([*git, "commit", "-qam", "sample change"], check=True)
    # The base is the commit before the change: the clone of a worktree on another branch has no main.
    subprocess.run([*git, "update-ref", "refs/remotes/origin/main", "HEAD~1"], check=True)
    (repo / ".venv").symlink_to(Path(sys.executable).parent.parent)
    summary = tmp_path / "summary.md"
    env = dict(
        os.environ, BASE_REF="main", GITHUB_STEP_SUMMARY=str(summary), NO_MKDOCS_2_WARNING="1", ZWGK_CACHE_DIR=str(tmp_path / "cache")
    )
    env.pop("ZWGK_CATALOG", None)
    for command in commands:
        done = subprocess.run(["bash", "-eo", "pipefail", "-c", command], cwd=repo, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        assert "::error" not in done.stdout
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## 目录变更摘要") and "000125001000 食品经营许可：服务内容" in text
    assert (repo / "site/items/340000-amr/000125001000/index.html").is_file()
    assert "食品经营许可（测试修改）" in (repo / "site/items/340000-amr/000125001000/index.html").read_text(encoding="utf-8")
