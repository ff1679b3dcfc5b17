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


def _tree_memory(pid: int) -> int:
    """Proportional set size (PSS) of a process and all its descendants, from /proc: pages that forked
    workers share with their parent are counted once, not once per process as RSS would."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += next(int(line.split()[1]) * 1024 for line in rollup.splitlines() if line.startswith("Pss:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(child) for child in (task / "children").read_text().split()]
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
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, _tree_memory(process.pid))
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
