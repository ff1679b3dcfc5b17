"""A seeded generator of valid catalogues: the bundled sample and province-scale test data.

`generate(plan)` returns every file as plain data keyed by its path in the catalogue, so tests can
mutate a record before `write` puts it on disk. Everything generated passes `zwgk check` clean as of
`plan.as_of`; the generator is itself tested for that. The plan is in `plan.py`; the items, entries
and annual reports come from `powers.py`, `entries.py` and `annual.py`.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path

import yaml

from zwgk.catalog.codes import make_uscc
from zwgk.catalog.scheme_model import DEFAULT_SCORE_WEIGHTS, DEFAULT_UPDATE_INTERVALS
from zwgk.sample import annual as annual_reports
from zwgk.sample import data
from zwgk.sample.entries import dept_entries
from zwgk.sample.plan import LAGGARD, Dept, Plan, spread
from zwgk.sample.powers import ITEMS, dept_items


def _provincial_sectors() -> list[str]:
    with_items = [code for code in data.SECTORS if code in ITEMS]
    return with_items + [code for code in data.SECTORS if code not in ITEMS]


def _departments(plan: Plan) -> list[Dept]:
    departments = []
    for number, sector in enumerate(_provincial_sectors()[: plan.provincial]):
        _, short_id, name, short_name, _ = data.SECTORS[sector]
        uscc = make_uscc("11", "340000", f"00{sector}{number + 1:04d}")
        departments.append(Dept(f"340000-{short_id}", "340000", sector, name, short_name, uscc, "省级", "uscc-yyyymm"))
    for number in range(plan.cities):
        region = data.CITY_CODES[number % len(data.CITY_CODES)]
        sector = "25" if number % 3 != 2 else "19"
        city = data.REGIONS[region]
        bureau = data.SECTORS[sector][4]
        uscc = make_uscc("11", region, f"{region[2:4]}{sector}{number + 1:04d}")
        dept_id = f"{region}-{data.CITY_SHORT_IDS[sector]}"
        short = f"{city}{bureau.replace('监督管理', '监管').replace('委员会', '委')}"
        departments.append(Dept(dept_id, region, sector, f"{city}{bureau}", short, uscc, "市级", "org-yyyymm"))
    return departments


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
        departments, spread(plan.items, len(departments)), spread(plan.entries, len(departments)), strict=False
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
        for item in dept_items(dept, item_count, rng, plan):
            files[f"{base}/powers/{item['basic_code']}.yml"] = item
        by_year, remarks = dept_entries(dept, entry_count, rng, plan)
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
