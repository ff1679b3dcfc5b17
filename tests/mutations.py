"""One mutation per rule: each breaks exactly what its rule checks in a valid generated catalogue and
says where the finding must appear. Used by the per-rule tests and by the property-based test.

A mutation returns (file, sentinel, occurrence): the finding must be in `file`, on the line holding the
`occurrence`-th appearance of `sentinel` (None: the file as a whole, line 1; a folder: line 0).
"""

from __future__ import annotations

from collections.abc import Callable

from conftest import Fifo, Link, Raw

from zwgk.catalog.codes import make_uscc, org_check_char, uscc_check_char
from zwgk.sample import generate as synth


def depts(files):
    return [rel for rel in files if rel.endswith("/department.yml")]


def items(files, predicate=lambda item: True):
    return [rel for rel, value in files.items() if "/powers/" in rel and predicate(value)]


def disclosure_files(files, year=None):
    return [rel for rel in files if "/disclosure/" in rel and (year is None or rel.endswith(f"/{year}.yml"))]


def annual_files(files):
    return [rel for rel in files if "/annual/" in rel]


def service_item(files):
    return items(files, lambda item: item["type"] == "01" and item.get("status", "有效") == "有效" and item["basic_code"].endswith("000"))[
        0
    ]


def rename_item(files, rel, code):
    item = files.pop(rel)
    item["basic_code"] = code
    new_rel = rel.rsplit("/", 1)[0] + f"/{code}.yml"
    files[new_rel] = item
    return new_rel


MUTATIONS: dict[str, Callable] = {}


def mutation(rule_id):
    def register(function):
        MUTATIONS[rule_id] = function
        return function

    return register


# ---- files and YAML ------------------------------------------------------------------------------


@mutation("file.encoding")
def _(files):
    rel = annual_files(files)[0]
    files[rel] = Raw("year: 2025\n备注: 中文\n".encode("gbk"))
    return rel, "备注", 1


@mutation("file.bom")
def _(files):
    rel = annual_files(files)[0]
    files[rel] = Raw(b"\xef\xbb\xbf" + synth.dump(files[rel]).encode())
    return rel, None, 1


@mutation("file.too-large")
def _(files):
    rel = annual_files(files)[0]
    files[rel] = Raw(b"year: 2025\n" + b"#" * (64 * 1024 * 1024 + 1) + b"\n")
    return rel, None, 1


@mutation("file.symlink")
def _(files):
    rel = items(files)[0].rsplit("/", 1)[0] + "/linked"
    files[rel] = Link("/etc")  # a folder outside: neither read nor listed
    return rel, None, 0


@mutation("file.unreadable")
def _(files):
    rel = disclosure_files(files)[0]
    files[rel] = Fifo()
    return rel, None, 1


@mutation("file.unexpected")
def _(files):
    rel = items(files)[0].replace(".yml", ".yaml")
    files[rel] = {"name": "x"}
    return rel, None, 1


@mutation("file.name-not-year")
def _(files):
    rel = disclosure_files(files)[0]
    new_rel = rel.replace(".yml", "年.yml")
    files[new_rel] = files.pop(rel)
    return new_rel, None, 1


@mutation("file.shape")
def _(files):
    rel = disclosure_files(files)[0]
    files[rel] = files[rel][0]
    return rel, None, 1


@mutation("dept.folder-name")
def _(files):
    files["departments/fgw/department.yml"] = dict(files[depts(files)[0]])
    return "departments/fgw", None, 0


@mutation("dept.missing-file")
def _(files):
    rel = depts(files)[-1]
    del files[rel]
    return rel.rsplit("/", 1)[0], None, 0


@mutation("yaml.syntax")
def _(files):
    rel = annual_files(files)[0]
    files[rel] = Raw("year: 2025\nnote: 甲: 乙\n".encode())
    return rel, "note", 1


@mutation("yaml.tab")
def _(files):
    rel = annual_files(files)[0]
    files[rel] = Raw(b"year: 2025\nproactive:\n\tlicensing: 1\n")
    return rel, "\tlicensing", 1


