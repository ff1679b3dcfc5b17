"""A seeded generator of valid catalogues: the bundled sample and province-scale test data.

`generate(plan)` returns every file as plain data keyed by its path in the catalogue, so tests can
mutate a record before `write` puts it on disk. Everything generated passes `zwgk check` clean as of
`plan.as_of`; the generator is itself tested for that.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from zwgk.catalog.codes import add_months, make_index, make_uscc
from zwgk.catalog.scheme_model import DEFAULT_SCORE_WEIGHTS, DEFAULT_UPDATE_INTERVALS
from zwgk.sample import annual as annual_reports
from zwgk.sample import data as data

SERVICE_TYPES = ("01", "05", "07", "20")  # the scheme's default service_types
SAMPLE_NOTICE = "示例数据：本目录中的部门、代码、事项和条目均为演示用途虚构，不代表任何机关的正式公开内容。"


@dataclass(frozen=True)
class Plan:
    provincial: int = 42
    cities: int = 16
    items: int = 6000
    entries: int = 100_000
    years: tuple[int, ...] = (2022, 2023, 2024, 2025, 2026)
    seed: int = 1
    as_of: dt.date = dt.date(2026, 11, 20)
    notice: str = SAMPLE_NOTICE
    # The share of departments that lag (gaps in months, late publication, missing interpretations,
    # incomplete guides, a late annual report): the rest keep up and check clean. With any lag, the
    # 省市场监管局 lags, as in the sample.
    lagging: float = 0.0


SAMPLE_PLAN = Plan(provincial=11, cities=5, items=150, entries=1000, years=(2025, 2026), seed=2026, lagging=0.6)
LAGGARD = "340000-amr"
# The months of the window in which a department must publish something or state why (up to date).
RECENT_MONTHS = 14


@dataclass
class _Dept:
    id: str
    region: str
    sector: str
    name: str
    short_name: str
    uscc: str
    level: str
    index_format: str
    items: list[dict] = field(default_factory=list)
    lag: int = 0  # 0: keeps up; 1 to 3: lags more and more


def _provincial_sectors() -> list[str]:
    with_items = [code for code in data.SECTORS if code in data.ITEMS]
    return with_items + [code for code in data.SECTORS if code not in data.ITEMS]


def _departments(plan: Plan) -> list[_Dept]:
    departments = []
    for number, sector in enumerate(_provincial_sectors()[: plan.provincial]):
        _, short_id, name, short_name, _ = data.SECTORS[sector]
        uscc = make_uscc("11", "340000", f"00{sector}{number + 1:04d}")
        departments.append(_Dept(f"340000-{short_id}", "340000", sector, name, short_name, uscc, "省级", "uscc-yyyymm"))
    for number in range(plan.cities):
        region = data.CITY_CODES[number % len(data.CITY_CODES)]
        sector = "25" if number % 3 != 2 else "19"
        city = data.REGIONS[region]
        bureau = data.SECTORS[sector][4]
        uscc = make_uscc("11", region, f"{region[2:4]}{sector}{number + 1:04d}")
        dept_id = f"{region}-{data.CITY_SHORT_IDS[sector]}"
        short = f"{city}{bureau.replace('监督管理', '监管').replace('委员会', '委')}"
        departments.append(_Dept(dept_id, region, sector, f"{city}{bureau}", short, uscc, "市级", "org-yyyymm"))
    return departments


def _basis_level(title: str) -> str:
    if title.startswith("《中华人民共和国"):
        return "法律"
    if title.startswith("《安徽省"):
        return "地方性法规"
    return "行政法规" if title.endswith("条例》") else "部门规章"


def _flow(item_type: str, rng: random.Random, office: str) -> tuple[list[dict], int]:
    """A flow for the type, and the days of its longest path."""
    if item_type in ("01", "05", "07", "20"):
        review = rng.randint(2, 8)
        steps = [
            {
                "id": "accept",
                "name": "受理",
                "actor": "政务服务中心窗口",
                "days": 1,
                "next": [{"to": "review", "when": "材料齐全"}, {"to": "supplement", "when": "材料不齐全"}],
            },
            {"id": "supplement", "name": "一次性告知补正材料", "actor": "政务服务中心窗口", "days": 0, "next": "accept"},
            {
                "id": "review",
                "name": "审查",
                "actor": office,
                "days": review,
                "next": [{"to": "decide", "when": "符合条件"}, {"to": "refuse", "when": "不符合条件"}],
            },
            {"id": "decide", "name": "作出准予决定", "actor": "分管负责人", "days": 2, "next": "deliver"},
            {"id": "refuse", "name": "作出不予决定并说明理由", "actor": "分管负责人", "days": 2, "end": True},
            {"id": "deliver", "name": "送达", "actor": "政务服务中心窗口", "days": 1, "end": True},
        ]
        return steps, 1 + review + 2 + 1
    if item_type == "02":
        investigate = rng.randint(10, 30)
        steps = [
            {"id": "register", "name": "立案", "actor": office, "days": 5, "next": "investigate"},
            {"id": "investigate", "name": "调查取证", "actor": "执法人员", "days": investigate, "next": "review"},
            {
                "id": "review",
                "name": "法制审核",
                "actor": "法规处",
                "days": 5,
                "next": [{"to": "notify", "when": "违法事实成立"}, {"to": "close", "when": "违法事实不成立"}],
            },
            {"id": "notify", "name": "告知陈述申辩和听证权利", "actor": office, "days": 5, "next": "decide"},
            {"id": "decide", "name": "作出处罚决定", "actor": "负责人集体讨论", "days": 5, "next": "deliver"},
            {"id": "deliver", "name": "送达并执行", "actor": office, "days": 7, "end": True},
            {"id": "close", "name": "不予处罚并结案", "actor": office, "days": 2, "end": True},
        ]
        return steps, 5 + investigate + 5 + 5 + 5 + 7
    if item_type == "03":
        steps = [
            {"id": "approve", "name": "报批", "actor": "负责人", "days": 1, "next": "enforce"},
            {"id": "enforce", "name": "实施强制措施并制作现场笔录", "actor": "执法人员", "days": 1, "next": "deliver"},
            {"id": "deliver", "name": "送达强制措施决定书", "actor": "执法人员", "days": 1, "next": "handle"},
            {"id": "handle", "name": "查清事实后作出处理决定", "actor": office, "days": 27, "end": True},
        ]
        return steps, 30
    if item_type == "06":
        steps = [
            {"id": "plan", "name": "制定检查计划（双随机抽取）", "actor": office, "days": 3, "next": "inspect"},
            {
                "id": "inspect",
                "name": "实施检查",
                "actor": "执法人员",
                "days": 5,
                "next": [{"to": "archive", "when": "未发现问题"}, {"to": "rectify", "when": "发现问题"}],
            },
            {"id": "rectify", "name": "责令整改或移交处理", "actor": office, "days": 10, "next": "archive"},
            {"id": "archive", "name": "公示检查结果并归档", "actor": office, "days": 2, "end": True},
        ]
        return steps, 20
    steps = [
        {"id": "accept", "name": "受理", "actor": office, "days": 1, "next": "review"},
        {"id": "review", "name": "审核", "actor": office, "days": 10, "next": "decide"},
        {"id": "decide", "name": "作出决定", "actor": "负责人", "days": 3, "next": "deliver"},
        {"id": "deliver", "name": "送达", "actor": office, "days": 1, "end": True},
    ]
    return steps, 15


def _item(dept: _Dept, code: str, item_type: str, name: str, basis: tuple[str, str], rng: random.Random, plan: Plan) -> dict:
    office = f"{data.SECTORS[dept.sector][0]}业务处" if dept.level == "省级" else "行政审批科"
    flow, days = _flow(item_type, rng, office)
    title, article = basis
    promised = days + rng.randint(0, 5)
    item = {
        "basic_code": code,
        "name": name,
        **({"aliases": list(data.ALIASES[name])} if name in data.ALIASES else {}),
        "type": item_type,
        "basis": [{"level": _basis_level(title), "title": title, "article": article, "text": f"依据{title}{article}的规定。"}],
        "subject": dept.name,
        "office": office,
        "source": "法定本级行使",
        "levels": [dept.level],
        "content": f"依法办理{name}。",
        "conditions": ["申请人具有完全民事行为能力或者依法成立", f"符合{title}规定的条件"],
        "materials": [
            {"name": "申请书", "required": True, "form": "纸质或电子", "copies": 1, "source": "申请人自备"},
            {"name": "申请人身份证明或营业执照", "required": True, "form": "电子", "copies": 1, "source": "政府部门核发"},
            {"name": "相关证明材料", "required": False, "form": "纸质", "copies": 1, "source": "申请人自备"},
        ],
        "flow": flow,
        "time_limit": {"statutory": promised + rng.choice([0, 5, 10]), "promised": promised},
        "fees": {"charged": False, "basis": "", "standard": "不收费"},
        "result": f"{name}决定书" if item_type != "20" else "办理结果告知",
        "responsibilities": [
            {"phase": "受理", "duty": "依法受理或不予受理，并一次性告知需要补正的材料。"},
            {"phase": "审查", "duty": "对申请材料进行审查，提出审查意见。"},
            {"phase": "决定", "duty": "依法作出决定，不予办理的说明理由。"},
            {"phase": "送达", "duty": "依法送达并公开办理结果。"},
            {"phase": "事后监管", "duty": "依法开展事中事后监管。"},
        ],
        "accountability": ["对符合条件的申请不予受理、不予办理的", "对不符合条件的申请违法办理的", "索取或者收受他人财物的"],
        "contact": {"consult_phone": f"0551-6{rng.randint(1000000, 9999999)}", "complaint_phone": "12345"},
        "updated": (plan.as_of - dt.timedelta(days=rng.randint(10, 90))).isoformat(),
    }
    if item_type in SERVICE_TYPES:
        # The 办事指南 elements, derived from the codes (no draw from `rng`: the rest of the sample stays as it was).
        item.update(
            location=f"{data.REGIONS[dept.region]}政务服务中心 {int(code[6:9]) % 3 + 1} 楼 {int(code[6:9]) % 20 + 1} 号窗口（示例地址）",
            hours="工作日 9:00—12:00，13:30—17:00（法定节假日除外）",
            online_url=f"https://www.example.org/{dept.id}/banshi/{code}/",
            audience=["自然人"] if item_type == "20" else (["法人"] if int(code[6:9]) % 2 else ["自然人", "法人"]),
        )
        if dept.lag >= 2 and rng.random() < 0.5:  # a lagging department's guides lack the place and hours
            del item["location"], item["hours"]
    return item


def _dept_items(dept: _Dept, count: int, rng: random.Random, plan: Plan) -> list[dict]:
    sector = dept.sector
    sector_name = data.SECTORS[sector][0]
    mains = []
    for serial, (item_type, name, title, article) in enumerate(data.ITEMS.get(sector, []), start=1):
        mains.append((f"00{item_type}{sector}{serial:03d}000", item_type, name, (title, article)))
    mains.append((f"0020{sector}900000", "20", "政府信息依申请公开办理", ("《中华人民共和国政府信息公开条例》", "第二十七条")))
    subs = [
        (f"{code[:9]}{number:03d}", item_type, f"{name}（{variant}）", basis)
        for code, item_type, name, basis in mains
        if item_type == "01"
        for number, variant in enumerate(data.VARIANTS, start=1)
    ]
    planned = mains + subs
    for extra in range(1, max(0, count - len(planned)) + 1):
        item_type = list(data.POWER_TYPES)[extra % len(data.POWER_TYPES)]
        type_name = data.POWER_TYPES[item_type]
        planned.append(
            (
                f"34{item_type}{sector}{100 + extra:03d}000",
                item_type,
                f"{sector_name}领域{type_name}事项（第{extra}项）",
                ("《安徽省行政程序规定》", f"第{extra % 90 + 10}条"),
            )
        )
    planned = planned[:count]
    items = [_item(dept, code, item_type, name, basis, rng, plan) for code, item_type, name, basis in planned]
    extra_items = [
        _item(dept, f"00{item_type}{sector}{serial:03d}000", item_type, name, (title, article), random.Random(f"{dept.id}/{name}"), plan)
        for serial, (item_type, name, title, article) in enumerate(
            data.EXTRA_ITEMS.get(sector, []), start=len(data.ITEMS.get(sector, [])) + 1
        )
    ]
    # The extra items take the places of generic filler items (or, without fillers, of the items just
    # before the last two), so that a department keeps its planned number of items.
    extra_items = extra_items[: max(0, len(items) - 3)]
    for _ in extra_items:
        fillers = [i for i, item in enumerate(items[:-2]) if item["basic_code"].startswith("34")]
        del items[fillers[-1] if fillers else len(items) - 3]
    items[1:1] = extra_items
    if count >= 8 and len(items) >= 8:
        successor = items[0]
        merged, cancelled = items[-2], items[-1]
        merged.update(
            status="已合并",
            status_date=f"{plan.as_of.year}-01-01",
            status_reason="根据权责清单动态调整，并入相关事项。",
            replaced_by=successor["basic_code"],
        )
        cancelled.update(status="已取消", status_date=f"{plan.as_of.year}-01-01", status_reason="法律法规修改，不再实施。")
    return items


def _spread(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if number < total % parts else 0) for number in range(parts)]


def _month(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def _recent_months(as_of: dt.date) -> list[str]:
    return [_month(add_months(as_of.replace(day=1), -back)) for back in range(RECENT_MONTHS, -1, -1)]


def _dates(dept: _Dept, count: int, rng: random.Random, plan: Plan) -> tuple[list[dt.date], set[str]]:
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
    for year_count, year in zip(_spread(count, len(plan.years)), plan.years, strict=False):
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


def _genres(dept: _Dept, dates: list[dt.date], rng: random.Random, plan: Plan) -> list[str]:
    """A genre per date (政策解读 only where an entry interprets a policy, see _entries). A department
    that keeps up has a recent entry of every genre with an update interval; the most lagging one
    lets those columns go stale."""
    genres = [rng.choice([code for code in data.TITLES if code != INTERPRETATION]) for _ in dates]
    if dept.lag >= 2 or not dates:
        return genres
    fresh_after = add_months(plan.as_of, -3)
    kept, stale = set(), []
    for genre in [code for code in DEFAULT_UPDATE_INTERVALS if code in data.TITLES]:
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


def _entries(dept: _Dept, count: int, rng: random.Random, plan: Plan) -> tuple[dict[int, list[dict]], dict[str, str]]:
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
        template = rng.choice(data.TITLES[genre])
        topic_word = rng.choice(data.TOPIC_WORDS)
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
            topic=data.SECTOR_TOPIC.get(dept.sector, "02.01") if rng.random() < 0.7 else rng.choice(list(data.TOPICS)),
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


def scheme(plan: Plan) -> dict:
    # Fresh copies: callers (tests) mutate what they get, and the code lists are shared module data.
    return copy.deepcopy(
        {
            "province": data.PROVINCE,
            "notice": plan.notice,
            "regions": data.REGIONS,
            "power_types": data.POWER_TYPES,
            "sectors": {code: values[0] for code, values in data.SECTORS.items()},
            "topics": data.TOPICS,
            "genres": data.GENRES,
            "index_formats": ["uscc-yyyymm", "org-yyyymm"],
            "limits": {"publish_within_workdays": 20, "review_every_months": 12, "summary_max_chars": 300},
            "holidays": data.HOLIDAYS,
            "workdays": data.WORKDAYS,
            "update_intervals": DEFAULT_UPDATE_INTERVALS,
            "score_weights": DEFAULT_SCORE_WEIGHTS,
            "synonyms": data.SYNONYMS,
        }
    )


def generate(plan: Plan) -> dict[str, object]:
    """Every file of a valid catalogue, as data keyed by its path relative to the catalogue root."""
    rng = random.Random(plan.seed)
    files: dict[str, object] = {"scheme.yml": scheme(plan)}
    departments = _departments(plan)
    if plan.lagging:
        for number, dept in enumerate(departments):
            if dept.id == LAGGARD or random.Random(f"{plan.seed}-{number}").random() < plan.lagging:
                dept.lag = 1 + number % 3 if dept.id != LAGGARD else 2
    for dept, item_count, entry_count in zip(
        departments, _spread(plan.items, len(departments)), _spread(plan.entries, len(departments)), strict=False
    ):
        base = f"departments/{dept.id}"
        files[f"{base}/department.yml"] = {
            "name": dept.name,
            "short_name": dept.short_name,
            "uscc": dept.uscc,
            "region": dept.region,
            "level": dept.level,
            "sector": dept.sector,
            "disclosure_office": {
                "name": f"{dept.name}办公室（政务公开办）",
                "address": f"{data.REGIONS[dept.region]}政务服务中心{rng.randint(1, 9)}号楼",
                "hours": "工作日 8:30-12:00，14:30-17:30",
                "phone": f"0551-6{rng.randint(1000000, 9999999)}",
                "fax": f"0551-6{rng.randint(1000000, 9999999)}",
                "email": f"zwgk@{dept.id.split('-')[1]}.example.org",
                "website": f"https://www.example.org/{dept.id}/",
                "postcode": "230000",
            },
            "supervision_phone": "12345",
            "maintainers": [f"{dept.id.split('-')[1]}-{dept.region}"],
        }
        for item in _dept_items(dept, item_count, rng, plan):
            files[f"{base}/powers/{item['basic_code']}.yml"] = item
        by_year, remarks = _entries(dept, entry_count, rng, plan)
        for year, entries in by_year.items():
            files[f"{base}/disclosure/{year}.yml"] = entries
        if remarks:
            files[f"{base}/department.yml"]["remarks"] = remarks
        # The two years before the newest: both complete, the later one published by now.
        report_years = [plan.years[-1] - 2, plan.years[-1] - 1]
        for year, report in annual_reports.reports(dept.name, report_years, dept.lag, rng).items():
            files[f"{base}/annual/{year}.yml"] = report
    return files


def dump(value: object) -> str:
    return yaml.dump(value, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=4096, default_flow_style=False)


def write(files: dict[str, object], root: Path, header: str = "") -> None:
    """Write generated files under `root` (which should be empty or absent)."""
    for rel, value in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + dump(value), encoding="utf-8")
