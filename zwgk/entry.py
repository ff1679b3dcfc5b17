"""The `zwgk` console script. `zwgk search` is answered without importing the rest of the command
line (pydantic, the rules, MkDocs): a search from a terminal or a script should take a fraction of a
second, not the time the full command line takes to load."""

from __future__ import annotations

import sys


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "search":
        from zwgk.search.command import search_command

        search_command.main(sys.argv[2:], prog_name="zwgk search")
        return
    from zwgk.cli import main as full

    full()
