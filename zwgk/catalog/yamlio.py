"""Reading one YAML file safely: bytes in, plain Python data and problems (with positions) out.

This is the only place that touches YAML. Rules never see nodes: they report key paths such as
`("flow", 2, "next")`, and `locate` maps a path back to a line and column by composing the file again,
which only happens for files that have findings.

Hostile input handled here: non-UTF-8 bytes (GB18030 recognised), a BOM, tab indentation, duplicate
keys, anchors and aliases (an alias bomb is refused at the first repeated node, in time and memory
linear in the file size), unsupported tags, and absurd nesting. Dates stay strings, so an impossible
date such as 2023-02-30 becomes a model finding instead of a PyYAML exception.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, ClassVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from zwgk.catalog.text import describe_char

MAX_DEPTH = 64
MAX_FILE_BYTES = 64 * 1024 * 1024

_STR = "tag:yaml.org,2002:str"
_RESOLVER_FIRST_CHARS = frozenset("-+0123456789.~yYnNtTfFoO<")


class _Loader(yaml.CSafeLoader):
    """libyaml's parser with a resolver that keeps dates as strings and skips work for text values."""

    yaml_implicit_resolvers: ClassVar[dict] = {
        first: [(tag, regexp) for tag, regexp in resolvers if not tag.endswith((":timestamp", ":value"))]
        for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
    }

    def resolve(self, kind, value, implicit):
        # Most values are Chinese text or quoted: only a plain scalar whose first character can start
        # a number, bool or null needs the regular-expression resolvers.
        if kind is ScalarNode and value and not (implicit[0] and value[0] in _RESOLVER_FIRST_CHARS):
            return _STR
        return super().resolve(kind, value, implicit)


_INT = "tag:yaml.org,2002:int"
MAX_NUMBER = 10**15  # no count, number of days or amount in the catalogue comes near it
MAX_NUMBER_CHARS = 40
_TAG_KINDS = {
    _INT: "整数",
    "tag:yaml.org,2002:float": "数字",
    "tag:yaml.org,2002:bool": "是否值（true 或 false）",
    "tag:yaml.org,2002:null": "空值",
}
_KEY_KINDS = {int: "数字", float: "数字", bool: "是否值", type(None): "空值"}

_scalar_constructor = yaml.constructor.SafeConstructor()
_SCALARS = {
    "tag:yaml.org,2002:int": _scalar_constructor.construct_yaml_int,
    "tag:yaml.org,2002:float": _scalar_constructor.construct_yaml_float,
    "tag:yaml.org,2002:bool": _scalar_constructor.construct_yaml_bool,
    "tag:yaml.org,2002:null": _scalar_constructor.construct_yaml_null,
}


@dataclass(frozen=True)
class Problem:
    """A problem found while reading a file, before any record exists."""

    rule: str
    line: int
    column: int
    message: str


