"""Rules about the repository around the catalogue."""

from zwgk.catalog import codeowners
from zwgk.rules import WARNING, Hit, rule


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
