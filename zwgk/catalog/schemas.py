"""JSON Schemas for the catalogue files, generated from the model, for editors (YAML language server)
and outside tools. Every field's Chinese title is also its description, which editors show on hover.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import TypeAdapter

from zwgk.catalog.annual_model import AnnualReport
from zwgk.catalog.model import Entry, PowerItem
from zwgk.catalog.scheme_model import Department, Scheme

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# file name: (title, type, glob of the catalogue files it describes)
SCHEMAS = {
    "scheme.schema.json": ("编码方案 scheme.yml", Scheme, "scheme.yml"),
    "department.schema.json": ("部门信息 department.yml", Department, "departments/*/department.yml"),
    "item.schema.json": ("权力事项 powers/<基本编码>.yml", PowerItem, "departments/*/powers/*.yml"),
    "disclosure.schema.json": ("政府信息公开目录 disclosure/<年份>.yml", list[Entry], "departments/*/disclosure/*.yml"),
    "annual.schema.json": ("年度报告统计 annual/<年份>.yml", AnnualReport, "departments/*/annual/*.yml"),
}


# Chinese titles for the models that appear as definitions ($defs) in the schemas.
MODEL_TITLES = {
    "Entry": "目录条目",
    "Limits": "规则数值",
    "DisclosureOffice": "政府信息公开工作机构",
    "Basis": "依据",
    "Material": "申报材料",
    "Branch": "流程分支",
    "FlowStep": "流程步骤",
    "TimeLimit": "办理期限",
    "Fees": "收费",
    "Responsibility": "责任事项",
    "Contact": "联系电话",
    "Applicants": "按申请人类型的件数",
    "DocumentCounts": "文件件数",
    "Proactive": "主动公开情况",
    "Withheld": "不予公开",
    "Unavailable": "无法提供",
    "NotProcessed": "不予处理",
    "OtherHandling": "其他处理",
    "Results": "办理结果",
    "Applications": "依申请公开情况",
}


def _describe(node: object) -> None:
    if isinstance(node, dict):
        if "title" in node and "description" not in node and isinstance(node["title"], str):
            node["description"] = node["title"]
        for value in node.values():
            _describe(value)
    elif isinstance(node, list):
        for value in node:
            _describe(value)


def build(file_name: str) -> dict:
    title, shape, _ = SCHEMAS[file_name]
    schema = TypeAdapter(shape).json_schema(mode="validation")
    for name, definition in schema.get("$defs", {}).items():
        definition["title"] = MODEL_TITLES.get(name, definition.get("title", name))
        definition.pop("description", None)
    _describe(schema)
    return {"$schema": DRAFT, "$id": file_name, "title": title, "description": title, **schema}


def render(file_name: str) -> str:
    return json.dumps(build(file_name), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_all(output_dir: Path) -> list[Path]:
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name in SCHEMAS:
        path = output_dir / file_name
        path.write_text(render(file_name), encoding="utf-8")
        written.append(path)
    return written


def editor_settings(catalog_prefix: str = "catalog") -> dict:
    """The YAML language server's schema mapping, for .vscode/settings.json."""
    return {
        "yaml.schemas": {f"./schemas/{name}": f"{catalog_prefix}/{glob}" for name, (_, _, glob) in SCHEMAS.items()},
        "files.encoding": "utf8",
        "editor.insertSpaces": True,
        "[yaml]": {"editor.tabSize": 2, "editor.insertSpaces": True},
    }
