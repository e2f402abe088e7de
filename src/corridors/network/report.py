"""Data-quality report: how many figures of each table are sourced and how many estimated."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from corridors.network import _schema as schema

if TYPE_CHECKING:
    from corridors.network._protocol import NetworkTables

__all__ = ["data_quality", "plot_data_quality"]

NO_COUNTRY = "-"
"""Country label of figures that belong to no country (classes, operations, global figures)."""


def data_quality(net: NetworkTables) -> pd.DataFrame:
    """Count sourced and estimated figures by table and country.

    A *figure* is one filled numeric cell of a figure group (``length_km`` with its
    ``length_source``...) or of a row with its own provenance (crossings, transfers, parameters,
    rates), plus each node's coordinates. It is *sourced* when its source is a bibliography id
    (or ``UNLOCODE`` for coordinates) and *estimated* when the source is ``estimate``.

    Parameters
    ----------
    net
        The network.

    Returns
    -------
    pandas.DataFrame
        Columns ``table, country, figures, sourced, estimated, share_sourced`` (share 0-1),
        one row per table and country (border links and crossings count under ``A-B``;
        class-, operation- and global figures under ``-``), sorted by table and country.

    Examples
    --------
    >>> from corridors.network import load_network
    >>> q = data_quality(load_network())
    >>> bool((q["sourced"] + q["estimated"] == q["figures"]).all())
    True
    """
    t = net.tables
    country = dict(zip(t["nodes"]["node_id"], t["nodes"]["country"], strict=True))
    rows: list[tuple[str, str, str]] = []  # (table, country, source)

    nodes = t["nodes"]
    for nid, src in zip(nodes["node_id"], nodes["coord_source"], strict=True):
        rows.append(("nodes", country[nid], "UNLOCODE" if src == "UNLOCODE" else src))
    rows += _groups(schema.NODES, nodes, list(nodes["country"]))

    links = t["links"]
    link_country = [
        _pair(country.get(a, "?"), country.get(b, "?"))
        for a, b in zip(links["from_node"], links["to_node"], strict=True)
    ]
    rows += _groups(schema.LINKS, links, link_country)
    by_link = dict(
        zip(links["link_id"], zip(links["from_node"], links["to_node"], strict=True), strict=True)
    )

    cross = t["crossings"]
    cc = []
    for lid, d in zip(cross["link_id"], cross["direction"], strict=True):
        a, b = by_link.get(lid, ("?", "?"))
        a, b = (b, a) if d == "reverse" else (a, b)
        cc.append(_pair(country.get(a, "?"), country.get(b, "?")))
    rows += _row_figures(schema.CROSSINGS, cross, cc)

    tr = t["transfers"]
    rows += _row_figures(schema.TRANSFERS, tr, [country.get(n, NO_COUNTRY) for n in tr["node_id"]])
    par = t["parameters"]
    pc = [s.split(":", 1)[1] if s.startswith("country:") else NO_COUNTRY for s in par["scope"]]
    rows += _row_figures(schema.PARAMETERS, par, pc)
    for spec in (schema.RATES, schema.PASSAGES):
        stem = spec.file.removesuffix(".csv")
        df = t.get(stem)
        if df is not None and len(df):
            if spec.numeric:
                rows += _row_figures(spec, df, [NO_COUNTRY] * len(df))
            else:
                rows += [(stem, NO_COUNTRY, str(s)) for s in df["source"]]

    df = pd.DataFrame(rows, columns=["table", "country", "source"])
    df["estimated"] = (df["source"] == "estimate").astype(int)
    df["sourced"] = 1 - df["estimated"]
    out = (
        df.groupby(["table", "country"], as_index=False)[["sourced", "estimated"]]
        .sum()
        .assign(figures=lambda d: d["sourced"] + d["estimated"])
    )
    out["share_sourced"] = out["sourced"] / out["figures"]
    order = [s.file.removesuffix(".csv") for s in schema.TABLES]
    out["_o"] = out["table"].map({k: i for i, k in enumerate(order)})
    out = out.sort_values(["_o", "country"]).drop(columns="_o").reset_index(drop=True)
    return out[["table", "country", "figures", "sourced", "estimated", "share_sourced"]]


def _pair(a: str, b: str) -> str:
    return a if a == b else f"{a}-{b}"


def _groups(
    spec: schema.TableSpec, df: pd.DataFrame, countries: list[str]
) -> list[tuple[str, str, str]]:
    out = []
    stem = spec.file.removesuffix(".csv")
    for group, cols in spec.groups.items():
        filled = df[list(cols)].notna().to_numpy().sum(axis=1)
        for n, c, src in zip(filled, countries, df[f"{group}_source"], strict=True):
            out += [(stem, c, str(src))] * int(n)
    return out


def _row_figures(
    spec: schema.TableSpec, df: pd.DataFrame, countries: list[str]
) -> list[tuple[str, str, str]]:
    stem = spec.file.removesuffix(".csv")
    cols = [c for c in spec.row_provenance if c in df.columns]
    filled = (
        df[cols].apply(pd.to_numeric, errors="coerce").notna().to_numpy().sum(axis=1)
        if cols
        else np.ones(len(df), dtype=int)
    )
    out = []
    for n, c, src in zip(filled, countries, df["source"], strict=True):
        out += [(stem, c, str(src))] * int(n)
    return out


def plot_data_quality(quality: pd.DataFrame, path: str | Path) -> Path:
    """Write a bar chart of sourced vs estimated figures per table (matplotlib, Agg).

    Parameters
    ----------
    quality
        From :func:`data_quality`.
    path
        Output file; ``.png``, ``.svg`` or ``.pdf``.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from corridors._deps import require

    require("matplotlib", extra="plots", purpose="Drawing the data-quality chart")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    by = quality.groupby("table", sort=False)[["sourced", "estimated"]].sum()
    fig = Figure(figsize=(8, 4.5), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    y = np.arange(len(by))
    ax.barh(y, by["sourced"], color="#54a24b", label="sourced")
    ax.barh(y, by["estimated"], left=by["sourced"], color="#e45756", label="estimate")
    for k, (s, e) in enumerate(zip(by["sourced"], by["estimated"], strict=True)):
        ax.text(s + e, k, f"  {100 * s / max(s + e, 1):.0f} % sourced", va="center", fontsize=8)
    ax.set_xlim(0, 1.25 * float((by["sourced"] + by["estimated"]).max()))
    ax.set_yticks(y, list(by.index))
    ax.invert_yaxis()
    ax.set_xlabel("figures")
    ax.set_title("Figures sourced vs estimated, by table")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out)
    return out
