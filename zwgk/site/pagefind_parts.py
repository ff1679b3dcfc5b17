"""Assembling the Pagefind bundles of the site from the cache (Pagefind has no incremental mode): a
part whose pages are unchanged is taken as it is; a part of which only a few pages changed keeps its
cached bundle, and its changed pages are indexed on their own, together, into one small part,
`fresh`, while parts.json lists the cached bundle's old versions of them (their Pagefind page
hashes) as stale, for the browser and the build's check to pass over; a part with more changes is
indexed again. At province scale a one-entry change re-indexes two pages (0.35 s of CPU) instead of
two parts of ~600 pages (~4.3 s of CPU each)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from zwgk.site.pagefind import (
    BUNDLE_DIR,
    PART_COUNT,
    PARTS_DIR,
    PARTS_LIST,
    StaticSearchError,
    page_fact,
    pagefind_version,
    part_of,
    read_bundle_file,
    run_pagefind,
)
from zwgk.site.pagefind_stage import stage_apart

FRESH = "fresh"  # the part of the pages changed since their part's cached bundle was indexed
MANIFEST = "manifest.json"  # in a cached bundle: each page's path → [digest of its HTML, Pagefind page hash]
# How many of a part's pages may have changed (or gone) for its cached bundle to be kept: more, and
# the part is indexed again. A page indexed in `fresh` is scored against the few pages there, not
# against its part, so few stay there: a part is indexed again as soon as one in fifty changed.
STALE_SHARE = 50
STALE_MIN = 4

Known = Callable[[str, Path], tuple[bool, bytes]]


def html_files(site_dir: Path) -> list[str]:
    """The HTML files of the site folder (paths in the site), Pagefind's bundle left out, found by
    walking it (at province scale 13,679 folders: seconds; the build gives its own list instead)."""
    root = str(site_dir)
    found = []
    for folder, dirs, files in os.walk(root):
        rel_folder = os.path.relpath(folder, root).replace(os.sep, "/")
        if rel_folder == BUNDLE_DIR:
            dirs.clear()
            continue
        prefix = "" if rel_folder == "." else rel_folder + "/"
        found += [prefix + name for name in files if name.endswith(".html")]
    return found


def site_pages(site_dir: Path, known: Known | None = None, listed: Iterable[str] | None = None) -> dict[str, list[tuple[str, Path, str]]]:
    """The searchable pages of each part: (path in the site, file, digest of its HTML), by path.
    Only pages marked data-pagefind-body go in: Pagefind indexes every page of a folder with none.
    `listed`: the files the build wrote into the site (paths in the site; only the HTML ones are
    taken), else the folder is walked (`html_files`). `known(rel, path)` gives page_fact of a page,
    perhaps without reading it (the build keeps it by the page's rendered-HTML key, zwgk.build.facts,
    and knows that of the pages it writes itself)."""
    grouped: dict[str, list[tuple[str, Path, str]]] = defaultdict(list)
    if listed is None:
        found = html_files(site_dir)
    else:
        found = [rel for rel in listed if rel.endswith(".html") and not rel.startswith(BUNDLE_DIR + "/")]
    for rel in sorted(found):
        path = site_dir / rel
        searchable, content_digest = known(rel, path) if known else page_fact(path)
        if searchable:
            grouped[part_of(rel)].append((rel, path, content_digest.hex()))
    return dict(sorted(grouped.items()))


def _digest(pages: list[tuple[str, Path, str]]) -> str:
    digest = hashlib.sha256()
    for rel, _, content_digest in pages:
        digest.update(rel.encode() + b"\0" + bytes.fromhex(content_digest))
    return digest.hexdigest()


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _place(bundles: list[tuple[Path, Path]]) -> Callable[[], None]:
    """Start putting each (cached bundle, folder in the site) in place as hard links to the cache's
    files (nothing writes into a bundle's files in place, and removing one only removes its link);
    returns the function that waits until they are. By `cp -al`, one process per bundle, side by
    side: linked from this process (shutil.copytree), the province's ten thousand files took 1.3 to
    2.2 s while the first pass's check ran in a thread beside it (each system call waited for the
    interpreter lock again). Where cp cannot link them (no GNU cp, another file system), they are
    linked or copied here."""
    for _, folder in bundles:
        folder.mkdir(parents=True, exist_ok=True)
    cp = shutil.which("cp")
    running = []
    for source, folder in bundles:
        try:
            command = [cp, "-al", f"{source}{os.sep}.", str(folder)]
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) if cp else None
        except OSError:
            process = None
        running.append((source, folder, process))

    def wait() -> None:
        for source, folder, process in running:
            if process is None or process.wait() != 0:
                shutil.copytree(source, folder, copy_function=_relink, dirs_exist_ok=True)

    return wait


def _relink(source: str, target: str) -> None:
    """_link over what a failed cp may have linked (removed first: never written through)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(target)
    _link(source, target)