class _Refused(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


def _at(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def decode(raw: bytes) -> tuple[str | None, list[Problem]]:
    """UTF-8 text of a file, or None with the reason it cannot be read."""
    problems = []
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem("file.bom", 1, 1, "文件开头有 BOM（字节顺序标记）。请在编辑器中另存为“UTF-8（无 BOM）”。"))
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(Problem("file.encoding", 1, 1, "文件是 UTF-16 编码。请在编辑器中另存为“UTF-8（无 BOM）”。"))
        return None, problems
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        try:
            raw.decode("gb18030")
            hint = "它能按 GB18030（GBK）解码，多半是用 GBK 保存的。请在编辑器中另存为“UTF-8（无 BOM）”。"
        except UnicodeDecodeError:
            hint = "也无法按 GB18030（GBK）解码。请确认它是文本文件，并另存为“UTF-8（无 BOM）”。"
        problems.append(Problem("file.encoding", line, column, f"文件不是 UTF-8 编码（第 {line} 行起）；{hint}"))
        return None, problems
    return text, problems


def _tab_problems(text: str) -> list[Problem]:
    if "\t" not in text:
        return []  # most files: no line to look at
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(
                Problem("yaml.tab", number, indent.index("\t") + 1, "缩进中有制表符（Tab）。YAML 只允许用空格缩进，请把 Tab 换成空格。")
            )
    return problems


# What libyaml says went wrong, in Chinese. The first key found in the parser's problem wins.
_SYNTAX_HINTS = {
    "did not find expected ',' or ']'": "方括号“[”开始的列表没有闭合：缺少“]”，或者列表各项之间缺少逗号",
    "did not find expected ',' or '}'": "花括号“{”开始的映射没有闭合：缺少“}”，或者各项之间缺少逗号",
    "mapping values are not allowed": "此处不能出现“键: 值”：多半是缩进不对，或者值里有未加引号的冒号（请给整个值加引号）",
    "could not find expected ':'": "找不到应有的冒号“:”：请检查这一行的键值写法和缩进",
    "did not find expected '-' indicator": "列表中的这一项没有以“- ”开头，或者缩进与上面的项不一致",
    "did not find expected key": "缩进不一致，或者值后面有多余的内容：同一层的键要对齐，含有引号或括号的值请整个加引号",
    "expected <block end>": "缩进不一致：同一层的键要对齐",
    "did not find expected <document start>": "值后面有多余的内容（如多了一个“]”或“}”）",
    "block sequence entries are not allowed": "此处不能开始“- ”列表：列表应另起一行并缩进",
    "found unknown escape character": "双引号字符串中有无效的转义符“\\”：请改用单引号，或写成“\\\\”",
    "did not find expected hexdecimal number": "双引号字符串中的 \\x、\\u 转义后应跟十六进制数字：请改用单引号",
    "found invalid Unicode character escape code": "双引号字符串中的 \\u 转义不是有效的字符：请直接写出字符",
    "found another document": "一个文件只能有一个文档：请删除多余的“---”",
    "expected a single document": "一个文件只能有一个文档：请删除多余的“---”",
    "found character that cannot start any token": "这里的字符不能作为值的开头（如 @、` 或 %）：请给整个值加引号",
    "found undefined alias": "使用了未定义的别名（*）：本目录不支持锚点和别名，请直接写出内容",
    "did not find expected node content": "缺少内容：请检查这一行的列表或键值写法",
    "found a tab character": "缩进中有制表符（Tab）：请换成空格",
    "found undefined tag handle": "标签（!）写法不对：本目录不使用标签，请给整个值加引号",
    "did not find the expected '>'": "标签（!）写法不对：本目录不使用标签，请给整个值加引号",
    "did not find expected alphabetic or numeric character": "锚点（&）或别名（*）写法不对：本目录不使用它们，请给整个值加引号",
    "did not find expected whitespace or line break": "符号后面应有空格或换行：含有 !、&、* 的值请整个加引号",
    "did not find expected comment or line break": "值后面有多余的内容：请给整个值加引号",
    "directive": "以 % 开头的指令写法不对：请删除这一行",
    "found unexpected end of stream": "文件意外结束：可能有引号或括号没有闭合",
}
# The construct libyaml was reading, in Chinese; for the first group the construct's start is where
# the mistake is (an unclosed bracket or quote), so the finding is placed there.
_STARTED_AT = {
    "while parsing a flow sequence": "方括号“[”",
    "while parsing a flow mapping": "花括号“{”",
    "while scanning a quoted scalar": "引号",
    "while parsing a quoted scalar": "引号",
    "while scanning a simple key": "这个键",
    "while scanning a block scalar": "多行文本（| 或 >）",
    "while scanning an anchor": "锚点（&）",
    "while scanning an alias": "别名（*）",
    "while scanning a tag": "标签（!）",
}
_WITHIN = {
    "while parsing a block mapping": "所在的映射",
    "while parsing a block collection": "所在的列表",
    "while scanning a plain scalar": "所在的值",
    "while parsing a block node": "所在的内容",
    "while parsing a flow node": "所在的内容",
    "while parsing a node": "所在的内容",
    "expected a single document in the stream": "第一个文档",
}
_NOT_YAML = re.compile(r"[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _reader_problem(text: str) -> Problem:
    """A character YAML does not allow in a file at all (libyaml refuses the whole file)."""
    match = _NOT_YAML.search(text)
    at = match.start() if match else 0
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    what = describe_char(match.group()) if match else "控制字符"
    return Problem(
        "text.control-char", line, column, f"文件第 {line} 行第 {column} 列有不允许的字符 {what}：请删除它（多半是从别处复制来的）。"
    )


def _syntax_problem(error: yaml.YAMLError, text: str) -> Problem:
    if isinstance(error, yaml.reader.ReaderError):
        return _reader_problem(text)
    noticed = getattr(error, "problem_mark", None)
    began = getattr(error, "context_mark", None)
    context = str(getattr(error, "context", None) or "")
    problem = str(getattr(error, "problem", None) or error)
    hint = next((chinese for key, chinese in _SYNTAX_HINTS.items() if key in problem.replace(" '\\t'", "")), None)
    if hint is None:
        hint = f"请检查这一行的缩进、冒号和引号（解析器提示：{problem}）"
    if hint.startswith("文件意外结束") and context in ("while scanning a quoted scalar", "while parsing a quoted scalar"):
        hint = "引号没有闭合：到文件结束也没有找到配对的引号"
    mark = noticed or began
    where = ""
    if began is not None and noticed is not None and (began.line, began.column) != (noticed.line, noticed.column):
        if context in _STARTED_AT:
            mark = began
            where = f"{_STARTED_AT[context]}从这里开始，问题发现于第 {noticed.line + 1} 行第 {noticed.column + 1} 列"
        elif context in _WITHIN:
            where = f"{_WITHIN[context]}从第 {began.line + 1} 行开始"
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Problem("yaml.syntax", line, column, f"YAML 语法错误：{hint}" + (f"（{where}）" if where else "") + "。")


class _Converter:
    """Turns composed nodes into plain data; refuses aliases, unknown tags and duplicate keys."""

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.problems: list[Problem] = []
        self.fatal: list[Problem] = []  # values that cannot be read: the file is refused after them all

    def convert(self, node: Node, depth: int = 0, used_at: Node | None = None) -> Any:
        """Plain data of `node`; `used_at` is where the node is referenced (an alias is reported there)."""
        if id(node) in self.seen:
            line, column = _at(used_at or node)
            raise _Refused(
                Problem(
                    "yaml.alias",
                    line,
                    column,
                    "使用了 YAML 锚点和别名（& 和 *）。本目录不支持它们（可被用来制造“别名炸弹”）：请直接写出内容。",
                )
            )
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            line, column = _at(node)
            raise _Refused(Problem("yaml.too-deep", line, column, f"嵌套超过 {MAX_DEPTH} 层，不是有效的目录数据。"))
        if node.__class__ is ScalarNode:
            return self.scalar(node)
        if node.__class__ is SequenceNode:
            if node.tag != "tag:yaml.org,2002:seq":
                self.unsupported(node)
            return [self.child(child, depth, node) for child in node.value]
        if node.tag != "tag:yaml.org,2002:map":
            self.unsupported(node)
        return self.mapping(node, depth)

    def child(self, node: Node, depth: int, used_at: Node) -> Any:
        """`convert(node, depth + 1, used_at)`, with the common case inline: text met once, within
        the depth limit (at province scale most of 700,000 nodes per sixth of the files)."""
        if node.__class__ is ScalarNode and node.tag == _STR and depth < MAX_DEPTH and id(node) not in self.seen:
            self.seen.add(id(node))
            return node.value
        return self.convert(node, depth + 1, used_at)

    def scalar(self, node: ScalarNode) -> Any:
        if node.tag == _STR:
            return node.value
        construct = _SCALARS.get(node.tag)
        if construct is None:
            return self.unsupported(node)
        if node.tag == _INT and len(node.value) > MAX_NUMBER_CHARS:
            return self.refuse(node, "yaml.number-out-of-range", f"数字“{node.value[:20]}…”有 {len(node.value)} 位，超出了可用的范围。")
        try:
            value = construct(node)
        except (ValueError, KeyError, IndexError, TypeError, OverflowError):
            kind = _TAG_KINDS.get(node.tag, node.tag)
            shown = node.value if len(node.value) <= 40 else node.value[:40] + "…"
            return self.refuse(
                node, "yaml.tag-value", f"值“{shown}”不能按标签 {node.tag.rsplit(':', 1)[-1]} 读成{kind}：请去掉标签，直接写出值。"
            )
        if value.__class__ in (int, float) and not (math.isfinite(value) and abs(value) <= MAX_NUMBER):
            return self.refuse(
                node, "yaml.number-out-of-range", f"数字“{node.value[:40]}”不是有限的数或超出了可用的范围（绝对值最大 10¹⁵）。"
            )
        return value

    def refuse(self, node: Node, rule: str, message: str) -> str:
        """Note a value that cannot be read; the file is refused once every such value is found."""
        line, column = _at(node)
        self.fatal.append(Problem(rule, line, column, message))
        return node.value if isinstance(node.value, str) else ""

    def unsupported(self, node: Node) -> None:
        # Refuse the file: its content is not what its author meant, and checking it would only cascade.
        line, column = _at(node)
        raise _Refused(Problem("yaml.tag", line, column, f"不支持的 YAML 标签 {node.tag}：请去掉标签，直接写出文本、数字或列表。"))

    def mapping(self, node: MappingNode, depth: int) -> dict:
        out: dict = {}
        first_seen: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge" or key_node.__class__ is not ScalarNode:
                self.unsupported(key_node)
            key = self.child(key_node, depth, None)
            if key.__class__ is not str:
                key = self.refuse(
                    key_node,
                    "yaml.key-not-text",
                    f'键“{key_node.value}”被读成了{_KEY_KINDS.get(key.__class__, "非文本")}：键应为字段名；代码表中的代码要加引号，如 "01": 名称。',
                )
            if key in first_seen:
                line, column = _at(key_node)
                self.problems.append(
                    Problem(
                        "yaml.duplicate-key",
                        line,
                        column,
                        f"键“{key}”重复出现（第一次在第 {first_seen[key]} 行）。YAML 会让后一个悄悄覆盖前一个：请删除或合并其中一个。",
                    )
                )
                continue
            first_seen[key] = key_node.start_mark.line + 1
            out[key] = self.child(value_node, depth, key_node)
        return out


def parse(raw: bytes) -> tuple[Any, list[Problem]]:
    """Parse one file's bytes. Returns (data, problems); data is None when the file cannot be read."""
    if len(raw) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        return None, [Problem("file.too-large", 1, 1, f"文件超过 {limit} MB：请按年份或事项拆分成多个文件。")]
    text, problems = decode(raw)
    if text is None:
        return None, problems
    tabs = _tab_problems(text)
    if tabs:
        return None, problems + tabs
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as error:
        return None, [*problems, _syntax_problem(error, text)]
    if node is None:
        return None, problems
    converter = _Converter()
    try:
        data = converter.convert(node)
    except _Refused as refused:
        return None, problems + converter.problems + converter.fatal + [refused.problem]
    if converter.fatal:
        return None, problems + converter.problems + converter.fatal
    return data, problems + converter.problems


def compose(raw: bytes) -> Node | None:
    """The node tree of a file that `parse` accepted, for locating findings."""
    text, _ = decode(raw)
    if text is None or _tab_problems(text):
        return None
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None


def locate(root: Node | None, path: tuple, at_key: bool = False) -> tuple[int, int]:
    """Line and column (1-based) of the value at `path`, or of the deepest part of it that exists.

    A missing key points at its parent mapping; `at_key` points at the key itself (for unknown keys).
    """
    if root is None:
        return 1, 1
    node = root
    last = len(path) - 1
    for position, step in enumerate(path):
        child = None
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode) and _Converter().scalar(key_node) == step:
                    child = key_node if at_key and position == last else value_node
                    break
        elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            child = node.value[step]
        if child is None:
            break
        node = child
    return _at(node)
