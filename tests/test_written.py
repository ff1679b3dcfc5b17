"""The build's own files (zwgk.build.keep.Written): left in place when their bytes are unchanged, and
linked from the cache, not written again, into a fresh site folder (a pull request's checkout)."""

from __future__ import annotations

import os

from zwgk.build.keep import Written


def test_a_fresh_folder_links_the_files_made_before_and_writes_only_the_changed_ones(tmp_path):
    cache = tmp_path / "cache"
    first = Written(cache, tmp_path / "site")
    first.write("codes/1.json", b"[1]")
    first.write("codes/2.json", b"[2]")
    first.store()
    assert (first.linked, first.skipped) == (0, 0)

    again = Written(cache, tmp_path / "site")  # the same folder: nothing written, nothing linked
    again.write("codes/1.json", b"[1]")
    again.write("codes/2.json", b"[2]")
    again.store()
    assert (again.linked, again.skipped) == (0, 2)

    fresh = Written(cache, tmp_path / "fresh")
    fresh.write("codes/1.json", b"[1]")
    fresh.write("codes/2.json", b"[2, 3]")
    fresh.store()
    assert fresh.linked == 1
    assert (tmp_path / "fresh/codes/1.json").read_bytes() == b"[1]"
    assert (tmp_path / "fresh/codes/2.json").read_bytes() == b"[2, 3]"
    assert os.stat(tmp_path / "fresh/codes/1.json").st_ino == os.stat(tmp_path / "site/codes/1.json").st_ino

    # A linked file is replaced, never written through: the other folder and the kept copy stay.
    fresh = Written(cache, tmp_path / "fresh")
    fresh.write("codes/1.json", b"[9]")
    fresh.store()
    assert (tmp_path / "site/codes/1.json").read_bytes() == b"[1]"
    assert (tmp_path / "fresh/codes/1.json").read_bytes() == b"[9]"
    # Only what the last build produced is kept: [2] and [1] went, [9] is there.
    assert len(os.listdir(cache / "written-files")) == 1


def test_a_kept_file_changed_in_place_is_not_linked_again(tmp_path):
    cache = tmp_path / "cache"
    first = Written(cache, tmp_path / "site")
    first.write("exports/a.csv", b"a,b\r\n")
    first.store()
    (tmp_path / "site/exports/a.csv").write_bytes(b"x,y\r\n")  # in place: the kept copy changes too
    fresh = Written(cache, tmp_path / "fresh")
    fresh.write("exports/a.csv", b"a,b\r\n")
    assert fresh.linked == 0 and (tmp_path / "fresh/exports/a.csv").read_bytes() == b"a,b\r\n"


def test_a_kept_file_trusted_by_its_size_and_mtime_is_read_back_once_either_changes(tmp_path):
    """A kept file is linked without reading it while its size and mtime are as recorded; a change in
    place of the same size (the mtime moves) makes the next build read it back and write the file."""
    cache = tmp_path / "cache"
    first = Written(cache, tmp_path / "site")
    first.write("codes/records/0.json", b"[1,2]")
    first.store()
    fresh = Written(cache, tmp_path / "fresh")
    fresh.write("codes/records/0.json", b"[1,2]")
    fresh.store()
    assert fresh.linked == 1
    site_file = tmp_path / "site/codes/records/0.json"
    before = os.stat(site_file)
    site_file.write_bytes(b"[3,4]")  # the same size, in place: the kept copy (the same inode) changes
    os.utime(site_file, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))  # past a coarse clock tick
    other = Written(cache, tmp_path / "other")
    other.write("codes/records/0.json", b"[1,2]")
    other.store()
    assert other.linked == 0
    assert (tmp_path / "other/codes/records/0.json").read_bytes() == b"[1,2]"
    assert (tmp_path / "site/codes/records/0.json").read_bytes() == b"[3,4]"
    # The written file is kept in its place: the next fresh folder links it.
    again = Written(cache, tmp_path / "again")
    again.write("codes/records/0.json", b"[1,2]")
    assert again.linked == 1 and (tmp_path / "again/codes/records/0.json").read_bytes() == b"[1,2]"


def test_a_file_written_twice_in_a_folder_the_build_made_is_not_written_through_its_link(tmp_path):
    """In a folder the build made, a file is written without unlinking first (nothing can be there
    yet), except the second time: the first write may have linked the kept copy."""
    cache = tmp_path / "cache"
    first = Written(cache, tmp_path / "site")
    first.write("codes/1.json", b"[1]")
    first.store()
    fresh = Written(cache, tmp_path / "fresh")
    fresh.write("codes/1.json", b"[1]")
    assert fresh.linked == 1
    fresh.write("codes/1.json", b"[9]")
    assert (tmp_path / "fresh/codes/1.json").read_bytes() == b"[9]"
    assert (tmp_path / "site/codes/1.json").read_bytes() == b"[1]"