def _jobs() -> int:
    """How many parts Pagefind indexes at once: one process per core (each is mostly one thread:
    at province scale a part took 4.3 s of wall time for 4.5 s of CPU), at most PART_COUNT;
    ZWGK_PAGEFIND_JOBS overrides it."""
    try:
        wanted = int(os.environ.get("ZWGK_PAGEFIND_JOBS", "0"))
    except ValueError:
        wanted = 0
    return max(1, min(PART_COUNT, wanted or os.cpu_count() or 1))


def _url(rel: str) -> str:
    return "/" + (rel[: -len("index.html")] if rel.endswith("/index.html") or rel == "index.html" else rel)


def _manifest(bundle: Path, pages: list[tuple[str, Path, str]]) -> dict[str, list[str]] | None:
    """Each page's digest and Pagefind page hash (from the fragments' URLs); None when a page's
    fragment is not found (then the bundle is only ever taken whole)."""
    hashes = {}
    for fragment in (bundle / "fragment").glob("*.pf_fragment"):
        hashes[json.loads(read_bundle_file(fragment))["url"]] = fragment.name.removesuffix(".pf_fragment")
    manifest = {rel: [digest, hashes.get(_url(rel))] for rel, _, digest in pages}
    return None if any(page_hash is None for _, page_hash in manifest.values()) else manifest


def _write_manifest(built: Path, pages: list[tuple[str, Path, str]]) -> None:
    if (written := _manifest(built / BUNDLE_DIR, pages)) is not None:
        (built / MANIFEST).write_text(json.dumps(written), encoding="utf-8")


