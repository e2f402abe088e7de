"""Safe output files: '-' is stdout, non-regular targets written in place, umask respected."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from corridors.io._output import write_output
from corridors.io.geojson import write_geojson


def test_dash_is_stdout(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_geojson({"type": "FeatureCollection", "features": []}, "-")
    assert json.loads(capsys.readouterr().out)["type"] == "FeatureCollection"
    assert not (tmp_path / "-").exists()


def test_file_gets_umask_permissions_not_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        p = write_output(tmp_path / "a.txt", lambda fh: fh.write("x"))
    finally:
        os.umask(old)
    assert p is not None and stat.S_IMODE(p.stat().st_mode) == 0o644
    assert [f.name for f in tmp_path.iterdir()] == ["a.txt"]  # no temporary left behind


def test_symlink_target_is_written_through_not_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_output(link, lambda fh: fh.write("new"))
    assert link.is_symlink() and real.read_text() == "new"


def test_fifo_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    r = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_output(fifo, lambda fh: fh.write("through the pipe"))
        assert os.read(r, 100) == b"through the pipe"
    finally:
        os.close(r)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_missing_folder_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_output(tmp_path / "no" / "such.txt", lambda fh: fh.write("x"))
    assert not (tmp_path / "no").exists()
    with pytest.raises(IsADirectoryError):
        write_output(tmp_path, lambda fh: fh.write("x"))


def test_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    p = tmp_path / "keep.txt"
    p.write_text("old")

    def boom(fh: object) -> None:
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_output(p, boom)
    assert p.read_text() == "old" and [f.name for f in tmp_path.iterdir()] == ["keep.txt"]
