"""Select-link on the corridor network: which origin–destination pairs use a link or crossing.

The kernel is the result's ``select_link``: :meth:`AssignmentResult.select_link` (route flows of
a gradient-projection assignment) or :meth:`ChoiceResult.select_link` (path flows of the choice
equilibrium, every market in its class's unit); this module speaks the network's language:
physical link ids from ``links.csv`` (both directions at once), node names, TEU and tonnes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridors.errors import UnknownPlaceError, explain
from corridors.network.modes import Mode

if TYPE_CHECKING:
    from corridors.assignment.results import AssignmentResult
    from corridors.assignment.sue import ChoiceResult

    Result = AssignmentResult | ChoiceResult
    from corridors.network.model import Network

__all__ = ["CLASS_UNIT", "select_link_od", "select_link_tables"]

CLASS_UNIT = {"containers": "TEU", "grain": "t"}
"""Demand unit of each bundled demand class (flows are per year)."""

COLUMNS = [
    "class",
    "unit",
    "origin",
    "origin_name",
    "destination",
    "destination_name",
    "flow_per_year",
    "share",
]


def _labels(result: Result, link: str) -> list[str]:
    """Directed graph labels of a physical link id (``rail-x`` → ``rail-x:f``, ``rail-x:r``)."""
    ids = result.graph.link_ids
    if link in set(ids.tolist()):
        return [link]
    wanted = [f"{link}:f", f"{link}:r"]
    return [w for w in wanted if w in set(ids.tolist())]


def select_link_od(result: Result, link: str, *, net: Network) -> pd.DataFrame:
    """Origin–destination pairs whose routes use ``link``, largest flow first.

    Parameters
    ----------
    result
        A gradient-projection assignment of the corridor network (e.g.
        :func:`corridors.assignment.assign_network`) or a choice equilibrium
        (:func:`corridors.assignment.sue.equilibrium`).
    link
        A ``link_id`` of ``links.csv`` (both directions are counted) or a directed id
        (``<link_id>:f`` or ``:r``).
    net
        The network assigned (for place names).

    Returns
    -------
    pandas.DataFrame
        ``class``, ``unit`` (the class's demand unit: TEU or t), ``origin``, ``origin_name``,
        ``destination``, ``destination_name``, ``flow_per_year`` (demand units per year
        through the link) and ``share`` (of that pair's demand, 0–1). Empty when nothing
        uses the link.

    Raises
    ------
    corridors.errors.UnknownPlaceError
        When ``link`` is not a link of the network (with the closest ids).
    corridors.errors.InvalidSpecError
        When the result keeps no route flows (algorithms other than ``gp``).
    """
    labels = _labels(result, link)
    if not labels:
        import difflib

        known = sorted(net.tables["links"]["link_id"].astype(str))
        close = difflib.get_close_matches(link, known, n=3, cutoff=0.5)
        raise UnknownPlaceError(
            explain(
                f"Unknown link {link!r}: no link of network {net.name!r} has that id.",
                fix=(
                    f"Did you mean {', '.join(close)}?"
                    if close
                    else "List links with 'corridors network export --format csv'."
                ),
            )
        )
    df = result.select_link(labels)
    if df.empty:
        return pd.DataFrame(columns=COLUMNS)
    if "unit" not in df.columns:
        df = df.assign(unit=df["class"].map(CLASS_UNIT).fillna("unit"))
    keys = ["class", "unit", "origin", "destination"]
    df = df.groupby(keys, as_index=False)[["flow", "share"]].sum()
    names = net.nodes["name"]
    out = pd.DataFrame(
        {
            "class": df["class"],
            "unit": df["unit"],
            "origin": df["origin"],
            "origin_name": df["origin"].map(names),
            "destination": df["destination"],
            "destination_name": df["destination"].map(names),
            "flow_per_year": df["flow"],
            "share": np.clip(df["share"], 0.0, 1.0),
        }
    )
    return out.sort_values("flow_per_year", ascending=False).reset_index(drop=True)


def select_link_tables(
    result: Result, *, net: Network, link_types: tuple[str, ...] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Select-link rows of every physical link that carries flow, keyed by ``link_id``.

    Parameters
    ----------
    result, net
        As for :func:`select_link_od`.
    link_types
        Keep these ``link_type`` values of the link table (default: every physical mode and
        border crossings).

    Returns
    -------
    dict
        ``link_id`` (undirected, as in ``links.csv``) → records of :func:`select_link_od`.
    """
    types = link_types or (*(m.value for m in Mode), "border")
    lt = result.link_table()
    flow = lt["flow_pcu" if "flow_pcu" in lt.columns else "flow_teu_eq_per_yr"]
    used = lt[(flow > 0) & lt["link_type"].isin(types)]
    ids = sorted({str(i).rsplit(":", 1)[0] for i in used["link_id"]})
    return {i: select_link_od(result, i, net=net).to_dict("records") for i in ids}
