"""What the commands share: how a failure is said, and the checks of command-line text."""

from __future__ import annotations

import datetime as dt

import click

from zwgk.catalog.findings import format_json, format_text

FORMATS = {"text": format_text, "json": format_json}


def fail(message: str) -> None:
    """A mistake in how the command was called, or a catalogue that cannot be read at all: exit 2."""
    click.echo(f"错误：{message}", err=True)
    raise SystemExit(2)


def text_arguments(**values: str | None) -> None:
    """Refuse command-line text that would write a record the check refuses: not UTF-8 (the shell's
    bytes reach Python as lone surrogates, which cannot be written to a file), with a control
    character, or too long. Exit 2 with the option's name."""
    from zwgk.catalog.text import LENGTH_LIMITS, control_chars, describe_char

    for option, value in values.items():
        if value is None:
            continue
        flag = f"--{option.replace('_', '-')}"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            fail(f"{flag} 的值不是有效的 UTF-8 文本：请把终端或脚本的编码设为 UTF-8 后重新输入。")
        found = control_chars(value, multiline=False)
        if found:
            position, ch = found[0]
            fail(f"{flag} 的值第 {position} 个字符是控制字符 {describe_char(ch)}：请删除它。")
        limit = LENGTH_LIMITS.get(option)
        if limit and len(value) > limit:
            fail(f"{flag} 的值有 {len(value)} 个字符，超过了 {limit} 个字符的上限。")


def as_of_date(value: dt.datetime | None) -> dt.date:
    return value.date() if value else dt.date.today()
