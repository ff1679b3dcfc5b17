#!/usr/bin/env python3
"""Write a valid, seeded synthetic catalogue (default: a province of 58 departments, 6,000 power items
and 100,000 catalogue entries) for benchmarks and tests.

    python scripts/generate_catalog.py OUT_DIR [--provincial 42 --cities 16 --items 6000 --entries 100000 --seed 1 --lagging 0.3]
    python scripts/generate_catalog.py catalog --sample     # regenerate the bundled sample (示例数据)
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import shutil
from pathlib import Path

from zwgk.sample import generate as synth
from zwgk.sample.plan import SAMPLE_PLAN, Plan

SAMPLE_HEADER = "# 示例数据（sample data）：由 scripts/generate_catalog.py --sample 生成，部门与代码均为虚构。\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="folder to write (replaced if it exists)")
    parser.add_argument("--sample", action="store_true", help="the bundled sample plan instead of a province")
    defaults = Plan()
    parser.add_argument("--provincial", type=int, default=defaults.provincial)
    parser.add_argument("--cities", type=int, default=defaults.cities)
    parser.add_argument("--items", type=int, default=defaults.items)
    parser.add_argument("--entries", type=int, default=defaults.entries)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--lagging", type=float, default=defaults.lagging, help="share of departments that lag (0 to 1)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=defaults.as_of, help="the date the data is valid on")
    args = parser.parse_args()
    if args.sample:
        plan, header = SAMPLE_PLAN, SAMPLE_HEADER
    else:
        plan = dataclasses.replace(
            defaults,
            provincial=args.provincial,
            cities=args.cities,
            items=args.items,
            entries=args.entries,
            seed=args.seed,
            as_of=args.as_of,
            lagging=args.lagging,
        )
        header = ""
    # Only what the generator writes is replaced: a hand-written README beside it stays.
    shutil.rmtree(args.out / "departments", ignore_errors=True)
    (args.out / "scheme.yml").unlink(missing_ok=True)
    files = synth.generate(plan)
    synth.write(files, args.out, header)
    print(
        f"wrote {len(files)} files to {args.out} ({plan.provincial + plan.cities} departments, {plan.items} items, {plan.entries} entries)"
    )


if __name__ == "__main__":
    main()
