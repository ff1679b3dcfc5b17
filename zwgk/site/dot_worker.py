"""Drawing with Graphviz: Debian's libgvc (the library the `dot` command runs) through ctypes, in a
process of its own that forks a child for every graph. Run as a script (`main`), it imports nothing of
zwgk; `Drawer` is the build's side.

Why not `dot -Tsvg -O a.gv b.gv ...` per batch: Graphviz 2.43 frees a rank array twice when it cleans
up after a graph with labelled edges within a rank (flat_edges, then gvFreeLayout), so a batch aborts
("corrupted size vs. prev_size") or carries a damaged heap into the next graph (an output file of
garbage bytes was seen); splitting the failed batches ran each chart about seven times. And a cluster's
place in the layout follows the address of its name's string, so a graph drawn after others in one
process came out laid out differently from the same graph drawn alone. Here every graph is drawn by a
fork of the same process in the same state (one warm-up drawing has loaded the plugins and the fonts,
two forks that draw nothing have made the fork-and-wait loop allocate what it allocates the first time;
between forks the parent allocates nothing), and each child reads its job in one call whatever pieces
it arrives in, so a drawing does not depend on what was drawn before it nor on the machine's load (the
first graph of a process, or a job read in several pieces, could come out laid out differently), and
the layout's cleanup, where the double free is, never runs: the child exits once its SVG is written.
(Across drawing processes a few clustered graphs can still come out with their clusters in another
order, as across `dot` runs of different batches; the province's 1,580 drawings were the same in two
runs, and each as `dot` drew it alone.)

Protocol on the process's stdin (one end of a socket pair) and stdout, per graph: a 4-byte
big-endian length and the DOT source in UTF-8 in; one status byte (0 drawn, 1 failed), a 4-byte length
and the SVG, or Graphviz's error text, out. The child reads its job and writes its answer itself;
the parent writes an answer only for a child that died without one.
"""

import contextlib
import ctypes
import os
import select
import socket
import struct
import subprocess
import sys
import time

WARM_UP = 'digraph w { node [fontname="Noto Sans CJK SC,sans-serif"]; a [label="开始"]; a -> b [label="是"]; }'


def _library():
    gvc = ctypes.CDLL("libgvc.so.6")
    cgraph = ctypes.CDLL("libcgraph.so.6")
    cgraph.agmemread.restype = ctypes.c_void_p
    cgraph.agmemread.argtypes = [ctypes.c_void_p]
    gvc.gvContext.restype = ctypes.c_void_p
    gvc.gvLayout.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p]
    gvc.gvRenderData.argtypes = [
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.POINTER(ctypes.c_char_p),
        ctypes.POINTER(ctypes.c_uint),
    ]
    return gvc, cgraph


def _draw(gvc, cgraph, context, source) -> bytes | None:
    """The SVG of a NUL-terminated DOT source (a ctypes buffer), or None when Graphviz refuses it."""
    graph = cgraph.agmemread(ctypes.addressof(source))
    if not graph or gvc.gvLayout(context, graph, b"dot") != 0:
        return None
    data, length = ctypes.c_char_p(), ctypes.c_uint()
    if gvc.gvRenderData(context, graph, b"svg", ctypes.byref(data), ctypes.byref(length)) != 0:
        return None
    return ctypes.string_at(data, length.value)


def _read_into(jobs, buffer) -> bool:
    """Fill `buffer` from the socket `jobs` (False at end of input). One call, which waits for all of
    it (MSG_WAITALL), whatever pieces the job arrives in: a read that took several calls allocated
    differently, and a graph could come out laid out differently after it."""
    view = memoryview(buffer).cast("B")
    done = jobs.recv_into(view, len(view), socket.MSG_WAITALL)
    while 0 < done < len(view):  # a signal can cut the wait short
        count = jobs.recv_into(view[done:], len(view) - done, socket.MSG_WAITALL)
        if count == 0:
            return False
        done += count
    return done == len(view)


def _write(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]


