"""Generated annual reports (政府信息公开工作年度报告, 国办公开办函〔2021〕30号): every section and table,
consistent within a year (each column balances, every stated total adds up) and between years (this
year's 上年结转 is last year's 结转下年度). A lagging department publishes late and may quote a figure
in section 一 that its tables do not show."""

from __future__ import annotations

import datetime as dt
import random

from zwgk.catalog.annual_model import Applicants, Results

COLUMNS = Applicants.COLUMNS


def _row(values: dict[str, int]) -> dict:
    row = {column: values.get(column, 0) for column in COLUMNS if values.get(column, 0)}
    row["total"] = sum(values.values())
    return row


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` split at random into `parts` non-negative numbers."""
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _applications(carried: dict[str, int], rng: random.Random) -> tuple[dict, dict[str, int], dict]:
    """Table 三 for one year: the rows as YAML data, what is carried forward, and the figures."""
    new = {"natural_person": rng.randint(8, 60), "commercial": rng.randint(0, 20), "legal_service": rng.randint(0, 4)}
    new["research"] = rng.randint(0, 2)
    new["other"] = rng.randint(0, 5)
    forward = {column: rng.randint(0, 2) if column == "natural_person" else 0 for column in COLUMNS}
    # Per column: everything received and not carried forward is handled, spread over the reasons.
    reasons = [("disclosed",), ("partly_disclosed",)]
    for group in Results.GROUPS:
        reasons += [(group, reason) for reason in Results.model_fields[group].annotation.REASONS]
    cells: dict[tuple, dict[str, int]] = {reason: {} for reason in reasons}
    for column in COLUMNS:
        handled = new.get(column, 0) + carried.get(column, 0) - forward[column]
        if handled < 0:
            forward[column] += handled
            handled = 0
        disclosed = round(handled * rng.uniform(0.5, 0.75))
        rest = _split(handled - disclosed, 4, rng)
        cells[("disclosed",)][column] = disclosed
        cells[("partly_disclosed",)][column] = rest[0]
        cells[("unavailable", "not_held")][column] = rest[1]
        cells[("withheld", rng.choice(["third_party", "process_information", "state_secret"]))][column] = rest[2]
        cells[("not_processed", rng.choice(["repeated", "complaint"]))][column] = rest[3]
    results: dict = {}
    for reason, values in cells.items():
        if len(reason) == 1:
            results[reason[0]] = _row(values)
        elif any(values.values()):
            results.setdefault(reason[0], {})[reason[1]] = _row(values)
    for group, rows in results.items():
        if group in Results.GROUPS:
            rows["total"] = _row({column: sum(row.get(column, 0) for row in rows.values()) for column in COLUMNS})
    handled_total = {column: sum(values.get(column, 0) for values in cells.values()) for column in COLUMNS}
    results["total"] = _row(handled_total)
    figures = {
        "new": sum(new.values()),
        "carried": sum(carried.values()),
        "disclosed": sum(cells[("disclosed",)].values()),
        "partly": sum(cells[("partly_disclosed",)].values()),
        "forward": sum(forward.values()),
    }
    data = {"new": _row(new), "carried_over": _row(carried), "results": results, "carried_forward": _row(forward)}
    return data, {column: value for column, value in forward.items() if value}, figures


def _appeals(rng: random.Random) -> dict:
    appeals = {}
    for block, most in (("review", 3), ("direct_suit", 2), ("suit_after_review", 1)):
        outcomes = {"upheld": rng.randint(0, most), "corrected": rng.randint(0, 1), "other": 0, "pending": rng.randint(0, 1)}
        appeals[block] = {**outcomes, "total": sum(outcomes.values())}
    return appeals


def reports(name: str, years: list[int], lag: int, rng: random.Random) -> dict[int, dict]:
    """The annual reports of one department for consecutive `years`; `lag` 0 (diligent) to 3."""
    built = {}
    carried: dict[str, int] = {"natural_person": rng.randint(0, 3)}
    for year in years:
        applications, forward, figures = _applications(carried, rng)
        made, in_force = rng.randint(0, 8), rng.randint(10, 60)
        appeals = _appeals(rng)
        fee_notices = rng.choice([0, 0, 0, 1])
        fee_amount = 0 if not fee_notices else rng.choice([100, 220, 560])
        # Diligent departments publish in January; lagging ones, often in February.
        late = lag >= 2 or (lag == 1 and year == years[-1])
        published = dt.date(year + 1, 2, rng.randint(5, 25)) if late else dt.date(year + 1, 1, rng.randint(8, 28))
        quoted_new = figures["new"] + (7 if lag >= 3 and year == years[-1] else 0)
        built[year] = {
            "year": year,
            "published": published.isoformat(),
            "overview": {
                "summary": f"{year} 年，{name}深入贯彻《中华人民共和国政府信息公开条例》，以公开促落实、促规范、促服务，各项工作有序推进。",
                "proactive": f"全年主动公开政府信息，本年制发规范性文件 {made} 件，现行有效规范性文件 {in_force} 件，均按规定标注有效性。",
                "applications": (
                    f"本年新收政府信息公开申请 {quoted_new} 件，上年结转 {figures['carried']} 件。"
                    f"办理结果中，予以公开 {figures['disclosed']} 件，部分公开 {figures['partly']} 件，"
                    f"结转下年度继续办理 {figures['forward']} 件。"
                ),
                "management": "健全政府信息公开**保密审查**机制：\n\n- 公开前逐件审查；\n- 定期清理规范性文件并公布清理结果。",
                "platforms": "依托政府网站政府信息公开专栏集中发布信息，同步推送政务新媒体。",
                "supervision": f"全年发生政府信息公开行政复议 {appeals['review']['total']} 件，未发生因政府信息公开工作被追责的情形。",
            },
            "proactive": {
                "regulations": {"made": 0, "repealed": 0, "in_force": rng.randint(0, 5)},
                "normative_documents": {"made": made, "repealed": rng.randint(0, 3), "in_force": in_force},
                "licensing": rng.randint(100, 5000),
                "penalty": rng.randint(0, 300),
                "coercion": rng.randint(0, 50),
                "fees": 0,
            },
            "applications": applications,
            "appeals": appeals,
            "problems": "一是政策解读的形式还不够丰富；二是部分栏目更新不够及时。下一步将完善信息发布协调机制，提高公开质量。",
            "other": {
                "text": f"依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），本年发出收费通知 {fee_notices} 件，"
                f"收取信息处理费 {fee_amount} 元。",
                "fee_notices": fee_notices,
                "fee_amount": fee_amount,
            },
        }
        carried = forward
    return built