def _stale_base(cache: Path, name: str, version: str, pages: list[tuple[str, Path, str]]):
    """The cached bundle of part `name` that the fewest of its pages changed since, if few enough:
    (folder, manifest, the changed or new pages, the page hashes of the changed or removed ones)."""
    now = {rel: digest for rel, _, digest in pages}
    best = None
    for folder in cache.glob(f"{name}-*-{version}"):
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            int((folder / "pages").read_text())
        except (OSError, ValueError):
            continue
        changed = [page for page in pages if manifest.get(page[0], [None])[0] != page[2]]
        stale = [page_hash for rel, (digest, page_hash) in manifest.items() if now.get(rel) != digest]
        if best is None or len(changed) + len(stale) < len(best[2]) + len(best[3]):
            best = (folder, manifest, changed, stale)
    if best and len(best[2]) + len(best[3]) <= max(STALE_MIN, len(pages) // STALE_SHARE):
        return best
    return None


def _index(scratch: Path, name: str, pages: list[tuple[str, Path, str]], built: Path, manifest: bool) -> None:
    """Run Pagefind over a folder holding just `pages` at their paths in the site, so that its URLs
    are the site's, into `built`; each page as Pagefind is given it (pagefind.indexed_view: the same
    bundle from its body alone: at province scale Pagefind took 64 s of CPU instead of 78), written by a
    process of its own (zwgk.site.pagefind_stage)."""
    staging = scratch / name / "site"
    stage_apart(staging, ((rel, path) for rel, path, _ in pages))
    shutil.rmtree(built, ignore_errors=True)
    count = run_pagefind(staging, built / BUNDLE_DIR, excluded=())  # the views are cut already
    if manifest:
        _write_manifest(built, pages)
    (built / "pages").write_text(str(count))
    shutil.rmtree(staging, ignore_errors=True)


def bundle(
    site_dir: Path, cache_dir: Path | None, known: Known | None = None, listed: Iterable[str] | None = None
) -> tuple[int, int, int, int]:
    """Write the Pagefind bundles into the site: each part from the cache when its pages' HTML is
    unchanged; kept with its few changed pages in `fresh` (see the module's docstring); else indexed
    again, the parts to index side by side (`_jobs`). `known` and `listed` as for site_pages.
    Returns (pages indexed, parts, parts taken from the cache, pages indexed in `fresh`)."""
    version = pagefind_version()
    cache = cache_dir / "pagefind" if cache_dir else None
    target = site_dir / BUNDLE_DIR
    shutil.rmtree(target, ignore_errors=True)
    if cache:
        cache.mkdir(parents=True, exist_ok=True)
    parts = site_pages(site_dir, known, listed)
    if not parts:
        raise StaticSearchError("没有可供检索的页面（data-pagefind-body）。")
    # The pages are staged beside the site (same file system), as Pagefind is given them.
    with tempfile.TemporaryDirectory(prefix=".zwgk-pagefind-", dir=site_dir.parent) as scratch_name:
        scratch = Path(scratch_name)
        built_dirs, missing, fresh, stale, keep, reused, unlisted = {}, [], [], [], set(), 0, []
        for name, pages in parts.items():
            key = f"{name}-{_digest(pages)}-{version}"
            built_dirs[name] = cache / key if cache else scratch / name / "bundle"
            base = None
            if cache and not (built_dirs[name] / "pages").is_file():
                base = _stale_base(cache, name, version, pages)
            if base:
                built_dirs[name], reused = base[0], reused + 1
                fresh += base[2]
                stale += base[3]
            elif cache and (built_dirs[name] / "pages").is_file():
                reused += 1
                if not (built_dirs[name] / MANIFEST).is_file():
                    unlisted.append(name)  # cached before manifests were written
            else:
                missing.append(name)
            keep.add(built_dirs[name].name)
        jobs = [(name, parts[name], built_dirs[name], True) for name in missing]
        if fresh:
            built_dirs[FRESH] = scratch / FRESH / "bundle"
            jobs.append((FRESH, sorted(fresh), built_dirs[FRESH], False))
        # The bundles in place as hard links into the cache (ten thousand files, copied they took
        # seconds): the cached ones while Pagefind indexes the others.
        places = {name: target if number == 0 else target / PARTS_DIR / name for number, name in enumerate(built_dirs)}
        indexed_here = {job[0] for job in jobs}
        placing = _place([(built_dirs[name] / BUNDLE_DIR, places[name]) for name in built_dirs if name not in indexed_here])
        try:
            with ThreadPoolExecutor(max_workers=min(_jobs(), max(len(jobs), 1))) as pool:
                running = [pool.submit(_index, scratch, *job) for job in jobs]
                running += [pool.submit(_write_manifest, built_dirs[name], parts[name]) for name in unlisted]
                for done in running:
                    done.result()  # the first failure is raised, after the others have finished
        finally:
            placing()
        _place([(built_dirs[name] / BUNDLE_DIR, places[name]) for name in built_dirs if name in indexed_here])()
        total = sum(int((built / "pages").read_text()) for built in built_dirs.values())
    # Every stale page hash is a page of a kept bundle that is not counted (its new version is in
    # `fresh`, or it is gone).
    indexed = total - len(set(stale))
    if fresh:
        # A page whose indexed text did not change has the same hash in `fresh`: it is not stale.
        fresh_hashes = {path.name.removesuffix(".pf_fragment") for path in (target / PARTS_DIR / FRESH / "fragment").glob("*.pf_fragment")}
        stale = [page_hash for page_hash in stale if page_hash not in fresh_hashes]
    (target / PARTS_LIST).write_text(json.dumps({"parts": list(built_dirs)[1:], "stale": sorted(set(stale))}), encoding="utf-8")
    if cache:
        for old in cache.iterdir():  # keep the bundles of this build only
            if old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)
    return indexed, len(parts), reused, len(fresh)
