"""The sample's catalogue entries: titles by genre, dates spread over the plan's years (with the gaps
of lagging departments), genres kept fresh, interpretations of policies, and the remarks for empty months."""

from __future__ import annotations

import datetime as dt
import random

from zwgk.catalog.codes import add_months, make_index
from zwgk.catalog.scheme_model import DEFAULT_UPDATE_INTERVALS
from zwgk.sample import data
from zwgk.sample.plan import LAGGARD, Dept, Plan, spread

# The months of the window in which a department must publish something or state why (up to date).
RECENT_MONTHS = 14

SECTOR_TOPIC = {
    "01": "03.01",
    "02": "11.02",
    "03": "11.01",
    "04": "07.01",
    "05": "18",
    "06": "16.01",
    "07": "17.01",
    "08": "16.02",
    "09": "04.01",
    "10": "15.02",
    "11": "05.01",
    "12": "10.02",
    "13": "10.01",
    "14": "07.02",
    "15": "06.02",
    "16": "06.01",
    "17": "08.01",
    "18": "12",
    "19": "13.01",
    "20": "15",
    "21": "02.02",
    "22": "04.02",
    "23": "19",
    "24": "03",
    "25": "09.01",
    "26": "12",
    "27": "13.02",
    "28": "03.01",
    "29": "15.02",
    "30": "06",
    "31": "03",
    "32": "05.02",
    "33": "21",
    "34": "02",
    "35": "04",
    "36": "02.04",
    "37": "09.01",
    "38": "11.01",
    "39": "02",
    "40": "09.02",
    "41": "22",
    "42": "02.02",
}

# Title templates by genre; {s} is the sector name, {p} the department short name, {y} the year, {n} a number.
TITLES = {
    "06": ["关于印发《安徽省{s}领域{topic}实施方案》的通知", "关于做好{y}年{s}{topic}工作的通知", "关于开展{s}领域{topic}专项行动的通知"],
    "03": ["{p}关于{s}{topic}有关事项的公告", "关于{y}年第{n}批{s}{topic}结果的公告"],
    "04": ["关于加强{s}{topic}管理的通告"],
    "05": ["关于推进{s}{topic}高质量发展的实施意见", "关于进一步优化{s}{topic}服务的意见"],
    "07": ["关于{y}年{s}{topic}情况的通报"],
    "08": ["{p}{y}年法治政府建设情况报告", "{p}关于{s}{topic}工作情况的报告"],
    "09": ["关于{s}{topic}有关问题的批复"],
    "10": ["关于征求《{s}{topic}管理办法（征求意见稿）》意见的函"],
    "12": ["安徽省“十五五”{s}{topic}发展规划"],
    "13": ["{y}年第{n}季度{s}统计数据", "{y}年{s}{topic}统计数据"],
    "14": ["{s}{topic}办事指南"],
    "15": ["《安徽省{s}{topic}实施方案》政策解读", "一图读懂{s}{topic}新政"],
    "16": ["{y}年{s}{topic}拟认定名单公示", "关于{s}{topic}项目的公示"],
}
TOPIC_WORDS = [
    "营商环境",
    "安全生产",
    "数字化转型",
    "行政审批制度改革",
    "信用体系建设",
    "标准化",
    "质量提升",
    "乡村振兴",
    "民生实事",
    "放管服改革",
    "执法监督",
    "应急保障",
]
DOC_PREFIX = {"省": "皖", "市": ""}


