"""Reading a file that a pull request may have written: never through a symbolic link, never a device,
pipe or socket, never more than a size limit.

A contributor's folder is untrusted. A link could publish a file from outside the catalogue (or list
an outside folder's names in CI output), and `/dev/zero` or a pipe would be read without end. The
catalogue refuses every symbolic link, wherever it points (even inside the catalogue: a link is never
needed, and "inside" depends on where the folder happens to be checked out); the finding names the
link, never its target. Files are opened with O_NOFOLLOW and checked with fstat on the open
descriptor, so a file swapped for a link between listing and reading is refused too.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from zwgk.catalog.yamlio import MAX_FILE_BYTES  # the limit yamlio.parse and the rule file.too-large state


class UnreadableFile(Exception):
    """A file that is refused: `rule` is the finding's rule id, the message says why, in Chinese."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule
        self.message = message


def symlink_message(rel: str) -> str:
    return f"“{rel}”是符号链接，不会被读取：目录中只能有普通文件和文件夹，请把链接换成文件本身。"


def too_large_message(limit: int) -> str:
    return f"文件超过 {limit // (1024 * 1024)} MB，不会被读取：请按年份或事项拆分成多个文件。"


def read_regular(path: Path, rel: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file at `path` (`rel` names it in messages), or UnreadableFile."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    if Path(path).is_symlink():
        raise UnreadableFile("file.symlink", symlink_message(rel))
    try:
        handle = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnreadableFile("file.symlink", symlink_message(rel)) from None
        raise UnreadableFile("file.unreadable", f"无法读取文件“{rel}”（{os.strerror(error.errno or 0)}）。") from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("file.unreadable", f"“{rel}”不是普通文件（而是设备、管道或套接字），不会被读取：请删除它。")
        if info.st_size > limit:
            raise UnreadableFile("file.too-large", too_large_message(limit))
        chunks, size = [], 0
        while size <= limit:  # read at most limit + 1 bytes, whatever the size said
            chunk = os.read(handle, min(1024 * 1024, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise UnreadableFile("file.too-large", too_large_message(limit))
        return b"".join(chunks)
    except OSError as error:
        raise UnreadableFile("file.unreadable", f"无法读取文件“{rel}”（{os.strerror(error.errno or 0)}）。") from None
    finally:
        os.close(handle)
