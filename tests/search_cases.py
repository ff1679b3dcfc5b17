"""The quality set (search_queries.yml) and how a list of results is judged against one of its cases,
for `zwgk search` (tests/test_search.py) and the browser (tests/test_browser.py) alike.

A case names what it must find: a record's `code` (basic code or 索引号), a `department` (short
name), a `title`, a `status`, or several of these (all must hold for one result). The result must be
in the top 5, or at position `rank` or better (ranking cases: `rank: 1`)."""

from __future__ import annotations

from pathlib import Path

import yaml

QUERIES = yaml.safe_load((Path(__file__).parent / "search_queries.yml").read_text(encoding="utf-8"))
KEYS = ("code", "department", "title", "status")


def position(case: dict, results: list[dict]) -> int | None:
    """The 1-based position of the first result that matches the case, or None."""
    wanted = {key: case[key] for key in KEYS if key in case}
    for number, result in enumerate(results, start=1):
        if all(str(result.get(key, "")) == str(value) for key, value in wanted.items()):
            return number
    return None


def judge(case: dict, results: list[dict]) -> str | None:
    """None if the results satisfy the case, else what went wrong."""
    found = position(case, results)
    limit = case.get("rank", 5)
    if found is None or found > limit:
        shown = [(r.get("code"), r.get("title"), r.get("department"), r.get("status")) for r in results[:5]]
        return (
            f"{case['kind']} {case['query']}: expected {dict((k, case[k]) for k in KEYS if k in case)} within {limit}, at {found}: {shown}"
        )
    return None
