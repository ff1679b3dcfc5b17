"""What the contributor guide links to, published with the site: the JSON Schemas (the editors'
field definitions), the 格式说明 (every field of every catalogue file, generated from the same model,
so it cannot drift), and links into the repository for what only lives there (the issue and pull
request forms in .github/, the bundled sample), built from `extra.zwgk.repository` in mkdocs.yml.

In the guide's Markdown a link to `repo:<path>` names a file of the repository; a link to
`repo:.github/ISSUE_TEMPLATE/<form>` opens that form. With no repository configured such a link stays
plain text and the build warns (--strict fails), so that a guide never points nowhere."""

from __future__ import annotations

import json
import logging
import re

from mkdocs.structure.files import File, Files

from zwgk import rules
from zwgk.catalog import schemas
from zwgk.rules.reference import rule_anchor

SCHEMA_DIR = "contributing/schemas/"
FORMAT_PAGE = "contributing/format.md"
_REPO_LINK = re.compile(r"\]\(repo:([^)\s]+)\)")
log = logging.getLogger("mkdocs.plugins.zwgk")


def settings(config) -> dict:
    return (config.get("extra") or {}).get("zwgk") or {}


def repo_href(repo_url: str, path: str, branch: str = "main") -> str:
    """The page on the code hosting platform that shows `path` of the repository (or opens its form)."""
    base = repo_url.rstrip("/")
    if path.startswith(".github/ISSUE_TEMPLATE/") and path.endswith((".yml", ".yaml", ".md")):
        return f"{base}/issues/new?template={path.rsplit('/', 1)[1]}"
    if path.endswith("/"):  # a folder
        return f"{base}/tree/{branch}/{path.rstrip('/')}"
    return f"{base}/blob/{branch}/{path}"


_CODE_SPAN = re.compile(r"(?<![\[`])`([a-z]+\.[a-z-]+)`(?![\]`])")


def link_rules(markdown: str, page) -> str:
    """Every rule id the guide names in a code span becomes a link to its entry in the rules reference."""
    if not page.file.src_uri.startswith("contributing/") or page.file.src_uri.endswith("rules.md"):
        return markdown
    known = rules.REGISTRY
    return _CODE_SPAN.sub(
        lambda m: f"[`{m.group(1)}`](rules.md#{rule_anchor(m.group(1))})" if m.group(1) in known else m.group(0), markdown
    )


def page_markdown(markdown: str, page, config) -> str:
    """The guide's rule ids linked to the rules reference, its `repo:` links to the configured repository."""
    markdown = link_rules(markdown, page)
    if "](repo:" not in markdown:
        return markdown
    zwgk = settings(config)
    repo_url, branch = (zwgk.get("repository") or "").strip(), zwgk.get("repository_branch") or "main"
    if not repo_url:
        log.warning("%s 链接了仓库中的文件，但 mkdocs.yml 没有设置 extra.zwgk.repository：这些链接只显示为文字。", page.file.src_uri)
        return re.sub(r"\[([^\]]*)\]\(repo:[^)\s]+\)", r"\1", markdown)
    return _REPO_LINK.sub(lambda m: f"]({repo_href(repo_url, m.group(1), branch)})", markdown)


def _type(node: dict, defs: dict) -> str:
    if "$ref" in node:
        return defs.get(node["$ref"].rsplit("/", 1)[1], {}).get("title", "对象")
    if "anyOf" in node:
        kinds = [_type(option, defs) for option in node["anyOf"] if option.get("type") != "null"]
        return " 或 ".join(dict.fromkeys(kinds))
    kind = node.get("type")
    if kind == "array":
        item = _type(node.get("items", {}), defs)
        return f"列表（每项：{item}）" if " " in item else f"{item}的列表"
    if "enum" in node:
        return "、".join(str(value) for value in node["enum"]) + " 之一"
    return {"string": "文字", "integer": "整数", "number": "数", "boolean": "true 或 false", "object": "映射"}.get(kind, "值")


def _rows(node: dict, defs: dict, prefix: str, seen: tuple[str, ...]) -> list[str]:
    rows = []
    required = set(node.get("required", ()))
    for name, field in sorted(node.get("properties", {}).items()):
        title = str(field.get("title") or "").replace("|", "\\|")
        rows.append(f"| `{prefix}{name}` | {'是' if name in required else ''} | {_type(field, defs)} | {title} |")
        refs = re.findall(r'"\$ref": "#/\$defs/(\w+)"', json.dumps(field))
        for ref in dict.fromkeys(refs):
            if ref not in seen and "properties" in defs.get(ref, {}):
                rows += _rows(defs[ref], defs, f"{prefix}{name}.", (*seen, ref))
    return rows


def format_reference() -> str:
    """The 格式说明 page: each catalogue file, its JSON Schema, and every field with its Chinese title."""
    lines = [
        "# 目录格式说明",
        "",
        "本页由程序根据目录的数据模型自动生成，与检查程序和编辑器使用的 JSON Schema 完全一致。"
        "文件夹结构和写法要求见[如何维护本部门的目录](index.md)，每条检查规则见[规则参考](rules.md)。",
        "",
        "字段名是英文（写在 YAML 文件中，不能改），说明是中文；“必填”为“是”的字段必须写。"
        "嵌套的字段写作 `上级.下级`，如 `contact.consult_phone` 是 `contact:` 下面的 `consult_phone:`。",
    ]
    for file_name, (title, _, glob) in schemas.SCHEMAS.items():
        schema = schemas.build(file_name)
        defs = schema.get("$defs", {})
        node = schema
        if schema.get("type") == "array":  # a list of entries: the fields of one entry
            node = defs.get(schema["items"]["$ref"].rsplit("/", 1)[1], {}) if "$ref" in schema.get("items", {}) else {}
        lines += [
            "",
            f"## {title}",
            "",
            f"文件：`catalog/{glob}`{'（一个列表，每一项是一条目录条目）' if schema.get('type') == 'array' else ''}。"
            f"JSON Schema：[{file_name}](schemas/{file_name})。",
            "",
            "| 字段 | 必填 | 类型 | 说明 |",
            "|---|---|---|---|",
            *_rows(node, defs, "", ()),
        ]
    return "\n".join(lines) + "\n"


def add_files(files: Files, config) -> Files:
    """The JSON Schemas and the 格式说明 page, generated into the site beside the guide."""
    for file_name in schemas.SCHEMAS:
        files.append(File.generated(config, SCHEMA_DIR + file_name, content=schemas.render(file_name)))
    files.append(File.generated(config, FORMAT_PAGE, content=format_reference()))
    return files
