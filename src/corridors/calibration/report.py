"""Pictures and tables of a calibration: the scatter plot and the status against the issue.

:func:`plot_calibration` draws observed vs modelled (counts, log-log) and the times and
waits against their published ranges; :func:`done_when` checks the base year against the
issue's acceptance criteria (a modelled transit time is the mean time of the shipments that
choose the corridor, :func:`corridors.assignment.sue.expected_corridor_times`). The docs page
is written by :mod:`corridors.calibration.page`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridors.calibration.fit import CalibrationResult

__all__ = ["done_when", "grain_for_iran", "plot_calibration"]

ORDER_OF_MAGNITUDE = 3.0
"""A count has "its observed order of magnitude" when modelled/observed is within 1/3 to 3."""

WAIT_RANGE_H = (36.0, 96.0)
"""The issue's observed waits at the China–Kazakhstan crossings: 1.5–4 days."""

SOUTHERN_COUNTS = {
    "Turkmenbashi": ("count-turkmenbashi-teu-2023",),
    "Kazakhstan–Turkmenistan–Iran railway": (
        "count-bolashak-2024",
        "count-bolashak-north-2022",
        "count-sarakhs-2021",
    ),
    "Caspian ports": (
        "count-aktau-dry-2024",
        "count-aktau-teu-2024",
        "count-kuryk-2024",
        "count-baku-teu-2024",
        "count-titr-2024",
    ),
}
"""The issue's "observed orders of magnitude" check: which counts stand for which element."""

TRANSIT_TIMES = {
    "Xi'an→Duisburg (Northern)": "time-xian-duisburg",
    "Xi'an→Baku (Middle)": "time-xian-baku",
    "Xi'an→Istanbul (Middle)": "time-xian-istanbul",
    "Kazakhstan→Turkey (Southern)": "time-astana-istanbul-south",
    "China→Iran (Southern)": "time-yiwu-tehran",
}
"""The issue's named transit times and their observation ids."""


def _scatter_counts(ax: Any, t: pd.DataFrame) -> None:
    c = t[t["kind"] == "count"]
    floor = float(c["observed"].min()) / 10 if len(c) else 1.0
    styles = (("fit", "o", "tab:blue"), ("holdout", "s", "tab:orange"))
    for split, mk, col in styles:
        s = c[c["split"] == split]
        shown = s["modelled"].clip(lower=floor)
        new = s.get("added", pd.Series("", index=s.index)).fillna("").astype(str) != ""
        ax.scatter(s["observed"][~new], shown[~new], marker=mk, color=col, label=split, zorder=3)
        if new.any():
            ax.scatter(
                s["observed"][new], shown[new], marker=mk, facecolors="none", edgecolors=col,
                s=70, zorder=3, label=f"{split}, added {', '.join(sorted(set(s['added'][new])))}",
            )  # fmt: skip
        for r, y in zip(s.itertuples(index=False), shown, strict=True):
            ax.annotate(str(r.obs_id), (r.observed, y), fontsize=6, xytext=(3, 3),
                        textcoords="offset points")  # fmt: skip
    if len(c):
        xs = np.array([floor / 2, float(max(c["observed"].max(), c["modelled"].max())) * 2])
        ax.plot(xs, xs, "k-", lw=0.8, label="1:1")
        ax.fill_between(xs, xs * 0.75, xs * 1.25, color="0.85", label="±25 %")
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel("observed volume per year (unit of each count)")
    ax.set_ylabel("modelled volume per year (below the floor: drawn at it)")
    ax.set_title("Counts: observed vs modelled")
    ax.legend(fontsize=7)


def _ranges(ax: Any, t: pd.DataFrame) -> None:
    tt = t[t["kind"] != "count"].reset_index(drop=True)
    for i, r in enumerate(tt.itertuples(index=False)):
        col = "tab:blue" if r.split == "fit" else "tab:orange"
        ax.plot([r.target_low_h / 24, r.target_high_h / 24], [i, i], color="0.6", lw=5,
                marker="|", ms=12)  # fmt: skip
        ax.plot([r.modelled / 24], [i], marker="o" if r.split == "fit" else "s", color=col)
    ax.set_yticks(range(len(tt)))
    ax.set_yticklabels([str(x)[:40] for x in tt["label"]], fontsize=7)
    ax.set_xscale("log")
    ax.set_xlabel(
        "days (grey: published range; blue fit, orange holdout: equilibrium; a time is the "
        "mean of the corridor's shipments)",
        fontsize=8,
    )
    ax.set_title("Transit times and waits")


