"""Generated references and schemas cannot drift from the code; the sample validates against them."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, SAMPLE
from jsonschema import Draft202012Validator

from zwgk import rules
from zwgk.catalog import schemas, yamlio
from zwgk.rules import reference as docs


def test_rules_reference_is_up_to_date():
    committed = (ROOT / "content/contributing/rules.md").read_text(encoding="utf-8")
    assert committed == docs.rules_reference(), "run: zwgk rules-doc --output content/contributing/rules.md"


def test_rules_reference_documents_every_rule():
    text = docs.rules_reference()
    for rule in rules.all_rules():
        assert f"### `{rule.id}`" in text


@pytest.mark.parametrize("name", sorted(schemas.SCHEMAS))
def test_schema_is_up_to_date(name):
    assert (ROOT / "schemas" / name).read_text(encoding="utf-8") == schemas.render(name), "run: zwgk schemas"


def test_editor_settings_map_every_schema():
    committed = json.loads((ROOT / ".vscode/settings.json").read_text(encoding="utf-8"))
    assert committed["yaml.schemas"] == schemas.editor_settings()["yaml.schemas"]


def test_every_field_has_a_chinese_description():
    for name in schemas.SCHEMAS:
        schema = schemas.build(name)
        for definition in [schema, *schema.get("$defs", {}).values()]:
            for key, prop in definition.get("properties", {}).items():
                assert any("\u4e00" <= ch <= "\u9fff" for ch in prop.get("description", "")), f"{name}: {key}"


@pytest.mark.parametrize("name", sorted(schemas.SCHEMAS))
def test_bundled_catalogue_validates_against_the_schemas(name):
    _, _, pattern = schemas.SCHEMAS[name]
    validator = Draft202012Validator(schemas.build(name))
    files = sorted(SAMPLE.glob(pattern))
    assert files
    for path in files:
        data, problems = yamlio.parse(path.read_bytes())
        assert not problems
        errors = list(validator.iter_errors(data))
        assert not errors, f"{path}: {errors[0].message}"


def test_schema_rejects_an_unquoted_code():
    validator = Draft202012Validator(schemas.build("item.schema.json"))
    assert list(validator.iter_errors({"basic_code": 117003000, "name": "x", "type": "01"}))
