"""Rules on an item's operating flow (职权运行流程图)."""

from zwgk.catalog.flow import can_reach_end, longest_path, reachable_from_start, step_index
from zwgk.rules import ERROR, Hit, rule


def _steps(item):
    return item.flow or []


@rule("flow.duplicate-id", ERROR, "item")
def duplicate_id(item, ctx):
    """检查：流程中各步骤的 id 是否互不相同。
    原因：next 用 id 指向下一步；id 重复时，流程图不知道该连到哪一步。
    示例：
        flow:
          - {id: review, name: 初审, next: review}
          - {id: review, name: 复审, end: true}
    修正：给每一步起不同的 id，如 review1、review2。
    """
    first = step_index(_steps(item))
    for number, step in enumerate(_steps(item)):
        if first[step.id] != number:
            yield Hit(f"步骤 id“{step.id}”与第 {first[step.id] + 1} 步重复：请换一个 id。", ("flow", number, "id"))


@rule("flow.unknown-target", ERROR, "item")
def unknown_target(item, ctx):
    """检查：每个 next 指向的步骤是否存在。
    原因：指向不存在的步骤，流程就在这里断了。
    示例：
        - {id: accept, name: 受理, next: reveiw}
    修正：把 next 改成已有步骤的 id（注意拼写）。
    """
    ids = step_index(_steps(item))
    for number, step in enumerate(_steps(item)):
        for branch_number, branch in enumerate(step.next):
            if branch.to not in ids:
                known = "、".join(ids)
                yield Hit(
                    f"第 {number + 1} 步“{step.name}”的下一步“{branch.to}”不存在：应为 {known} 之一。",
                    ("flow", number, "next", branch_number, "to"),
                )


@rule("flow.dead-end", ERROR, "item")
def dead_end(item, ctx):
    """检查：不是结束步骤（没有 end: true）的每一步是否都有 next。
    原因：既不结束又没有下一步，办事人就不知道接下来怎么办。
    示例：
        - {id: review, name: 审查}
    修正：加上 next，或标明 end: true。
    """
    for number, step in enumerate(_steps(item)):
        if not step.end and not step.next:
            yield Hit(f"第 {number + 1} 步“{step.name}”既没有下一步（next），也没有标明结束（end: true）。", ("flow", number))


@rule("flow.end-with-next", ERROR, "item")
def end_with_next(item, ctx):
    """检查：标明结束（end: true）的步骤是否还写了 next。
    原因：结束步骤之后不应再有步骤，两者同时出现说明流程写错了。
    示例：
        - {id: deliver, name: 送达, end: true, next: archive}
    修正：删去 next，或去掉 end: true。
    """
    for number, step in enumerate(_steps(item)):
        if step.end and step.next:
            yield Hit(f"第 {number + 1} 步“{step.name}”标明了结束，却还有下一步。", ("flow", number, "next"))


@rule("flow.unreachable", ERROR, "item")
def unreachable(item, ctx):
    """检查：从第一步（起点）出发，能否走到每一个步骤。
    原因：走不到的步骤是多余的，或者说明某个 next 写错了。
    示例：
        - {id: accept, name: 受理, next: decide}
        - {id: review, name: 审查, next: decide}   # 没有哪一步指向 review
        - {id: decide, name: 决定, end: true}
    修正：让前面的某一步指向它，或删除这一步。
    """
    reached = reachable_from_start(_steps(item))
    for number, step in enumerate(_steps(item)):
        if number not in reached:
            yield Hit(f"第 {number + 1} 步“{step.name}”从起点出发走不到：请让前面的步骤指向它，或删除它。", ("flow", number, "id"))


@rule("flow.no-end", ERROR, "item")
def no_end(item, ctx):
    """检查：从每个能走到的步骤出发，是否都能走到一个结束步骤（end: true）。
    原因：走不到结束的流程会原地打转（循环），办事永远办不完。
    示例：
        - {id: accept, name: 受理, next: review}
        - {id: review, name: 审查, next: accept}
    修正：给循环加一个出口，并把最后一步标明 end: true。
    """
    steps = _steps(item)
    ending = can_reach_end(steps)
    for number in sorted(reachable_from_start(steps) - ending):
        yield Hit(
            f"从第 {number + 1} 步“{steps[number].name}”出发走不到任何结束步骤（end: true）：流程可能陷入循环。", ("flow", number, "id")
        )


@rule("flow.over-promised", ERROR, "item")
def over_promised(item, ctx):
    """检查：流程中耗时最长的一条路径，各步天数之和是否超过承诺期限（time_limit.promised）。
    原因：流程图上的时限加起来超过承诺，群众按承诺期限等待时就会落空。循环（如补正后重新受理）只计一次。
    示例：
        time_limit: {statutory: 20, promised: 5}
        flow:
          - {id: accept, name: 受理, days: 1, next: review}
          - {id: review, name: 审查, days: 10, end: true}
    修正：压缩各步骤天数，或核对承诺期限。
    """
    steps = _steps(item)
    if not steps or item.time_limit is None:
        return
    days, path = longest_path(steps)
    if days > item.time_limit.promised:
        route = " → ".join(steps[number].name for number in path)
        yield Hit(
            f"流程最长路径（{route}）合计 {days} 个工作日，超过承诺期限 {item.time_limit.promised} 个工作日。", ("time_limit", "promised")
        )
