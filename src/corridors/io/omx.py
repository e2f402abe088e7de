"""Skims (zone-to-zone time, cost and distance of an assignment) to and from OpenMatrix files.

Needs the ``omx`` extra (``pip install 'corridors[omx]'``), imported only when called.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from corridors.errors import DataFileError, explain

if TYPE_CHECKING:
    from corridors.assignment.results import AssignmentResult
    from corridors.assignment.sue import ChoiceResult

__all__ = ["read_skims_omx", "write_skims_omx"]


def _omx() -> Any:
    from corridors._deps import require

    return require("openmatrix", extra="omx", purpose="Writing skims to OpenMatrix")


def write_skims_omx(
    result: AssignmentResult | ChoiceResult,
    path: str | Path,
    *,
    classes: Sequence[str] | None = None,
    mapping: str = "zones",
) -> Path:
    """Write the skims of each demand class to an OMX file.

    One core per class and measure, named ``<class>_time``, ``<class>_cost`` and
    ``<class>_distance`` (units of the graph: for the corridor network hours, USD per demand
    unit and km). Unreachable pairs are ``nan``. For a choice equilibrium
    (:class:`~corridors.assignment.sue.ChoiceResult`) the skims are its flow-weighted means
    over the alternatives chosen, ``nan`` where the class has no demand. Zone labels are
    stored as the lookup ``mapping`` (integers as an OMX mapping, other labels as a
    byte-string array, as :func:`corridors.io.demand.write_demand_omx` does).

    Parameters
    ----------
    result
        An assignment result or a choice equilibrium.
    path
        The ``.omx`` file (replaced).
    classes
        Classes to write; default all.
    mapping
        Name of the zone lookup.

    Returns
    -------
    pathlib.Path
    """
    omx = _omx()
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    names = list(result.class_names) if classes is None else list(classes)
    zones = [str(z) for z in result.graph.node_ids[: result.graph.n_zones]]
    with omx.open_file(str(p), "w") as f:
        for name in names:
            for measure, m in result.skims(name).items():
                f[f"{name}_{measure}"] = np.asarray(m, dtype=np.float64)
        if all(z.isdigit() for z in zones):
            f.create_mapping(mapping, [int(z) for z in zones])
        else:
            if "lookup" not in f.root:
                f.create_group(f.root, "lookup")
            f.create_array(f.root.lookup, mapping, obj=np.array(zones, dtype="S"))
    return p


def read_skims_omx(
    path: str | Path, *, mapping: str = "zones"
) -> tuple[list[str], dict[str, npt.NDArray[np.float64]]]:
    """Zone labels and every core of an OMX file (e.g. one written by
    :func:`write_skims_omx`).

    Raises
    ------
    corridors.errors.DataFileError
        When the file is missing.
    """
    omx = _omx()
    p = Path(path)
    if not p.is_file():
        raise DataFileError(explain(f"{p}: no such file."))
    with omx.open_file(str(p), "r") as f:
        cores = {str(c): np.array(f[c]) for c in f.list_matrices()}
        if mapping in f.list_mappings():
            mp = f.mapping(mapping)
            zones = [""] * len(mp)
            for key, i in mp.items():
                zones[int(i)] = str(key.decode() if isinstance(key, bytes) else key)
        else:
            n = int(f.shape()[0])
            zones = [str(i) for i in range(1, n + 1)]
    return zones, cores
