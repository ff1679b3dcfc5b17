"""Rules about the repository around the catalogue."""

from zwgk.catalog import codeowners
from zwgk.rules import ERROR, WARNING, Hit, rule


@rule("dept.codeowners-stale", WARNING, "catalog")
def codeowners_stale(ctx):
    """检查：仓库中的 .github/CODEOWNERS 是否与各部门 department.yml 中的 maintainers 一致。
    原因：CODEOWNERS 决定谁可以批准对某个部门文件夹的修改；与 maintainers 不一致时，拉取请求会请错人审核，或者没人审核。
    示例：
        maintainers:
        - zhang-san        # 新增了维护人，但 CODEOWNERS 没有重新生成
    修正：运行 zwgk codeowners 重新生成 .github/CODEOWNERS，并与本次修改一起提交。
    """
    departments = ctx.catalog.departments
    for dept_id in codeowners.stale_departments(ctx.catalog.root, departments):
        yield Hit(
            "提交的 .github/CODEOWNERS 中没有与本部门 maintainers 一致的一行：请运行 zwgk codeowners 重新生成并提交。",
            ("maintainers",),
            departments[dept_id],
            at_key=True,
        )


@rule("dept.maintainer-invalid", ERROR, "department")
def maintainer_invalid(dept, ctx):
    """检查：maintainers 中的每一项是否是代码托管平台的账号（如 zhang-san 或 @zhang-san：1 至 39 位字母、数字和单个连字符，不以连字符开头或结尾）、团队（@组织/团队）或电子邮箱。
    原因：maintainers 会写进 .github/CODEOWNERS；其中的换行、空格或“*”能在文件中写出额外的规则，把别的部门的文件夹甚至整个仓库交给别人审批。不合格的账号不会写入 CODEOWNERS。
    示例：
        maintainers:
          - "zhang-san\\n* @attacker"
    修正：每项只写一个账号，如 zhang-san、@ah-gov/fgw 或 zhangsan@ah.gov.cn。
    """
    for number, name in enumerate(dept.maintainers):
        if not codeowners.is_valid_handle(name):
            shown = name.encode("unicode_escape").decode("ascii") if not name.isprintable() else name
            yield Hit(
                f"维护人“{shown[:60]}”不是账号（1 至 39 位字母、数字或连字符）、团队（@组织/团队）或电子邮箱：不会写入 CODEOWNERS，请改正。",
                ("maintainers", number),
            )