@mutation("yaml.duplicate-key")
def _(files):
    rel = annual_files(files)[0]
    files[rel] = Raw(b"year: 2025\nyear: 2024\n")
    return rel, "year: 2024", 1


@mutation("yaml.alias")
def _(files):
    rel = annual_files(files)[0]
    files[rel] = Raw(b"year: 2025\na: &a [1, 2]\nb: [*a, *a]\n")
    return rel, "b: [", 1


@mutation("yaml.tag")
def _(files):
    rel = annual_files(files)[0]
    files[rel] = Raw(b"year: 2025\nnote: !!binary 5LyB5Lia\n")
    return rel, "note", 1


@mutation("yaml.too-deep")
def _(files):
    rel = annual_files(files)[0]
    files[rel] = Raw(b"year: 2025\nnote: " + b"[" * 80 + b"]" * 80 + b"\n")
    return rel, "note", 1


@mutation("schema.missing")
def _(files):
    rel = disclosure_files(files)[0]
    entry = files[rel][3]
    del entry["title"]
    return rel, entry["index"], 1


@mutation("schema.type")
def _(files):
    rel = service_item(files)
    files[rel]["time_limit"]["promised"] = "十天"
    return rel, "十天", 1


@mutation("schema.value")
def _(files):
    rel = disclosure_files(files)[0]
    files[rel][2]["mode"] = "随便公开"
    return rel, "随便公开", 1


@mutation("schema.date")
def _(files):
    rel = disclosure_files(files, 2025)[0]
    files[rel][4]["published"] = "2025-02-30"
    return rel, "2025-02-30", 1


@mutation("schema.unknown-key")
def _(files):
    rel = disclosure_files(files)[0]
    files[rel][1]["titel"] = "拼错的字段"
    return rel, "titel", 1


# ---- scheme and codes ----------------------------------------------------------------------------


@mutation("scheme.code-format")
def _(files):
    files["scheme.yml"]["regions"]["34010"] = "合肥"
    return "scheme.yml", "'34010'", 1


@mutation("scheme.synonym-group")
def _(files):
    files["scheme.yml"]["synonyms"].append(["孤零零的词"])
    return "scheme.yml", "孤零零的词", 1


@mutation("code.fullwidth")
def _(files):
    rel = disclosure_files(files)[0]
    files[rel][5]["topic"] = "０２.０１"
    return rel, "０２.０１", 1


@mutation("code.uscc-format")
def _(files):
    rel = depts(files)[0]
    files[rel]["uscc"] = "1134000000298606"
    return rel, "1134000000298606", 1


@mutation("code.uscc-checksum")
def _(files):
    rel = depts(files)[0]
    uscc = files[rel]["uscc"]
    wrong = "0" if uscc[17] != "0" else "1"
    files[rel]["uscc"] = uscc[:17] + wrong
    return rel, uscc[:17] + wrong, 1


@mutation("code.org-checksum")
def _(files):
    rel = depts(files)[0]
    uscc = files[rel]["uscc"]
    org_digit = "0" if org_check_char(uscc[8:16]) != "0" else "1"
    body = uscc[:16] + org_digit
    files[rel]["uscc"] = body + uscc_check_char(body)
    return rel, body, 1


@mutation("code.region-unknown")
def _(files):
    rel = depts(files)[0]
    files[rel]["region"] = "341400"
    return rel, "341400", 1


@mutation("dept.region-mismatch")
def _(files):
    rel = depts(files)[0]
    files[rel]["region"] = "340200"
    return rel, "340200", 1


@mutation("code.sector-unknown")
def _(files):
    rel = depts(files)[0]
    files[rel]["sector"] = "99"
    return rel, "'99'", 1


@mutation("code.type-unknown")
def _(files):
    rel = items(files)[0]
    files[rel]["type"] = "12"
    return rel, "type: '12'", 1


@mutation("code.topic-unknown")
def _(files):
    rel = disclosure_files(files)[0]
    files[rel][6]["topic"] = "02.99"
    return rel, "02.99", 1


