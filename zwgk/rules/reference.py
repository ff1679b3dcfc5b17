"""Documentation generated from the rule registry, so that it cannot drift from the code."""

from __future__ import annotations

from zwgk import rules

FAMILY_TITLES = {
    "files": "文件与格式",
    "scheme": "编码方案",
    "codes": "编码",
    "items": "权力事项",
    "flow": "运行流程",
    "disclosure": "政府信息公开目录",
    "annual": "政府信息公开工作年度报告",
    "inspection": "检查指标（国办秘函〔2019〕19号）",
    "repo": "仓库与审核",
}
SEVERITY_TITLES = {"error": "错误（必须修正，否则无法发布）", "warning": "警告（建议修正，不阻止发布）"}


def rule_anchor(rule_id: str) -> str:
    return rule_id.replace(".", "-")


def rule_text(rule: rules.Rule) -> str:
    """The plain-text form `zwgk rule ID` prints."""
    doc = rule.doc
    example = "\n".join(f"    {line}" for line in doc.example.splitlines())
    return (
        f"{rule.id}（{SEVERITY_TITLES[rule.severity.value]}）\n\n"
        f"检查：{doc.what}\n\n原因：{doc.why}\n\n错误示例：\n{example}\n\n修正：{doc.fix}\n"
    )


def rules_reference() -> str:
    """The rules reference page of the contributor guide, in Markdown."""
    all_rules = rules.all_rules()
    lines = [
        "# 规则参考",
        "",
        "本页由 `zwgk rules-doc` 根据检查程序中的规则自动生成，请勿手工修改。"
        "每条检查结果都带有规则编号；在命令行中运行 `zwgk rule 规则编号` 也可以看到同样的说明。",
        "",
        "“错误”必须修正，否则目录无法发布；“警告”建议修正，不阻止发布。",
        "",
        "| 规则编号 | 级别 | 检查内容 |",
        "|---|---|---|",
    ]
    for rule in all_rules:
        level = "错误" if rule.severity.value == "error" else "警告"
        lines.append(f"| [`{rule.id}`](#{rule_anchor(rule.id)}) | {level} | {rule.title} |")
    for family, title in FAMILY_TITLES.items():
        lines += ["", f"## {title}"]
        for rule in (r for r in all_rules if r.family == family):
            doc = rule.doc
            lines += [
                "",
                f"### `{rule.id}` {{#{rule_anchor(rule.id)}}}",
                "",
                f"**级别**：{SEVERITY_TITLES[rule.severity.value]}",
                "",
                f"**检查**：{doc.what}",
                "",
                f"**原因**：{doc.why}",
                "",
                "**错误示例**：",
                "",
                "```yaml",
                doc.example,
                "```",
                "",
                f"**修正**：{doc.fix}",
            ]
    return "\n".join(lines) + "\n"
