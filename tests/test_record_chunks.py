"""The first pass's record chunks leave out what a reader can restore (zwgk/site/record_chunks.py);
what is read back must be the record the site made, field for field. The browser's `fullRecord`
(zwgk-search.js) is checked through the search results in tests/test_browser.py."""

from __future__ import annotations

import json

from zwgk.site import record_chunks, title_index

_INTERNAL = ("lead", "dept")


def _public(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in _INTERNAL}


def test_every_record_read_back_from_the_built_site_is_the_record_the_site_made(sample_site, sample_data):
    records = title_index.numbered(sample_data)
    for docnum, record in enumerate(records):
        assert record_chunks.record_of(sample_site, docnum) == _public(record), docnum
    # and the chunks hold less than the records: names, levels, URLs and defaults are left out
    held = [json.loads(p.read_text(encoding="utf-8")) for p in (sample_site / record_chunks.RECORD_DIR).glob("*.json")]
    held = [r for chunk in held for r in chunk]
    assert len(held) == len(records)
    assert not any({"department_name", "level"} & set(r) for r in held if "dept" in r)
    assert sum("url" in r for r in held) < len(held) // 10
    assert not any(r.get("withdrawn") is False or r.get("status") == "有效" for r in held)
    # an entry's kind is the default; every other kind is said
    kinds = [r.get("kind") for r in held]
    assert kinds.count(None) == sum(r["kind"] == "entry" for r in records) > 0
    assert "entry" not in kinds and kinds.count("item") == sum(r["kind"] == "item" for r in records) > 0


def _table(sample_data) -> dict:
    return record_chunks.named_departments(record_chunks.departments_table(sample_data))


def test_what_a_reader_could_not_restore_is_kept(sample_data):
    named = _table(sample_data)
    record = next(r for r in title_index.numbered(sample_data) if r["kind"] == "entry")
    # a department the table does not name: its names stay in the record
    stranger = dict(record, dept="999999-none", department="某部门", department_name="某某部门", level="县级")
    chunk = record_chunks.chunk_record(stranger, named)
    assert (chunk["department"], chunk["department_name"], chunk["level"]) == ("某部门", "某某部门", "县级") and "dept" not in chunk
    assert record_chunks.full_record(chunk, named) == _public(stranger)
    # a URL other than the one its codes give, codes other than its 索引号 and 文号, a withdrawn status
    odd = dict(record, url="catalogue/elsewhere/#1", codes=[record["code"], "别的编码"], status="失效", withdrawn=True)
    chunk = record_chunks.chunk_record(odd, named)
    assert chunk["url"] == "catalogue/elsewhere/#1" and chunk["codes"] == [record["code"], "别的编码"]
    assert (chunk["status"], chunk["withdrawn"]) == ("失效", True)
    assert record_chunks.full_record(chunk, named) == _public(odd)


def test_an_item_keeps_its_group_when_it_is_not_its_code(sample_data):
    named = _table(sample_data)
    item = next(r for r in title_index.numbered(sample_data) if r["kind"] == "item")
    assert "group" not in record_chunks.chunk_record(item, named) and "url" not in record_chunks.chunk_record(item, named)
    grouped = dict(item, group="other")
    assert record_chunks.full_record(record_chunks.chunk_record(grouped, named), named) == _public(grouped)