@mutation("code.genre-unknown")
def _(files):
    rel = disclosure_files(files)[0]
    files[rel][6]["genre"] = "17"
    return rel, "genre: '17'", 1


@mutation("code.basic-format")
def _(files):
    rel = rename_item(files, items(files)[-3], "0001170030")
    return rel, "0001170030", 1


@mutation("code.basic-source")
def _(files):
    rel = items(files)[-3]
    code = files[rel]["basic_code"]
    new_rel = rename_item(files, rel, "35" + code[2:])
    return new_rel, "35" + code[2:], 1


@mutation("code.basic-type")
def _(files):
    rel = items(files, lambda item: item["type"] == "02")[0]
    code = files[rel]["basic_code"]
    new_code = code[:2] + "06" + code[4:9] + "777"
    files[rel]["type"] = "02"
    return rename_item(files, rel, new_code), new_code, 1


@mutation("code.basic-sector")
def _(files):
    rel = items(files)[-3]
    code = files[rel]["basic_code"]
    new_code = code[:4] + "41" + code[6:]
    return rename_item(files, rel, new_code), new_code, 1


@mutation("item.file-name")
def _(files):
    rel = items(files)[-3]
    new_rel = rel.rsplit("/", 1)[0] + "/000000000000.yml"
    files[new_rel] = files.pop(rel)
    return new_rel, files[new_rel]["basic_code"], 1


# ---- items ---------------------------------------------------------------------------------------


@mutation("item.sub-without-main")
def _(files):
    sub = items(files, lambda item: not item["basic_code"].endswith("000"))[0]
    code = files[sub]["basic_code"]
    del files[sub.rsplit("/", 1)[0] + f"/{code[:9]}000.yml"]
    return sub, code, 1


@mutation("item.name-conflict")
def _(files):
    shared = items(files, lambda item: item["basic_code"] == "000125001000")
    files[shared[-1]]["name"] = "食品经营许可证核发"
    return shared[-1], "name: 食品经营许可证核发", 1


@mutation("item.same-name-different-code")
def _(files):
    first, second = items(files, lambda item: item["basic_code"].endswith("000") and item.get("status", "有效") == "有效")[:2]
    files[second]["name"] = files[first]["name"]
    return second, f"name: {files[first]['name']}", 1


@mutation("item.eight-disclosures")
def _(files):
    rel = service_item(files)
    del files[rel]["materials"]
    return rel, None, 1


@mutation("item.online-url-scheme")
def _(files):
    rel = service_item(files)
    files[rel]["online_url"] = "javascript:alert(1)"
    return rel, "javascript:alert(1)", 1


@mutation("item.required-fields")
def _(files):
    rel = items(files, lambda item: item["type"] == "02")[0]
    del files[rel]["responsibilities"]
    return rel, None, 1


@mutation("item.promised-over-statutory")
def _(files):
    rel = service_item(files)
    files[rel]["time_limit"] = {"statutory": 998, "promised": 999}
    return rel, "promised: 999", 1


@mutation("basis.title-brackets")
def _(files):
    rel = items(files)[0]
    files[rel]["basis"][0]["title"] = "中华人民共和国某某法"
    return rel, "title: 中华人民共和国某某法", 1


@mutation("item.review-stale")
def _(files):
    rel = items(files)[0]
    files[rel]["updated"] = "2020-01-01"
    return rel, "2020-01-01", 1


@mutation("item.status-incomplete")
def _(files):
    rel = items(files)[1]
    files[rel]["status"] = "已取消"
    return rel, "status: 已取消", 1


@mutation("item.successor-unknown")
def _(files):
    rel = items(files, lambda item: item.get("status") == "已合并")[0]
    files[rel]["replaced_by"] = "000199999000"
    return rel, "000199999000", 1


# ---- flows ---------------------------------------------------------------------------------------


@mutation("flow.duplicate-id")
def _(files):
    rel = service_item(files)
    files[rel]["flow"][5]["id"] = "decide"
    return rel, "id: decide", 2


