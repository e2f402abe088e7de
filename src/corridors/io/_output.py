"""Writing output files safely: ``-`` is stdout, devices are written in place, files atomically.

* ``-`` writes to standard output.
* An existing target that is not a regular file (``/dev/stdout``, a FIFO, a symlink) is opened
  and written in place: a temporary file is never renamed over it.
* A regular file is written to a temporary file beside it and renamed over the target, so a
  crash never leaves half a file; the result gets the usual permissions (0666 minus the umask,
  0644 typically), not the 0600 of a temporary file.
* Nothing else is created: the target's folder must exist.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["STDOUT", "write_output", "write_tables"]

STDOUT = "-"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_output(
    path: str | Path, write: Callable[[IO[Any]], None], *, binary: bool = False
) -> Path | None:
    """Write an output file with ``write(fh)``; return its path (``None`` for stdout).

    Parameters
    ----------
    path
        Target file, or ``"-"`` for standard output.
    write
        Called once with an open text (or binary) file handle.
    binary
        Open in binary mode.

    Raises
    ------
    FileNotFoundError
        When the target's folder does not exist (it is not created).
    IsADirectoryError
        When the target is a folder.
    """
    if str(path) == STDOUT:
        if binary:
            write(sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            write(sys.stdout)
            sys.stdout.flush()
        return None
    target = Path(path)
    mode = "wb" if binary else "w"
    kw: dict[str, Any] = {} if binary else {"encoding": "utf-8"}
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder", str(target))
    if st is not None and not stat.S_ISREG(st.st_mode):  # device, FIFO, symlink: in place
        with open(target, mode, **kw) as fh:  # noqa: PTH123 - a device, not a path object's file
            write(fh)
        return target
    folder = target.parent
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, "folder does not exist", str(folder))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, mode, **kw) as fh:
            write(fh)
        Path(tmp).replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise
    return target


def write_tables(
    tables: Mapping[str, pd.DataFrame], folder: Path, formats: Collection[str]
) -> list[Path]:
    """Write each table as ``<name>.parquet`` and/or ``<name>.csv`` in ``folder`` (existing).

    Formats other than ``"parquet"`` and ``"csv"`` in ``formats`` are left to the caller.
    Returns the files written, table by table (Parquet before CSV).

    Raises
    ------
    corridors.errors.MissingDependencyError
        For Parquet without the ``parquet`` extra (before anything is written).
    """
    if "parquet" in formats:
        from corridors._deps import require

        require("pyarrow", extra="parquet", purpose="Writing Parquet results")
    written: list[Path] = []
    for name, df in tables.items():
        for fmt in ("parquet", "csv"):
            if fmt in formats:
                p = folder / f"{name}.{fmt}"
                if fmt == "csv":
                    df.to_csv(p, index=False)
                else:
                    df.to_parquet(p, index=False)
                written.append(p)
    return written
