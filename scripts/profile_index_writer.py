"""The Whoosh index writer's CPU on a cold build, alone: `plan CATALOG PLAN` makes the documents of a
catalogue's index (as the build does, zwgk.search.index.plan_update) and writes them to PLAN as the
build hands them to its background writer (zwgk.search.writer); `apply PLAN INDEX` writes them into a
new, empty index at INDEX in this process, reading PLAN chunk by chunk as that writer does, and
prints the user+sys seconds of it. Run `apply` under py-spy
(`py-spy record --format raw -o OUT -- python scripts/profile_index_writer.py apply ...`) to see
where they go."""

from __future__ import annotations

import dataclasses
import pickle
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from whoosh import index as whoosh_index

from zwgk.rules.run import check
from zwgk.search.index import apply_update, best_first, plan_update
from zwgk.search.schema import INDEX_VERSION, schema
from zwgk.search.writer import _CHUNK, _read_documents
from zwgk.site.data import site_data


def plan(catalog: str, plan_file: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        update = plan_update(Path(folder) / "idx", site_data(check(catalog)))
    documents = best_first(update.fresh)
    with open(plan_file, "wb") as file:  # zwgk.search.writer.BackgroundUpdate's plan file
        pickle.dump((dataclasses.replace(update, fresh=[]), update.stats), file, protocol=pickle.HIGHEST_PROTOCOL)
        for start in range(0, len(documents), _CHUNK):
            pickle.dump(documents[start : start + _CHUNK], file, protocol=pickle.HIGHEST_PROTOCOL)
    print(f"{len(documents)} documents -> {plan_file}")


def apply(plan_file: str, folder: str) -> None:
    target = Path(folder)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    whoosh_index.create_in(str(target), schema())
    (target / "zwgk-index-version").write_text(INDEX_VERSION)
    before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    with open(plan_file, "rb") as plan:
        update, stats = pickle.load(plan)
        update.folder = target
        apply_update(update, documents=_read_documents(plan, stats.added), stats=stats)
    after, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - started
    user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    print(f"{stats.added} documents: user {user:.1f} s + sys {system:.1f} s = {user + system:.1f} s CPU, {wall:.1f} s wall")


if __name__ == "__main__":
    {"plan": plan, "apply": apply}[sys.argv[1]](*sys.argv[2:])