@mutation("flow.unknown-target")
def _(files):
    rel = service_item(files)
    files[rel]["flow"][0]["next"][0]["to"] = "reveiw"
    return rel, "reveiw", 1


@mutation("flow.dead-end")
def _(files):
    rel = service_item(files)
    del files[rel]["flow"][4]["end"]
    return rel, "id: refuse", 1


@mutation("flow.end-with-next")
def _(files):
    rel = service_item(files)
    files[rel]["flow"][5]["next"] = "accept"
    return rel, "next: accept", 2


@mutation("flow.unreachable")
def _(files):
    rel = service_item(files)
    files[rel]["flow"][0]["next"] = "review"
    return rel, "id: supplement", 1


@mutation("flow.no-end")
def _(files):
    rel = service_item(files)
    files[rel]["flow"][2]["next"] = "supplement"
    return rel, "id: accept", 1


@mutation("flow.over-promised")
def _(files):
    rel = service_item(files)
    files[rel]["flow"][2]["days"] = 500
    return rel, "promised:", 1


# ---- disclosure ----------------------------------------------------------------------------------


@mutation("index.format")
def _(files):
    rel = disclosure_files(files)[0]
    files[rel][3]["index"] = "bad-index-0001"
    return rel, "bad-index-0001", 1


@mutation("index.prefix-not-publisher")
def _(files):
    rel = disclosure_files(files)[0]
    other = make_uscc("11", "340000", "99999999")
    index = files[rel][3]["index"]
    files[rel][3]["index"] = other + index[18:] if len(index.split("/")[0]) == 18 else other[8:17] + index[9:]
    return rel, files[rel][3]["index"], 1


@mutation("index.period-mismatch")
def _(files):
    rel = disclosure_files(files)[0]
    prefix, rest = files[rel][3]["index"].split("/")
    files[rel][3]["index"] = f"{prefix}/201901-{rest.split('-')[1]}"
    return rel, files[rel][3]["index"], 1


@mutation("index.duplicate")
def _(files):
    rel = disclosure_files(files)[0]
    files[rel][1]["index"] = files[rel][0]["index"]
    return rel, files[rel][0]["index"], 2


@mutation("index.serial-gap")
def _(files):
    rel = disclosure_files(files)[0]
    entries = files[rel]
    last = entries[-1]
    prefix, rest = last["index"].split("/")
    period, serial = rest.split("-")
    last["index"] = f"{prefix}/{period}-{int(serial) + 3:05d}"
    return rel, last["index"], 1


@mutation("entry.year-mismatch")
def _(files):
    rel = disclosure_files(files, 2026)[0]
    files[rel][0]["date"] = "2024-12-30"
    files[rel][0]["published"] = "2024-12-31"
    return rel, "2024-12-30", 1


@mutation("entry.date-future")
def _(files):
    rel = disclosure_files(files, 2026)[0]
    files[rel][-1]["published"] = "2026-12-30"
    return rel, "2026-12-30", 1


@mutation("entry.published-before-date")
def _(files):
    rel = disclosure_files(files, 2025)[0]
    files[rel][-1]["published"] = "2025-01-01"
    return rel, "2025-01-01", 1


@mutation("entry.published-late")
def _(files):
    rel = disclosure_files(files, 2025)[0]
    files[rel][0]["published"] = "2025-12-31"
    files[rel][0]["mode"] = "主动公开"
    return rel, "2025-12-31", 1


@mutation("entry.doc-number")
def _(files):
    rel = disclosure_files(files)[0]
    files[rel][2]["doc_number"] = "皖政办[2011]37号"
    return rel, "皖政办[2011]37号", 1


@mutation("entry.summary-too-long")
def _(files):
    rel = disclosure_files(files)[0]
    files[rel][2]["summary"] = "长" * 400
    return rel, "长长长", 1


@mutation("entry.publisher-unknown")
def _(files):
    rel = disclosure_files(files)[0]
    files[rel][2]["publisher"] = "340000-nope"
    return rel, "340000-nope", 1