def _month(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def _recent_months(as_of: dt.date) -> list[str]:
    return [_month(add_months(as_of.replace(day=1), -back)) for back in range(RECENT_MONTHS, -1, -1)]


def _dates(dept: Dept, count: int, rng: random.Random, plan: Plan) -> tuple[list[dt.date], set[str]]:
    """Creation dates spread over the plan's years, and the months a lagging department publishes
    nothing in."""
    last_day = plan.as_of - dt.timedelta(days=5)
    gaps: set[str] = set()
    if dept.lag:
        recent = _recent_months(plan.as_of)[:-2]
        gaps = set(rng.sample(recent, min(len(recent), 1 + dept.lag)))
        if dept.id == LAGGARD:
            gaps |= {"2025-11", "2025-12"}
    dates = []
    for year_count, year in zip(spread(count, len(plan.years)), plan.years, strict=False):
        start = dt.date(year, 1, 2)
        end = min(dt.date(year, 12, 28), last_day)
        span = (end - start).days
        for _ in range(year_count):
            date = start + dt.timedelta(days=rng.randint(0, span))
            while _month(date) in gaps or _month(date + dt.timedelta(days=3)) in gaps:
                date = start + dt.timedelta(days=rng.randint(0, span))
            dates.append(date)
    if dates and not dept.lag and dates[-1].year == plan.as_of.year:
        dates[-1] = plan.as_of - dt.timedelta(days=rng.randint(5, 12))  # something published this month
    return dates, gaps


def _genres(dept: Dept, dates: list[dt.date], rng: random.Random, plan: Plan) -> list[str]:
    """A genre per date (政策解读 only where an entry interprets a policy, see dept_entries). A department
    that keeps up has a recent entry of every genre with an update interval; the most lagging one
    lets those columns go stale."""
    genres = [rng.choice([code for code in TITLES if code != INTERPRETATION]) for _ in dates]
    if dept.lag >= 2 or not dates:
        return genres
    fresh_after = add_months(plan.as_of, -3)
    kept, stale = set(), []
    for genre in [code for code in DEFAULT_UPDATE_INTERVALS if code in TITLES]:
        newest = max((n for n, g in enumerate(genres) if g == genre), key=lambda n: dates[n], default=None)
        if newest is not None and dates[newest] >= fresh_after:
            kept.add(newest)  # already fresh: not to be given another genre
        else:
            stale.append(genre)
    recent = sorted((n for n in range(len(dates)) if n not in kept), key=lambda number: dates[number], reverse=True)
    for genre in stale:
        number = recent.pop(0)
        genres[number] = genre
        if dates[number] < fresh_after:
            dates[number] = plan.as_of - dt.timedelta(days=rng.randint(5, 40))
    return genres


INTERPRETATION = "15"


def dept_entries(dept: Dept, count: int, rng: random.Random, plan: Plan) -> tuple[dict[int, list[dict]], dict[str, str]]:
    """A department's entries by year, and its remarks for the recent months it published nothing in."""
    sector_name = data.SECTORS[dept.sector][0]
    dates, gaps = _dates(dept, count, rng, plan)
    genres = _genres(dept, dates, rng, plan)
    pinned = {number for number, genre in enumerate(genres) if genre in DEFAULT_UPDATE_INTERVALS}
    order = sorted(range(len(dates)), key=lambda number: (dates[number], number))
    serials: dict[str, int] = {}
    doc_serial: dict[int, int] = {}
    by_year: dict[int, list[dict]] = {}
    abbreviation = dept.short_name.removeprefix("省").removeprefix(data.REGIONS.get(dept.region, ""))[:3]
    doc_prefix = ("皖" if dept.level == "省级" else data.REGIONS[dept.region][:2]) + abbreviation
    policy = None  # the newest normative document still without an interpretation
    published_months = set()
    for number, position in enumerate(order):
        date, genre = dates[position], genres[position]
        period = f"{date.year}{date.month:02d}"
        serials[period] = serials.get(period, 0) + 1
        template = rng.choice(TITLES[genre])
        topic_word = rng.choice(TOPIC_WORDS)
        title = template.format(s=sector_name, p=dept.short_name, y=date.year, n=number % 4 + 1, topic=topic_word)
        interprets = None
        if policy is not None and position not in pinned and not (dept.lag and rng.random() < 0.25 * dept.lag + 0.2):
            genre, interprets = INTERPRETATION, policy["index"]
            title = f"《{policy['title']}》政策解读"
            policy = None
        delay = rng.randint(0, 3)
        if dept.lag and rng.random() < 0.08 * dept.lag:
            delay = rng.randint(32, 45)  # later than 20 working days
        published = min(date + dt.timedelta(days=delay), plan.as_of - dt.timedelta(days=1))
        if _month(published) in gaps:  # late, but not into a month the department left empty
            published = date + dt.timedelta(days=rng.randint(0, 3))
        entry = {
            "index": make_index(dept.index_format, dept.uscc, date, serials[period]),
            "title": title,
            "summary": f"{dept.short_name}发布{title}，就{sector_name}领域{topic_word}有关事项作出安排。",
            "date": date.isoformat(),
            "published": published.isoformat(),
        }
        published_months.add(_month(published))
        if genre in ("02", "03", "04", "05", "06", "09", "10"):
            doc_serial[date.year] = doc_serial.get(date.year, 0) + 1
            entry["doc_number"] = f"{doc_prefix}〔{date.year}〕{doc_serial[date.year]}号"
        # A department that keeps up has each policy interpreted before it issues the next one.
        normative = genre in ("04", "05", "06") and rng.random() < 0.3 and (dept.lag or policy is None)
        entry.update(
            topic=SECTOR_TOPIC.get(dept.sector, "02.01") if rng.random() < 0.7 else rng.choice(list(data.TOPICS)),
            genre=genre,
            mode="主动公开" if rng.random() < 0.97 else "依申请公开",
        )
        if normative:
            entry["normative"] = True
        # Lagging departments leave out the validity of some normative documents.
        if not (normative and dept.lag and rng.random() < 0.5):
            entry["validity"] = "有效" if rng.random() < 0.9 else "失效"
        if interprets:
            entry["interprets"] = interprets
        entry.update(url=f"https://www.example.org/{dept.id}/{period}/{serials[period]:05d}.html", keywords=[sector_name, topic_word])
        if normative and entry["mode"] == "主动公开":
            policy = entry
        by_year.setdefault(date.year, []).append(entry)
    if policy is not None and not dept.lag:
        del policy["normative"]  # no entry left to interpret it: an ordinary notice
    remarks = {}
    if not dept.lag:
        first = _month(min(dates)) if dates else _month(plan.as_of)
        for month in _recent_months(plan.as_of):
            if month >= first and month not in published_months and month < _month(plan.as_of):
                remarks[month] = "本月无新增主动公开信息。"
    return by_year, remarks
