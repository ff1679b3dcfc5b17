"""The bundled sample and the scheme's independence from any one province."""

from __future__ import annotations

from collections import Counter

from conftest import AS_OF, SAMPLE, run_check, write_catalog

from zwgk.catalog.codes import make_index, make_uscc
from zwgk.catalog.loader import load_catalog
from zwgk.rules.run import check


def test_sample_meets_its_promises():
    catalog = load_catalog(SAMPLE, workers=1)
    scheme = catalog.scheme
    assert len(catalog.folders) >= 12
    assert {dept.region for dept in catalog.departments.values()} - {"340000"}, "several cities"
    assert len(catalog.items) >= 150 and len(catalog.entries) >= 1000
    assert {item.type for item in catalog.items} == set(scheme.power_types) and len(scheme.power_types) == 11
    assert all(item.flow for item in catalog.items)
    assert any(item.is_sub_item for item in catalog.items)
    shared = Counter(item.basic_code for item in catalog.items)
    assert any(count >= 3 for count in shared.values()), "items shared by several departments"
    assert len({entry.date.year for entry in catalog.entries}) >= 2
    assert len(scheme.regions) == 17 and "341400" not in scheme.regions
    assert len([code for code in scheme.topics if "." not in code]) == 22 and any("." in code for code in scheme.topics)
    assert len(scheme.genres) == 17
    assert "示例数据" in (scheme.notice or "") and "示例数据" in (SAMPLE / "README.md").read_text(encoding="utf-8")
    assert {item.status for item in catalog.items} >= {"有效", "已取消", "已合并"}
    assert catalog.annual


# What the sample's lagging departments do wrong, on purpose: the scores must tell departments apart
# (gaps in months, late publication, missing interpretations, incomplete guides, a late report).
LAGGING_RULES = {
    "entry.published-late",
    "entry.normative-validity-missing",
    "entry.interpretation-unlinked",
    "inspection.stale-column",
    "inspection.guide-incomplete",
    "annual.published-late",
    "annual.overview-figures",
}


def test_sample_has_no_errors_and_only_its_laggards_warnings():
    result = check(SAMPLE, as_of=AS_OF, workers=1)
    assert result.errors == 0
    assert {f.rule for f in result.findings} <= LAGGING_RULES
    lagging = {f.file.split("/")[1] for f in result.findings}
    departments = {p.name for p in (SAMPLE / "departments").iterdir()}
    assert "340000-amr" in lagging and len(departments - lagging) >= 6  # most keep up and check clean


def _fujian() -> dict:
    """A tiny catalogue of another province, with its own codes and only the org-yyyy 索引号 form."""
    uscc = make_uscc("11", "350000", "35010001")
    import datetime as dt

    return {
        "scheme.yml": {
            "province": "35",
            "regions": {"350000": "福建省", "350100": "福州市"},
            "power_types": {"01": "行政许可", "02": "行政处罚"},
            "sectors": {"07": "民政"},
            "topics": {"17": "民政、扶贫、救灾"},
            "genres": {"06": "通知"},
            "index_formats": ["org-yyyy"],
        },
        "departments/350000-mzt/department.yml": {
            "name": "福建省民政厅",
            "short_name": "省民政厅",
            "uscc": uscc,
            "region": "350000",
            "level": "省级",
            "sector": "07",
            "disclosure_office": {"name": "办公室", "phone": "0591-00000000"},
        },
        "departments/350000-mzt/powers/350207001000.yml": {
            "basic_code": "350207001000",
            "name": "养老机构违法行为处罚",
            "type": "02",
            "basis": [{"level": "部门规章", "title": "《养老机构管理办法》", "article": "第四十六条"}],
            "flow": [{"id": "a", "name": "立案", "days": 1, "next": "b"}, {"id": "b", "name": "决定", "days": 1, "end": True}],
            "responsibilities": [{"phase": "决定", "duty": "依法作出处罚决定"}],
            "accountability": ["违法实施处罚的"],
            "updated": "2026-10-01",
        },
        "departments/350000-mzt/disclosure/2026.yml": [
            {
                "index": make_index("org-yyyy", uscc, dt.date(2026, 10, 12), 1),
                "title": "关于养老服务的通知",
                "date": "2026-10-12",
                "published": "2026-10-13",
                "topic": "17",
                "genre": "06",
                "mode": "主动公开",
            },
        ],
    }


def test_another_provinces_scheme_works_unchanged(tmp_path):
    assert run_check(write_catalog(_fujian(), tmp_path)).findings == []


def test_another_province_rejects_anhui_codes(tmp_path):
    files = _fujian()
    files["departments/350000-mzt/disclosure/2026.yml"][0]["index"] = "11350000350100018H/202603-00001"
    item = files.pop("departments/350000-mzt/powers/350207001000.yml")
    item["basic_code"] = "340207001000"
    files["departments/350000-mzt/powers/340207001000.yml"] = item
    rules = {f.rule for f in run_check(write_catalog(files, tmp_path)).findings}
    assert {"index.format", "code.basic-source"} <= rules
