"""The operating flow of a power item as a graph: reachability, endings and the longest path.

Pure functions over `FlowStep` lists, shared by the flow rules and the flowchart renderer.
"""

from __future__ import annotations

from collections import deque

from zwgk.catalog.model import FlowStep


def step_index(steps: list[FlowStep]) -> dict[str, int]:
    """The first position of each step id."""
    index: dict[str, int] = {}
    for number, step in enumerate(steps):
        index.setdefault(step.id, number)
    return index


def successors(steps: list[FlowStep]) -> list[list[int]]:
    index = step_index(steps)
    return [[index[branch.to] for branch in step.next if branch.to in index] for step in steps]


def _closure(starts: list[int], edges: list[list[int]]) -> set[int]:
    """Every node reachable from `starts` along `edges` (breadth first)."""
    seen, queue = set(starts), deque(starts)
    while queue:
        for target in edges[queue.popleft()]:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def reachable_from_start(steps: list[FlowStep]) -> set[int]:
    return _closure([0], successors(steps)) if steps else set()


def can_reach_end(steps: list[FlowStep]) -> set[int]:
    """Steps from which some path reaches a step marked `end`."""
    preceding: list[list[int]] = [[] for _ in steps]
    for source, targets in enumerate(successors(steps)):
        for target in targets:
            preceding[target].append(source)
    return _closure([number for number, step in enumerate(steps) if step.end], preceding)


def longest_path(steps: list[FlowStep]) -> tuple[int, list[int]]:
    """The path from the start with the most days, and its days.

    Loops (such as 补正后重新受理) are walked once: a depth-first search drops the edges that lead back
    to a step on the current path, leaving an acyclic graph, whose longest path is found in linear
    time. Iterative, so a hostile flow of thousands of steps cannot exhaust the stack.
    """
    if not steps:
        return 0, []
    following = successors(steps)
    on_stack, finished, order = set(), set(), []
    forward: list[list[int]] = [[] for _ in steps]
    stack = [(0, iter(following[0]))]
    on_stack.add(0)
    while stack:
        number, targets = stack[-1]
        target = next(targets, None)
        if target is None:
            stack.pop()
            on_stack.discard(number)
            finished.add(number)
            order.append(number)
        elif target not in on_stack:  # an edge to a step on the path is a loop: dropped
            forward[number].append(target)
            if target not in finished:
                on_stack.add(target)
                stack.append((target, iter(following[target])))
    best: dict[int, tuple[int, int | None]] = {}
    for number in order:  # finishing order: every successor comes before its predecessors
        tail = max(forward[number], key=lambda t: best[t][0], default=None)
        best[number] = ((steps[number].days or 0) + (best[tail][0] if tail is not None else 0), tail)
    path, current = [], 0
    while current is not None:
        path.append(current)
        current = best[current][1]
    return best[0][0], path
