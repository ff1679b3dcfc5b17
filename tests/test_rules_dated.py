"""Per-record findings kept across days (zwgk.rules.run): a rule that did not read the day for a
file's records is not run again for another day (the scorecard trend checks the same files as of
each month's end), and every day's check on the caches of other days finds exactly what a check
without any cache finds."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from conftest import AS_OF, write_catalog

from zwgk.rules.run import check

EARLY = dt.date(2001, 1, 1)  # every entry's date is after it
LATE = AS_OF + dt.timedelta(days=5 * 365)  # every item's review is overdue by then


def _pickles(cache: Path, name: str) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in (cache / name).rglob("*.pickle")}


def test_each_day_finds_what_a_check_without_cache_finds(fresh_files, tmp_path):
    root, cache = write_catalog(fresh_files, tmp_path / "catalog"), tmp_path / "cache"
    found = {}
    for day in (AS_OF, EARLY, LATE, AS_OF):
        kept = check(root, as_of=day, cache_dir=cache, workers=1).findings
        assert kept == check(root, as_of=day, cache_dir=None, workers=1).findings, day
        found[day] = {finding.rule for finding in kept}
    # The days' findings differ, so the cached ones cannot stand in for another day's.
    assert found[EARLY] - found[AS_OF], "entries dated after the day are found"
    assert found[LATE] - found[AS_OF], "items not reviewed for years are found"


def test_another_day_runs_only_the_rules_that_read_the_day(fresh_files, tmp_path):
    root, cache = write_catalog(fresh_files, tmp_path / "catalog"), tmp_path / "cache"
    check(root, as_of=AS_OF, cache_dir=cache, workers=1)
    undated = _pickles(cache, "rules")
    assert len(undated) == 1 and len(_pickles(cache, "rules-dated")) == 1
    check(root, as_of=EARLY, cache_dir=cache, workers=1)
    assert _pickles(cache, "rules") == undated, "the findings of the rules that did not read the day are kept as they were"
    assert len(_pickles(cache, "rules-dated")) == 2


def test_rules_read_the_day_only_through_as_of():
    # Context.as_of notes that the day was read; Context.day does not.
    rules_dir = Path(__file__).resolve().parent.parent / "zwgk" / "rules"
    readers = [path.name for path in rules_dir.glob("*.py") if re.search(r"\b(ctx|context)\.day\b", path.read_text(encoding="utf-8"))]
    assert readers == []
