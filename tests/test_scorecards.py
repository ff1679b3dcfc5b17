"""Monitors' scorecards: criteria from the check's findings and the records, the pages, the CSV export,
and the trend from git history."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import subprocess

from conftest import AS_OF, SAMPLE, run_check, write_catalog

from zwgk.catalog.scheme_model import DEFAULT_SCORE_WEIGHTS
from zwgk.monitoring import trend
from zwgk.monitoring.scorecards import CRITERIA, recent_months, scorecards
from zwgk.rules.run import check
from zwgk.site.data import site_data


def _cards(root):
    result = run_check(root)
    return {card.dept_id: card for card in scorecards(site_data(result), result.findings, AS_OF)}


def _marks(card):
    return {mark.criterion.key: mark for mark in card.marks}


def test_a_clean_catalogue_scores_full_marks(small_files, tmp_path):
    cards = _cards(write_catalog(small_files, tmp_path))
    assert cards and all(card.score == 100 for card in cards.values())
    assert sum(DEFAULT_SCORE_WEIGHTS.values()) == 100 and list(DEFAULT_SCORE_WEIGHTS) == [c.key for c in CRITERIA]
    for card in cards.values():
        marks = _marks(card)
        assert marks["up_to_date"].total == 12 and marks["annual"].met == 2


def test_a_province_sets_its_own_weights(fresh_files, tmp_path):
    fresh_files["scheme.yml"]["score_weights"] = {"up_to_date": 60, "timely": 40}
    rel = next(rel for rel in fresh_files if rel.endswith("/department.yml"))
    month = sorted(fresh_files[rel]["remarks"])[-1]
    del fresh_files[rel]["remarks"][month]  # one of the last 12 months with nothing and no remark
    cards = _cards(write_catalog(fresh_files, tmp_path))
    card = cards[rel.split("/")[1]]
    weights = {mark.criterion.key: mark.weight for mark in card.marks}
    assert weights["up_to_date"] == 60 and weights["timely"] == 40 and weights["eight"] == 0
    assert month in recent_months(AS_OF)
    assert _marks(card)["up_to_date"].met == 11 and card.score == round(60 * 11 / 12 + 40, 1)
    assert all(other.score == 100 for key, other in cards.items() if key != card.dept_id)


def test_late_entries_missing_interpretations_and_a_late_report_lower_the_score(fresh_files, tmp_path):
    reading = next(entry for rel, values in fresh_files.items() if "/disclosure/" in rel for entry in values if entry.get("interprets"))
    disclosure = next(rel for rel, values in fresh_files.items() if "/disclosure/" in rel and reading in values)
    dept_id = disclosure.split("/")[1]
    entries = fresh_files[disclosure]
    del reading["interprets"]  # entry.interpretation-unlinked, and the policy loses its interpretation
    late = next(entry for entry in entries if entry.get("mode") == "主动公开")
    late["published"] = f"{late['date'][:4]}-12-31"  # entry.published-late
    annual = next(rel for rel in fresh_files if rel.startswith(f"departments/{dept_id}/annual/"))
    fresh_files[annual]["published"] = f"{fresh_files[annual]['year'] + 1}-03-01"  # annual.published-late
    marks = _marks(_cards(write_catalog(fresh_files, tmp_path))[dept_id])
    assert marks["interpretation"].met == marks["interpretation"].total - 2
    assert marks["timely"].met == marks["timely"].total - 1 and "平均" in marks["timely"].share
    assert marks["annual"].met == 1.5 and marks["annual"].points == 10 * 1.5 / 2


def test_the_sample_departments_score_apart():
    result = check(SAMPLE, as_of=AS_OF, cache_dir=None, workers=1)
    cards = {card.dept_id: card for card in scorecards(site_data(result), result.findings, AS_OF)}
    scores = sorted(card.score for card in cards.values())
    assert len(set(scores)) >= 6 and scores[0] < 85 and scores[-1] == 100
    lagging = _marks(cards["340000-amr"])
    assert cards["340000-amr"].score < 90 and lagging["up_to_date"].met < 12 and lagging["annual"].met < 2


def test_stale_reviews_and_findings_lower_the_score_where_they_belong(fresh_files, tmp_path):
    rel = next(rel for rel, item in fresh_files.items() if "/powers/" in rel and item.get("status", "有效") == "有效")
    fresh_files[rel]["updated"] = "2020-01-01"  # item.review-stale (a warning)
    dept_id = rel.split("/")[1]
    cards = _cards(write_catalog(fresh_files, tmp_path))
    card = cards[dept_id]
    marks = _marks(card)
    assert marks["review"].met == marks["review"].total - 1
    assert marks["review"].points < 5 and marks["clean"].points == 10 - 10 * 0.02
    assert [f.rule for f in card.findings] == ["item.review-stale"]
    assert card.score < 100
    assert all(other.score == 100 for key, other in cards.items() if key != dept_id)


def test_the_site_shows_scores_and_exports_them(sample_site):
    monitoring = (sample_site / "monitoring/index.html").read_text(encoding="utf-8")
    assert "zwgk-sortable" in monitoring and "评分标准" in monitoring and 'role="img"' in monitoring
    rows = list(csv.DictReader(io.StringIO((sample_site / "exports/scores.csv").read_bytes().decode("utf-8-sig"))))
    departments = sorted(p.name for p in (SAMPLE / "departments").iterdir())
    assert [row["department"] for row in rows] == departments
    for row in rows:
        page = (sample_site / "monitoring" / row["department"] / "index.html").read_text(encoding="utf-8")
        assert f"<strong>{float(row['score']):g}</strong>" in page
        dept_page = (sample_site / "departments" / row["department"] / "index.html").read_text(encoding="utf-8")
        assert "监测得分" in dept_page and f"<strong>{float(row['score']):g}</strong>" in dept_page


def test_trend_comes_from_git_history(small_files, tmp_path):
    repo = tmp_path / "repo"
    root = write_catalog(small_files, repo / "catalog")
    env = dict(
        os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org"
    )

    def commit(day: dt.date, message: str) -> None:
        stamp = f"{day.isoformat()}T12:00:00+08:00"
        dated = dict(env, GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
        subprocess.run(["git", "-C", str(repo), "add", "."], check=True, env=dated)
        subprocess.run(["git", "-C", str(repo), "commit", "-qm", message], check=True, env=dated)

    subprocess.run(["git", "-C", str(repo), "init", "-q", "-b", "main"], check=True, env=env)
    commit(dt.date(2026, 8, 10), "clean")
    rel = next(rel for rel, item in small_files.items() if "/powers/" in rel and item.get("status", "有效") == "有效")
    text = (root / rel).read_text(encoding="utf-8")
    (root / rel).write_text(text.replace("updated:", "updated: '2020-01-01'\nold_updated:", 1), encoding="utf-8")
    commit(dt.date(2026, 10, 5), "a stale review")
    points = trend.history(root, AS_OF, {"x": 50.0}, tmp_path / "cache")
    by_month = {point.month: point for point in points}
    assert len(points) == 12 and points[-1].month == "2026-11" and points[-1].average == 50.0
    assert by_month["2026-07"].average is None  # before the first commit: missing, not invented
    # Each month is the catalogue as committed by then, scored as of the month's last day.
    dept_id = rel.split("/")[1]
    now = check(root, as_of=dt.date(2026, 10, 31), cache_dir=None, workers=1)
    expected = {card.dept_id: card.score for card in scorecards(site_data(now), now.findings, dt.date(2026, 10, 31))}
    assert by_month["2026-10"].scores == expected
    assert by_month["2026-08"].scores and by_month["2026-09"].scores
    review = [f for f in now.findings if f.rule == "item.review-stale"]
    # The stale review costs points in October (other criteria move from month to month, so the
    # comparison is with the same month's catalogue without that finding).
    unreviewed = [f for f in now.findings if f.rule != "item.review-stale"]
    without = {card.dept_id: card.score for card in scorecards(site_data(now), unreviewed, dt.date(2026, 10, 31))}
    assert review and by_month["2026-10"].scores[dept_id] < without[dept_id]
    chart = trend.svg(points, "测试")
    assert chart.count("<circle") == 4 and "无记录" in chart
    shutil.rmtree(repo)


def test_the_weights_are_published_on_the_monitoring_page(sample_site):
    page = (sample_site / "monitoring/index.html").read_text(encoding="utf-8")
    # Where the weights come from is told in the contributor guide (YAML keys stay off public pages).
    assert 'href="../contributing/#score-weights"' in page and "score_weights" not in page
    assert 'id="score-weights"' in (sample_site / "contributing/index.html").read_text(encoding="utf-8")
    for criterion in CRITERIA:
        assert f"<td>{criterion.title}</td><td>{DEFAULT_SCORE_WEIGHTS[criterion.key]}</td>" in page, criterion.key


def test_a_policy_and_its_interpretation_link_to_each_other(sample_site):
    from zwgk.catalog.codes import parse_index
    from zwgk.catalog.loader import load_catalog
    from zwgk.site import urls

    catalog = load_catalog(SAMPLE)
    by_index = {entry.index: entry for entry in catalog.entries}
    reading = next(entry for entry in catalog.entries if entry.interprets)
    policy = by_index[reading.interprets]
    forms = catalog.scheme.index_formats

    def page_of(entry):
        url = urls.entry(entry.dept_id, parse_index(entry.index, forms))
        return (sample_site / url.split("#")[0] / "index.html").read_text(encoding="utf-8"), url

    reading_page, reading_url = page_of(reading)
    policy_page, policy_url = page_of(policy)
    assert f'所解读的文件：<a href="../../../{policy_url}">{policy.title}</a>' in reading_page
    assert f'政策解读：<a href="../../../{reading_url}">{reading.title}</a>' in policy_page