@mutation("entry.url-scheme")
def _(files):
    rel = disclosure_files(files)[0]
    files[rel][2]["url"] = "javascript:alert(1)"
    return rel, "javascript:alert(1)", 1


# ---- annual --------------------------------------------------------------------------------------


@mutation("annual.year-mismatch")
def _(files):
    rel = annual_files(files)[0]
    files[rel]["year"] = 2019
    return rel, "year: 2019", 1


@mutation("annual.balance")
def _(files):
    rel = annual_files(files)[0]
    files[rel]["applications"]["new"]["natural_person"] += 1
    return rel, "natural_person:", 1


@mutation("annual.row-total")
def _(files):
    rel = annual_files(files)[0]
    files[rel]["applications"]["new"]["total"] = 9999
    return rel, "total: 9999", 1


@mutation("annual.group-sum")
def _(files):
    rel = annual_files(files)[0]
    results = files[rel]["applications"]["results"]
    group = next(name for name in ("withheld", "unavailable", "not_processed", "other") if name in results)
    results[group]["total"]["natural_person"] = 777
    return rel, "natural_person: 777", 1


@mutation("annual.results-total")
def _(files):
    rel = annual_files(files)[0]
    files[rel]["applications"]["results"]["total"]["natural_person"] = 778
    return rel, "natural_person: 778", 1


@mutation("annual.appeals-total")
def _(files):
    rel = annual_files(files)[0]
    files[rel]["appeals"]["review"]["total"] = 991
    return rel, "total: 991", 1


@mutation("annual.carry-over-mismatch")
def _(files):
    rel = annual_files(files)[1]  # the later year of the first department
    files[rel]["applications"]["carried_over"]["natural_person"] = 555
    return rel, "natural_person: 555", 1


@mutation("annual.overview-figures")
def _(files):
    rel = annual_files(files)[0]
    files[rel]["overview"]["applications"] = "本年新收政府信息公开申请 4321 件。"
    return rel, "4321", 1


@mutation("annual.published-late")
def _(files):
    rel = annual_files(files)[0]
    year = files[rel]["year"]
    files[rel]["published"] = f"{year + 1}-03-15"
    return rel, f"{year + 1}-03-15", 1


# ---- inspection (国办秘函〔2019〕19号) --------------------------------------------------------------


def _occurrence(entries, number, predicate):
    return sum(1 for entry in entries[: number + 1] if predicate(entry))


def _stale_entry(files):
    """Give one entry of 2025 a genre no other entry has, with an update interval: a stale column."""
    rel = disclosure_files(files, 2025)[0]
    entries = files[rel]
    entries[0]["genre"] = "11"
    files["scheme.yml"]["update_intervals"]["11"] = 6
    date = entries[0]["date"]
    return rel, f"date: '{date}'", _occurrence(entries, 0, lambda e: e["date"] == date)


@mutation("inspection.empty-column")
def _(files):
    rel = depts(files)[0]
    files[rel]["columns"] = ["genre:11"]
    return rel, "genre:11", 1


@mutation("inspection.stale-column")
def _(files):
    return _stale_entry(files)


@mutation("inspection.veto-empty-columns")
def _(files):
    rel = depts(files)[0]
    files[rel]["columns"] = ["genre:11", "genre:99", "genre:01", "genre:02", "topic:99"]  # 5: the default threshold
    return rel, None, 1


@mutation("inspection.veto-stale-columns")
def _(files):
    rel = _stale_entry(files)[0]
    files["scheme.yml"]["limits"]["veto_stale_columns"] = 1
    return f"{rel.split('/disclosure/')[0]}/department.yml", None, 1


@mutation("inspection.no-publication-date")
def _(files):
    rel = disclosure_files(files)[0]
    entry = files[rel][1]
    del entry["published"]
    return rel, entry["index"], 1


@mutation("inspection.guide-incomplete")
def _(files):
    rel = service_item(files)
    del files[rel]["location"]
    return rel, None, 1


# ---- policy interpretations and normative documents ----------------------------------------------