def _child(gvc, cgraph, context, jobs) -> None:
    """Draw one graph: read it from stdin (`jobs`), answer on stdout, then exit without cleaning up."""
    header = bytearray(4)
    if not _read_into(jobs, header):
        os._exit(3)  # no more graphs
    (size,) = struct.unpack(">I", header)
    source = ctypes.create_string_buffer(size + 1)
    if size and not _read_into(jobs, (ctypes.c_char * size).from_buffer(source)):
        os._exit(3)
    errors = os.memfd_create("dot-errors")
    os.dup2(errors, 2)
    svg = _draw(gvc, cgraph, context, source)
    if svg is None:
        os.lseek(errors, 0, os.SEEK_SET)
        message = os.read(errors, 1 << 16)
        _write(1, struct.pack(">BI", 1, len(message)) + message)
    else:
        _write(1, struct.pack(">BI", 0, len(svg)) + svg)
    os._exit(0)


def main() -> None:
    gvc, cgraph = _library()
    context = gvc.gvContext()
    warm_up = ctypes.create_string_buffer(WARM_UP.encode())
    if _draw(gvc, cgraph, context, warm_up) is None:
        sys.exit("Graphviz cannot draw")
    sys.stdout.flush()
    jobs = socket.socket(fileno=0)  # stdin: one end of Drawer's socket pair
    # Two rounds of the loop below with children that draw nothing: the first fork and wait allocate
    # in this process (lazily initialised state), so that without them the first graph was drawn
    # from another heap than the rest and could come out laid out differently.
    for _ in range(2):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
            sys.exit("Graphviz drawing process cannot fork")
    while True:
        pid = os.fork()
        if pid == 0:
            _child(gvc, cgraph, context, jobs)
        _, status = os.waitpid(pid, 0)
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3:
            return
        if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
            how = f"信号 {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"退出码 {os.WEXITSTATUS(status)}"
            message = f"Graphviz 进程异常终止（{how}）".encode()
            _write(1, struct.pack(">BI", 1, len(message)) + message)


class DrawError(Exception):
    """Graphviz could not draw a graph: `reason` says why (its error text, or 超时 for the time bound)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Drawer:
    """The build's side: one drawing process, graphs drawn one at a time, each within `seconds`."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        environment = {**os.environ, "PYTHONHASHSEED": "0"}
        # The jobs go through a socket (not a pipe), which the process reads with MSG_WAITALL (_read_into).
        self.jobs, theirs = socket.socketpair()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-S", __file__],
                stdin=theirs,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=environment,
                start_new_session=True,
            )
        finally:
            theirs.close()

    def draw(self, source: str) -> str:
        data = source.encode()
        try:
            self.jobs.sendall(struct.pack(">I", len(data)) + data)
        except OSError:
            raise DrawError("Graphviz 绘图进程未能启动或已退出（需要 libgvc.so.6，即 Debian 的 graphviz 软件包）") from None
        deadline = time.monotonic() + self.seconds
        status, size = struct.unpack(">BI", self._read(5, deadline))
        payload = self._read(size, deadline)
        if status != 0:
            raise DrawError(payload.decode(errors="replace").strip() or "Graphviz 未给出原因")
        return payload.decode()

    def _read(self, size: int, deadline: float) -> bytes:
        fd, chunks, done = self.process.stdout.fileno(), [], 0
        while done < size:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                self.close()
                raise DrawError("超时")
            chunk = os.read(fd, size - done)
            if not chunk:
                raise DrawError("Graphviz 绘图进程未能启动或已退出（需要 libgvc.so.6，即 Debian 的 graphviz 软件包）")
            chunks.append(chunk)
            done += len(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        """Stop the process and any child drawing for it (nothing to do after `finish`)."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, 9)
        self.process.wait()
        for stream in (self.jobs, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()

    def finish(self) -> None:
        """End the process normally (its next child reads the end of input)."""
        self.jobs.close()
        self.process.wait()


if __name__ == "__main__":
    main()