def plot_calibration(cal: CalibrationResult, path: str | Path) -> Path:
    """Observed-vs-modelled scatter (counts, log-log) and times vs published ranges (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 6))
    _scatter_counts(ax1, cal.table)
    _ranges(ax2, cal.table)
    fig.tight_layout()
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(p, dpi=110)
    plt.close(fig)
    return p


def grain_for_iran(cal: CalibrationResult) -> pd.DataFrame:
    """Grain bound for Iran at the equilibrium: tonnes per corridor and via a Caspian ferry.

    Returns
    -------
    pandas.DataFrame
        One row per alternative with grain flow to Iranian places: ``alternative``,
        ``t_per_yr``, ``share`` and ``via_caspian_t_per_yr`` (routes using a Caspian ferry).
    """
    res = cal.result
    pr = res.problem
    net = pr.net
    iran = set(net.nodes.index[net.nodes["country"] == "IR"])
    names = np.asarray(pr.class_names)
    zones = np.asarray(pr.corridor.zones)
    m = pr.path_mkt
    sel = (names[pr.mkt_cls[m]] == "grain") & np.isin(zones[pr.mkt_d[m]], list(iran))
    ids = np.asarray(pr.corridor.graph.link_ids).astype(str)
    lcls = net.links["link_class"].reindex(ids).fillna("").to_numpy(str)
    caspian = (lcls == "ferry_caspian").astype(float)
    uses = np.asarray(pr.incidence @ caspian) > 0
    from corridors.assignment.choice import ALTERNATIVES

    alt = np.asarray(ALTERNATIVES)[pr.path_alt]
    df = pd.DataFrame(
        {
            "alternative": alt[sel],
            "t": res.path_flow[sel],
            "caspian": res.path_flow[sel] * uses[sel],
        }
    )
    g = df.groupby("alternative").sum()
    g = g[g["t"] > 0]
    out = pd.DataFrame(
        {
            "t_per_yr": g["t"],
            "share": g["t"] / max(float(g["t"].sum()), 1e-12),
            "via_caspian_t_per_yr": g["caspian"],
        }
    )
    return out.sort_values("t_per_yr", ascending=False).reset_index()


def _row(t: pd.DataFrame, oid: str) -> pd.Series | None:
    hit = t[t["obs_id"] == oid]
    return None if hit.empty else hit.iloc[0]


def done_when(cal: CalibrationResult) -> list[tuple[str, str, bool | None]]:
    """The issue's base-year acceptance criteria: ``(criterion, what the model gives, met)``.

    ``met`` is ``None`` where the criterion cannot be checked (no observation).
    """
    t = cal.table
    out: list[tuple[str, str, bool | None]] = []
    for split in ("fit", "holdout"):
        c = t[(t["kind"] == "count") & (t["split"] == split)]
        share = float(c["within"].mean()) if len(c) else float("nan")
        out.append(
            (
                f"counts within GEH 10 or ±25 %, {split}",
                f"{int(c['within'].sum())}/{len(c)} ({share:.0%})",
                share >= 0.85,
            )
        )
    oc = cal.over_capacity
    listed = ", ".join(f"{r.link_id} {r.volume_capacity:.2f}" for r in oc.itertuples()) or "none"
    out.append(("no v/c > 1 where no congestion is observed", listed, oc.empty))
    for oid in ("wait-dostyk-west", "wait-altynkol-west"):
        r = _row(t, oid)
        if r is not None:
            ok = WAIT_RANGE_H[0] <= r["modelled"] <= WAIT_RANGE_H[1]
            out.append((f"{oid}: wait within 1.5–4 days", f"{r['modelled'] / 24:.1f} d", bool(ok)))
    for name, oid in TRANSIT_TIMES.items():
        r = _row(t, oid)
        if r is None:
            out.append((name, "no observation", None))
            continue
        pub = f"published {r['low_h'] / 24:.0f}–{r['high_h'] / 24:.0f} d"
        how = f"{r['modelled'] / 24:.1f} d, corridor mean ({pub})"
        out.append((f"transit time {name}", how, bool(r["within"])))
    for element, ids in SOUTHERN_COUNTS.items():
        for oid in ids:
            r = _row(t, oid)
            if r is not None:
                ok = 1 / ORDER_OF_MAGNITUDE <= r["ratio"] <= ORDER_OF_MAGNITUDE
                out.append(
                    (f"{element}: {oid} order of magnitude", f"ratio {r['ratio']:.2f}", bool(ok))
                )
    g = grain_for_iran(cal)
    if len(g):
        total = float(g["t_per_yr"].sum())
        is_south = g["alternative"] == "rail_southern"
        south = float(g.loc[is_south, "t_per_yr"].sum())
        casp = float(g.loc[~is_south, "via_caspian_t_per_yr"].sum())
        how = (
            f"Southern {south / total:.0%}, other corridors via a Caspian ferry "
            f"{casp / total:.0%} of {total:,.0f} t"
        )
        ok = (south + casp) / total >= 0.5
        out.append(("grain for Iran by the Southern corridor or the Caspian", how, ok))
    return out
