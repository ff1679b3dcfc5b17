"""How the benchmarks measure (scripts/bench.py): wall time and peak memory of a whole process tree."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ZWGK = [sys.executable, "-m", "zwgk"]


def _tree_pids(pid: int) -> list[int]:
    """A process and all its descendants, from /proc."""
    pids, stack = [], [pid]
    while stack:
        current = stack.pop()
        try:
            stack += [int(child) for task in Path(f"/proc/{current}/task").iterdir() for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
        pids.append(current)
    return pids


def _tree_rss(pids: list[int]) -> int:
    """Resident set size of the processes, summed (cheap: /proc/PID/statm)."""
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


_PAGE = resource.getpagesize()


def _tree_memory(pids: list[int]) -> int:
    """Proportional set size (PSS) of the processes: pages that forked workers share with their parent
    are counted once, not once per process as RSS would."""
    total = 0
    for pid in pids:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            total += next(int(line.split()[1]) * 1024 for line in rollup.splitlines() if line.startswith("Pss:"))
        except (OSError, StopIteration, ValueError):
            continue
    return total


def load_average() -> float:
    """The one-minute load average at the end of a measurement (the machine is shared)."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def measure(command: list[str], env: dict | None = None, cwd: Path = ROOT) -> dict:
    """Wall time, CPU time and peak tree memory of one command; fails loudly if the command fails.
    The CPU time is that of every process of the tree that was waited for (the build waits for its
    own: Pagefind, the Whoosh writer, the drawing forks): more than twice the wall time would mean the
    two cores were both busy all the way, and only less work, not more parallelism, makes it faster."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd)
    peak = 0

    def sample() -> None:
        # Reading smaps_rollup walks a process's page tables: five times a second on a 2 GB build it
        # took a sixth of a core (28 s of system time in a 170 s cold build), which the small baseline
        # does not pay. PSS never exceeds RSS, so a tree whose RSS is at most the peak PSS so far cannot
        # hold a new peak; above it, PSS is read again when RSS has grown by 2 % or a second has passed.
        nonlocal peak
        last_rss, last_read = 0, 0.0
        while process.poll() is None:
            pids = _tree_pids(process.pid)
            rss, now = _tree_rss(pids), time.perf_counter()
            if rss > peak and (rss > last_rss * 1.02 or now - last_read >= 1.0):
                peak = max(peak, _tree_memory(pids))
                last_rss, last_read = rss, now
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    stdout, stderr = process.communicate()
    sampler.join()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if process.returncode != 0:
        raise SystemExit(f"command failed ({process.returncode}): {' '.join(command)}\n{stderr.decode()[-2000:]}")
    # The last line of output, and the build's own timing lines (MkDocs logs to stderr).
    timings = [
        line.split("zwgk: ", 1)[-1] for line in stderr.decode().splitlines() if "耗时" in line or "检索索引：" in line or "生成完成" in line
    ]
    tail = stdout.decode().strip().splitlines()[-1:] + timings
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 1),
        "peak_pss_mib": round(peak / 2**20),
        "load_1min": load_average(),
        "output_tail": tail,
    }


def du(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def run_script(script: str, *args: str) -> dict:
    """Run a timing script in a fresh interpreter; its last line of output is its JSON result."""
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])
