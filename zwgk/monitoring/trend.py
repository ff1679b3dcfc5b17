"""The scores' trend over the last 12 months, computed from the catalogue's git history: for each past
month, the catalogue as it stood at the month's end is checked and scored as of that day. Results are
cached by the catalogue's git tree, so a build computes only months it has not seen.

Without git history (a catalogue outside a repository, a shallow clone), months without a commit are
shown as missing, never invented. A past catalogue that cannot be checked (a link in it, no scheme.yml,
a file the loader cannot read) is a gap, shown as such on the page: history can never fail a build,
since nobody can change it any more (and a commit can carry any date).
"""

from __future__ import annotations

import calendar
import datetime as dt
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from markupsafe import Markup

from zwgk.catalog.cache import PickleCache, code_version
from zwgk.catalog.snapshot import UNCHECKABLE, uncheckable_reason
from zwgk.site.templating import renderer

MONTHS = 12
_render = renderer("zwgk.monitoring", "zwgk.site")


@dataclass
class Point:
    month: str  # YYYY-MM
    average: float | None
    scores: dict[str, float]  # dept_id -> score
    gap: str = ""  # why the month's catalogue could not be checked (then there are no scores)


GAP_LABEL = "该月的目录无法检查"


def _git(repo: Path, *args: str) -> str | None:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def month_ends(as_of: dt.date, months: int = MONTHS) -> list[dt.date]:
    """The last day of each of the `months` - 1 months before as_of's month, oldest first."""
    ends, year, month = [], as_of.year, as_of.month
    for _ in range(months - 1):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        ends.append(dt.date(year, month, calendar.monthrange(year, month)[1]))
    return ends[::-1]


def _score_tree(repo: Path, commit: str, rel: str, day: dt.date, cache_dir: Path | None) -> tuple[dict[str, float], str]:
    """The scores of the catalogue at `commit`, or no scores and why it cannot be checked."""
    try:
        return _scores_at(repo, commit, rel, day, cache_dir), ""
    except UNCHECKABLE as error:
        return {}, uncheckable_reason(error)


def _scores_at(repo: Path, commit: str, rel: str, day: dt.date, cache_dir: Path | None) -> dict[str, float]:
    from zwgk.catalog.loader import CatalogError
    from zwgk.catalog.snapshot import catalogue_of
    from zwgk.monitoring.scorecards import scorecards
    from zwgk.rules.run import check
    from zwgk.site.data import site_data

    with tempfile.TemporaryDirectory(prefix="zwgk-trend-") as scratch:
        result = check(catalogue_of(commit, repo, rel, Path(scratch)), as_of=day, cache_dir=cache_dir)
        if result.catalog is None or result.catalog.scheme is None:
            raise CatalogError("scheme.yml（编码方案）无法读取。")
        return {card.dept_id: card.score for card in scorecards(site_data(result), result.findings, day)}


def history(catalog_root: Path, as_of: dt.date, current: dict[str, float], cache_dir: Path | None) -> list[Point]:
    """Scores at the end of each of the last 11 months, and the current ones."""
    points = []
    top = _git(catalog_root, "rev-parse", "--show-toplevel")
    cache = PickleCache(cache_dir, "trend")
    version = code_version(("rules/*.py", "monitoring/scorecards.py", "monitoring/trend.py", "catalog/*.py"))
    for day in month_ends(as_of):
        scores: dict[str, float] | None = None
        gap = ""
        if top:
            rel = catalog_root.resolve().relative_to(Path(top).resolve()).as_posix()
            commit = _git(Path(top), "rev-list", "-1", f"--before={day.isoformat()} 23:59:59", "HEAD", "--", rel)
            tree = _git(Path(top), "rev-parse", f"{commit}:{rel}") if commit else None
            if commit and tree:
                key = f"{tree}-{day.isoformat()}-{version}"
                cached = cache.get(key)
                if not isinstance(cached, tuple):
                    cached = _score_tree(Path(top), commit, rel, day, cache_dir)
                    cache.put(key, cached)
                scores, gap = cached
        average = sum(scores.values()) / len(scores) if scores else None
        points.append(Point(day.strftime("%Y-%m"), average, scores or {}, gap))
    points.append(Point(as_of.strftime("%Y-%m"), sum(current.values()) / len(current) if current else None, current))
    return points


class GridLine(NamedTuple):
    y: str
    label_y: str
    score: int


class MonthLabel(NamedTuple):
    x: str
    month: str


class Dot(NamedTuple):
    x: str
    y: str


class MonthValue(NamedTuple):
    month: str
    value: str


class Chart(NamedTuple):
    """The view of a trend chart (templates/trend.html): coordinates already formatted."""

    title: str
    width: int
    height: int
    left: int
    right: int
    grid: list[GridLine]
    labels: list[MonthLabel]
    dots: list[Dot]
    rows: list[MonthValue]


def chart(points: list[Point], title: str, dept_id: str | None = None) -> Chart:
    """A line chart of the score (0-100) by month, with a table giving the same figures."""
    values = [(p.month, p.scores.get(dept_id) if dept_id else p.average) for p in points]
    gaps = {p.month for p in points if p.gap}
    # Drawn small and scaled up by the stylesheet (.zwgk-trend): on a 360 px phone column its text (14
    # units) stays at least 12 px. With many months every other one is labelled, counted from the last,
    # which has room to its right.
    width, height, left, bottom, top, right = 400, 220, 34, 30, 12, 24
    step = (width - left - right) / max(len(values) - 1, 1)
    every = 2 if len(values) > 7 else 1

    def y(score: float) -> float:
        return top + (height - top - bottom) * (1 - score / 100)

    return Chart(
        title=title,
        width=width,
        height=height,
        left=left,
        right=width - right,
        grid=[GridLine(f"{y(s):.1f}", f"{y(s) + 5:.1f}", s) for s in (0, 25, 50, 75, 100)],
        labels=[
            MonthLabel(f"{left + i * step:.1f}", month[2:]) for i, (month, _) in enumerate(values) if (len(values) - 1 - i) % every == 0
        ],
        dots=[Dot(f"{left + i * step:.1f}", f"{y(v):.1f}") for i, (_, v) in enumerate(values) if v is not None],
        rows=[
            MonthValue(month, f"{value:.1f}" if value is not None else GAP_LABEL if month in gaps else "无记录") for month, value in values
        ],
    )


def svg(points: list[Point], title: str, dept_id: str | None = None) -> Markup:
    """The chart as markup: an SVG line chart and the table of its figures (templates/trend.html)."""
    return _render("trend.html", chart=chart(points, title, dept_id))
