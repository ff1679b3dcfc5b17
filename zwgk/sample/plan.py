"""What a generated catalogue is to hold (`Plan`: how many departments, items, entries, which years,
how many lag) and the departments it is shared out to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

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


@dataclass
class Dept:
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


def spread(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if number < total % parts else 0) for number in range(parts)]
