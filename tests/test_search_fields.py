"""The index's fast field types (zwgk.search.fields) write exactly the index Whoosh's own field types
write: the same terms, postings (documents, weights, values), term statistics, columns and stored
fields, for the sample catalogue and for values that test the edges (repeated codes, empty fields,
Latin words, mixed case)."""

from __future__ import annotations

import dataclasses
import hashlib

from conftest import SAMPLE
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, TEXT

from zwgk.rules.run import check
from zwgk.search import fields, index
from zwgk.search.schema import BigramTokenizer, JiebaTokenizer, jieba_words, schema
from zwgk.site.data import site_data


def _edge_documents(document: dict) -> list[dict]:
    odd = [
        {"codes": "ABC-1,abc-1, x y ,,Ü,", "title_grams": "", "text": "", "topic": "", "year": "2026"},
        {
            "codes": "",
            "title_grams": "行政许可 OK ok Ok\n行政许可\n许",
            "text": "行政许可法\n\n行政许可法 A a\n许可",
            "region": "Hefei City",
        },
        {"codes": ",", "title_grams": "一", "text": " \n", "mode": "主动 公开", "date": ""},
    ]
    return [{**document, **changes, "key": f"edge:{number}", "_title_grams_boost": 0.25 * number} for number, changes in enumerate(odd)]


def _postings(reader):
    """Every term of every field: its statistics and its postings (document, weight, value)."""
    terms = {}
    for fieldname, term in reader.all_terms():
        info = reader.term_info(fieldname, term)
        statistics = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight())
        matcher = reader.postings(fieldname, term)
        postings = []
        while matcher.is_active():
            postings.append((matcher.id(), matcher.weight(), matcher.value()))
            matcher.next()
        terms[fieldname, term] = (statistics, postings)
    return terms


def _contents(folder):
    with whoosh_index.open_dir(str(folder)).reader() as reader:
        columns = {name: list(reader.column_reader(name)) for name in ("date", "prefix_order")}
        lengths = {name: [reader.doc_field_length(n, name) for n in range(reader.doc_count_all())] for name in reader.indexed_field_names()}
        return _postings(reader), list(reader.all_stored_fields()), columns, lengths


def _segment_files(folder):
    """The segments' files by kind and content (their names are random; the table of contents, which
    holds the pickled schema and so the field types' names, differs)."""
    return sorted(
        (path.suffix, hashlib.sha256(path.read_bytes()).hexdigest())
        for path in folder.glob("*.*")
        if path.suffix in (".col", ".pst", ".trm")
    )


def _write(folder, update, stock: bool):
    folder.mkdir()
    whoosh_index.create_in(str(folder), schema(stock=stock))
    index.apply_update(dataclasses.replace(update, folder=folder, changed_state=False))
    return (*_contents(folder), _segment_files(folder))


def test_the_fast_field_types_write_what_whoosh_writes(tmp_path):
    update = index.plan_update(tmp_path / "planned", site_data(check(SAMPLE, workers=1)))
    update.fresh += _edge_documents(update.fresh[0])
    fast, stock = _write(tmp_path / "fast", update, False), _write(tmp_path / "stock", update, True)
    terms = fast[0]
    assert {name for name, _ in terms} >= {"key", "codes", "title_grams", "text", "kind", "date", "year", "topic"}
    assert sum(len(postings) for _, postings in terms.values()) > 10 * len(update.fresh)
    assert terms == stock[0]
    assert fast[1:] == stock[1:]
    assert len(fast[1]) == len(update.fresh)
    assert {suffix for suffix, _ in fast[-1]} == {".col", ".pst", ".trm"}  # byte for byte the same files


def test_the_schema_uses_the_fast_types_and_queries_analyse_as_before():
    fast, stock = schema(), schema(stock=True)
    assert fast.names() == stock.names()
    assert isinstance(fast["text"], fields.WordsText) and isinstance(fast["key"], fields.WholeID)
    assert isinstance(fast["codes"], fields.CommaKeywords)
    assert isinstance(stock["text"], TEXT) and type(stock["key"]) is ID and type(stock["codes"]) is KEYWORD
    for name in fast.names():
        assert type(fast[name].format) is type(stock[name].format), name
        assert type(fast[name].column_type) is type(stock[name].column_type), name
        assert (fast[name].scorable, fast[name].stored, fast[name].unique) == (stock[name].scorable, stock[name].stored, stock[name].unique)
        assert getattr(fast[name].format, "field_boost", None) == getattr(stock[name].format, "field_boost", None)
        assert fast[name].multitoken_query == stock[name].multitoken_query
    text = "行政许可法 OK\n企业投资项目核准"
    assert list(fast["text"].process_text(text)) == JiebaTokenizer.words(text)
    assert (
        list(fast["title_grams"].process_text(text))
        == BigramTokenizer.words(text)
        == ["行政", "政许", "许可", "可法", "ok", "企业", "业投", "投资", "资项", "项目", "目核", "核准"]
    )


def _python_jieba(fragment: str) -> tuple[str, ...]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return tuple(word.lower() for word in jieba.cut_for_search(fragment) if word.strip())


# Text as catalogues hold it and as it may be mistyped: standards, telephone numbers, dates, ranges,
# versions, rare and extension ideographs, full-width forms, spaces, emoji, control characters.
EDGE_FRAGMENTS = (
    "符合GB/T 19001-2016质量管理体系要求",
    "咨询电话：0551-62999999",
    "办理时限3-5个工作日",
    "2025-02-12发布",
    "《建筑设计防火规范》（GB 50016-2014）",
    "DB34/T 1234-2020地方标准",
    "新冠肺炎（COVID-19）防控",
    "第2.3.1条",
    "v1.2.3 PM2.5 C++ C# R&D 50% a_b",
    "䶮鿬𠀀𠀁㐀㐁",
    "",
    " ",
    "abc DEF 123",
    "Ａ１２３全角",
    "\u3000全角\u3000空格",
    "a\x00b",
    "🙂表情",
    "中华人民共和国行政许可法实施条例",
    "阿巴阿巴嘟嘟嘟" * 5,
)


def test_the_text_words_are_python_jiebas_search_mode_words(tmp_path):
    """jieba_words segments with jieba-rs (rjieba) where it agrees with Python jieba, for speed: for
    every text fragment of the sample's index and for text that tests the edges its words are Python
    jieba's search-mode words, in order."""
    update = index.plan_update(tmp_path / "planned", site_data(check(SAMPLE, workers=1)))
    fragments = {fragment for document in update.fresh for fragment in document["text"].split("\n")}
    assert len(fragments) > 500
    for fragment in sorted(fragments | set(EDGE_FRAGMENTS)):
        assert jieba_words(fragment) == _python_jieba(fragment), fragment


_ALPHABET = st.sampled_from(
    list("行政许可法人民政府信息公开目录办理时限工作日质量管理体系标准地方企业投资项目核准备案")
    + list("abcXYZ0123456789+#&._%-/@: \t")
    + list("，。、（）《》：；　Ａ１")
    + ["䶮", "鿬", "𠀀", "🙂"]
)


@settings(max_examples=400, deadline=None)
@given(st.text(_ALPHABET, max_size=24))
def test_the_text_words_are_python_jiebas_for_any_mix(fragment):
    assert jieba_words(fragment) == _python_jieba(fragment)
