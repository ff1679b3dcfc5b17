"""The benchmarks' measurement (scripts/bench_measure.py): the peak memory of a whole process tree is
found although smaps_rollup (PSS) is read only when the tree's RSS could hold a new peak."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "bench_measure.py"


def _bench_measure():
    spec = importlib.util.spec_from_file_location("bench_measure", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_peak_of_a_child_process_that_grows_then_shrinks_is_found(tmp_path):
    # The parent holds 60 MB, then a child 200 MB for a second and exits; the parent frees its block
    # and idles: the peak is both together, not either alone, and not what is left at the end.
    script = (
        "import subprocess, sys, time\n"
        "block = bytearray(60 * 2**20)\n"
        "subprocess.run([sys.executable, '-c', 'import time; b = bytearray(200 * 2**20); time.sleep(1.5)'])\n"
        "del block\n"
        "time.sleep(1.0)\n"
    )
    result = _bench_measure().measure([sys.executable, "-c", script], cwd=tmp_path)
    assert 250 <= result["peak_pss_mib"] <= 320, result
    assert result["wall_s"] >= 2.5