@mutation("entry.interprets-unknown")
def _(files):
    rel = disclosure_files(files)[0]
    files[rel][2]["interprets"] = "11340000002986061N/202401-99999"
    return rel, "202401-99999", 1


@mutation("entry.interpretation-unlinked")
def _(files):
    rel = disclosure_files(files)[0]
    entries = files[rel]
    entries[2]["genre"] = "15"
    entries[2].pop("interprets", None)
    return rel, "genre: '15'", _occurrence(entries, 2, lambda e: e["genre"] == "15")


@mutation("entry.normative-validity-missing")
def _(files):
    rel = disclosure_files(files)[0]
    entries = files[rel]
    entries[2]["normative"] = True
    entries[2].pop("validity", None)
    return rel, "normative: true", _occurrence(entries, 2, lambda e: e.get("normative"))


# ---- scheme: weights and intervals ----------------------------------------------------------------


@mutation("scheme.score-weights")
def _(files):
    files["scheme.yml"]["score_weights"]["speed"] = 5
    return "scheme.yml", "speed:", 1


@mutation("scheme.update-interval-genre")
def _(files):
    files["scheme.yml"]["update_intervals"]["6"] = 6
    return "scheme.yml", "'6': 6", 1


# ---- repository ----------------------------------------------------------------------------------


@mutation("dept.codeowners-stale")
def _(files):
    # The committed CODEOWNERS lies beside the catalogue folder: write the catalogue one level down
    # (tests/test_rules.py does), so that this file stays inside the test's own folder.
    rel = depts(files)[0]
    files["../.github/CODEOWNERS"] = Raw("# 过时的文件\n/catalog/departments/nobody/ @nobody\n".encode())
    return rel, "maintainers:", 1


def expected_line(root, rel: str, sentinel: str | None, occurrence: int) -> int:
    path = root / rel
    if path.is_dir():
        return 0
    if sentinel is None:
        return 1
    seen = 0
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    for number, line in enumerate(text.split("\n"), start=1):
        if sentinel in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"sentinel {sentinel!r} not found in {rel}")


# ---- hostile input (issue 10; tests/test_hostile_input.py has the threat model) -------------------


@mutation("yaml.tag-value")
def _(files):
    rel = annual_files(files)[0]
    files[rel] = Raw(b"year: 2025\nproactive:\n  licensing: !!int abc\n")
    return rel, "licensing", 1


@mutation("yaml.number-out-of-range")
def _(files):
    rel = annual_files(files)[0]
    files[rel] = Raw(b"year: 2025\nproactive:\n  fees: .inf\n")
    return rel, "fees", 1


@mutation("yaml.key-not-text")
def _(files):
    rel = annual_files(files)[0]
    files[rel] = Raw(b"year: 2025\nproactive:\n  licensing: 1\n  3: x\n")
    return rel, "3: x", 1


@mutation("text.control-char")
def _(files):
    rel = disclosure_files(files)[0]
    files[rel][2]["title"] = "关于印发\x7f实施办法的通知"
    return rel, "\\x7F", 1


@mutation("text.invisible-char")
def _(files):
    rel = items(files)[0]
    files[rel]["name"] = "食品\u200b经营许可"
    return rel, "name: ", 1


@mutation("text.too-long")
def _(files):
    rel = disclosure_files(files)[0]
    files[rel][2]["title"] = "长" * 201
    return rel, "长长长", 1


@mutation("entry.publisher-not-own")
def _(files):
    rel = disclosure_files(files)[0]
    own = rel.split("/")[1]
    other = next(d.split("/")[1] for d in depts(files) if d.split("/")[1] != own)
    files[rel][2]["publisher"] = other
    return rel, f"publisher: {other}", 1


@mutation("dept.duplicate-identity")
def _(files):
    first, second = depts(files)[:2]
    files[second]["uscc"] = files[first]["uscc"]
    return second, files[first]["uscc"], 1


@mutation("dept.maintainer-invalid")
def _(files):
    rel = depts(files)[0]
    files[rel]["maintainers"] = ["zhang-san\n* @attacker"]
    return rel, "zhang-san", 1
