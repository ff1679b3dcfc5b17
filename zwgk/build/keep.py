"""The site folder kept in place between builds. MkDocs empties the site folder before every build
(after pre_build): at province scale that is tens of thousands of files and folders removed only to be
written again with the same bytes. So the build hides the folder's entries from that cleaning (renamed
to hidden names, which MkDocs leaves alone) and puts them back right after it (on_files); pages and
files then replace what is there, cached pages already in place stay (zwgk.build.render), exports
with unchanged bytes are not written again (`write_if_changed`), and before anything checks the site
every file this build did not produce is removed (`sweep`): the folder ends as a clean build leaves it."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import threading
from pathlib import Path

_HIDDEN = ".zwgk-kept-"


def keep_site(config) -> None:
    """The hooks' pre_build, after prepare (nothing can fail between this and MkDocs's cleaning)."""
    hide(Path(config.site_dir))


def hide(site_dir: Path) -> None:
    """Before MkDocs cleans the folder: its entries renamed to hidden names (one rename each)."""
    if not site_dir.is_dir():
        return
    restore(site_dir)  # what a build that failed in between left hidden
    for left in site_dir.parent.glob(f".{site_dir.name}.zwgk-trash-*"):  # and the trash of a failed build
        shutil.rmtree(left, ignore_errors=True)
    for entry in os.listdir(site_dir):
        if not entry.startswith("."):
            os.rename(site_dir / entry, site_dir / f"{_HIDDEN}{entry}")


def restore(site_dir: Path) -> None:
    """After the cleaning: the hidden entries back in place."""
    if not site_dir.is_dir():
        return
    for entry in os.listdir(site_dir):
        if entry.startswith(_HIDDEN):
            name = entry[len(_HIDDEN) :]
            if os.path.lexists(site_dir / name):  # written in between: the new one wins
                shutil.rmtree(site_dir / entry, ignore_errors=True)
            else:
                os.rename(site_dir / entry, site_dir / name)


def sweep(site_dir: Path, produced: set[str], leave: frozenset[str] = frozenset()) -> tuple[int, Trash]:
    """Remove every file (and emptied folder) of the site that this build did not produce; entries
    whose names start with a dot at the top are left, as MkDocs's cleaning leaves them, and so are the
    top-level folders named in `leave` (Pagefind's, being written beside this, finish). A top-level
    folder with nothing produced in it (Pagefind's bundle, which its step writes afresh) is moved out
    of the site at once and removed in the background (`Trash`). Returns how many files were removed
    in place, and the trash to wait for."""
    removed = 0
    root = str(site_dir)
    tops = {rel.split("/", 1)[0] for rel in produced}
    trash = Trash(site_dir)
    folders = []
    for folder, dirs, names in os.walk(root):
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        if not prefix:
            for name in [name for name in dirs if not name.startswith(".") and name not in tops and name not in leave]:
                trash.add(site_dir / name)
            dirs[:] = [name for name in dirs if not name.startswith(".") and name in tops and name not in leave]
            names = [name for name in names if not name.startswith(".")]
        else:
            folders.append(folder)
        for name in names:
            if prefix + name not in produced:
                os.unlink(os.path.join(folder, name))
                removed += 1
    for folder in reversed(folders):  # a folder after the folders in it
        if not os.listdir(folder):
            os.rmdir(folder)
    trash.start()
    return removed, trash


class Trash:
    """Folders moved beside the site (one rename each) and removed by a background thread while the
    build goes on: removing thousands of files costs milliseconds each on a busy disk, and the
    system calls leave the interpreter free. `wait` before the build ends."""

    def __init__(self, site_dir: Path):
        self.folder = site_dir.with_name(f".{site_dir.name}.zwgk-trash-{os.getpid()}")
        self.thread: threading.Thread | None = None

    def add(self, path: Path) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        os.rename(path, self.folder / f"{len(os.listdir(self.folder))}-{path.name}")

    def start(self) -> None:
        if self.folder.is_dir():
            self.thread = threading.Thread(target=shutil.rmtree, args=(self.folder, True), daemon=True)
            self.thread.start()

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join()
        shutil.rmtree(self.folder, ignore_errors=True)


class Written:
    """The files the build writes itself (exports, code shards ...), by content hash: a file whose
    bytes are what the last build wrote, and which nobody touched since (size and mtime as written),
    is left in place. The record lives in the build cache, one per site folder. Each file written is
    also kept in the cache by its hash (`written-files/`, a hard link to the site's file: no second
    copy on disk), so that a build into a fresh folder (a pull request's checkout with the caches
    restored) links the files whose bytes it has made before instead of writing them: at province
    scale that is twenty thousand code-lookup files, of which one changed entry changes a few. A kept
    file is trusted while its size and mtime are those recorded when it was kept (`written/kept.pickle`;
    writing into it, through any of its links, changes its mtime); else it is read back and compared."""

    def __init__(self, cache_dir: Path | None, site_dir: Path):
        name = hashlib.sha256(str(site_dir.resolve()).encode()).hexdigest()[:16]
        self.path = cache_dir / "written" / f"{name}.pickle" if cache_dir else None
        self.kept_path = cache_dir / "written" / "kept.pickle" if cache_dir else None
        self.store_dir = cache_dir / "written-files" if cache_dir else None
        self.site_dir = site_dir
        self.root = str(site_dir)
        self.known: dict[str, tuple[int, int, bytes]] = _load(self.path)
        self.kept: dict[str, tuple[int, int]] = _load(self.kept_path)  # blob: (size, mtime) when kept
        self.now: dict[str, tuple[int, int, bytes]] = {}
        self.skipped = self.linked = 0
        self.made: set[str] = set()  # folders known to exist
        self.new: set[str] = set()  # and those of them this build made
        self.stored = set(os.listdir(self.store_dir)) if self.store_dir is not None and self.store_dir.is_dir() else set()
        self.store_made = False

    def write(self, rel: str, content: bytes) -> None:
        target = os.path.join(self.root, rel)
        digest = hashlib.blake2b(content, digest_size=16).digest()
        folder = os.path.dirname(target)
        if folder not in self.made:
            if not os.path.isdir(folder):
                os.makedirs(folder, exist_ok=True)
                self.new.add(folder)  # nothing in it yet: no file to look for
            self.made.add(folder)
        known = self.known.get(rel)
        if known is not None and known[2] == digest and folder not in self.new:
            try:
                stat = os.stat(target)
                if (stat.st_size, stat.st_mtime_ns) == known[:2]:
                    self.now[rel] = known
                    self.skipped += 1
                    return
            except OSError:
                pass
        blob = digest.hex()
        if blob in self.stored:
            stat = self._link_kept(blob, target, content)
            if stat is not None:
                self.linked += 1
                self.now[rel] = (stat.st_size, stat.st_mtime_ns, digest)
                return
        if folder not in self.new or rel in self.now:  # a folder this build made holds only what it wrote
            _unlink(target)  # never write through a hard link
        with open(target, "wb") as out:
            out.write(content)
        stat = os.stat(target)
        self.now[rel] = (stat.st_size, stat.st_mtime_ns, digest)
        if self.store_dir is not None:
            if not self.store_made:  # once, not once per file (a cold build writes tens of thousands)
                self.store_dir.mkdir(parents=True, exist_ok=True)
                self.store_made = True
            kept = os.path.join(self.store_dir, blob)
            try:
                _unlink(kept)
                os.link(target, kept)
                self.stored.add(blob)
                self.kept[blob] = (stat.st_size, stat.st_mtime_ns)
            except OSError:  # not across file systems, not where links are refused
                self.stored.discard(blob)

    def _link_kept(self, blob: str, target: str, content: bytes) -> os.stat_result | None:
        """The kept file linked as `target` while it still holds `content`: trusted by its recorded
        size and mtime, else read back (much cheaper than writing, and nothing written in place into a
        site's file since can come back). None when it cannot be linked: then the caller writes."""
        source = os.path.join(self.store_dir, blob)
        try:
            stat = os.stat(source)
            if stat.st_size != len(content):
                return None
            if self.kept.get(blob) != (stat.st_size, stat.st_mtime_ns):
                with open(source, "rb") as kept:
                    if kept.read() != content:
                        return None
                self.kept[blob] = (stat.st_size, stat.st_mtime_ns)
            try:
                os.link(source, target)
            except FileExistsError:
                os.unlink(target)
                os.link(source, target)
            return stat
        except OSError:
            _unlink(target)
            return None

    def store(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # The kept files this build did not produce go (another site folder's build relinks or writes them).
        produced = {known[2].hex() for known in self.now.values()}
        for blob in self.stored - produced:
            (self.store_dir / blob).unlink(missing_ok=True)
        kept = {blob: stat for blob, stat in self.kept.items() if blob in produced and blob in self.stored}
        for path, value in ((self.path, self.now), (self.kept_path, kept)):
            partial = path.with_suffix(".partial")
            partial.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            partial.replace(path)


def _load(path: Path | None) -> dict:
    if path is None:
        return {}
    try:
        value = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        return {}
    return value if isinstance(value, dict) else {}


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
