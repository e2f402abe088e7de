"""One-glance chart of a scenario comparison (matplotlib, Agg; PNG or SVG by extension)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridors.scenarios.compare import Comparison

__all__ = ["plot_comparison"]

_COLORS = (
    "#4c78a8",
    "#f58518",
    "#54a24b",
    "#e45756",
    "#72b7b2",
    "#b279a2",
    "#ff9da6",
    "#9d755d",
    "#bab0ac",
    "#eeca3b",
)
"""Bar colours, one per scenario (or corridor), repeating after ten."""


def plot_comparison(comparison: Comparison, path: str | Path) -> Path:
    """Write four panels: system totals vs base, CN–KZ utilization, corridor shares, routes.

    Parameters
    ----------
    comparison
        From :func:`corridors.scenarios.compare.compare_scenarios`.
    path
        Output file; ``.png``, ``.svg`` or ``.pdf``.
    """
    from corridors._deps import require

    require("matplotlib", extra="plots", purpose="Drawing a comparison chart")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    names = list(comparison.names)
    fig = Figure(figsize=(13, 9), dpi=110)
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 2)
    tot = comparison.totals.set_index("scenario").loc[names]
    _totals_panel(axes[0, 0], tot, names)
    _utilization_panel(axes[0, 1], tot, names)
    _corridor_panel(axes[1, 0], comparison.corridors, names)
    _routes_panel(axes[1, 1], comparison.routes, names)
    fig.suptitle("Scenario comparison: " + " vs ".join(names), fontsize=12)
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out)
    return out


def _color(k: int) -> str:
    return _COLORS[k % len(_COLORS)]


def _totals_panel(ax: Any, tot: pd.DataFrame, names: list[str]) -> None:
    """System time and cost of each scenario, % change against the base."""
    metrics = [("system_time_teu_h", "system time"), ("system_cost_usd", "system cost")]
    x = np.arange(len(metrics))
    w = 0.8 / len(names)
    for k, n in enumerate(names):
        vals = [
            100 * (tot.at[n, m] / tot.at[names[0], m] - 1) if tot.at[names[0], m] else 0
            for m, _ in metrics
        ]
        ax.bar(x + k * w, vals, w, label=n, color=_color(k))
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x + w * (len(names) - 1) / 2, [lab for _, lab in metrics])
    ax.set_ylabel("% change against base")
    ax.set_title("System totals (assignment)")
    ax.legend(fontsize=8)


def _utilization_panel(ax: Any, tot: pd.DataFrame, names: list[str]) -> None:
    """China–Kazakhstan crossing utilization and the busiest link's v/c, per scenario."""
    util = 100 * tot["cn_kz_utilization"].to_numpy(dtype=float)
    peak = 100 * tot["max_volume_capacity"].to_numpy(dtype=float)
    xi = np.arange(len(names))
    ax.bar(
        xi - 0.2, util, 0.4, label="China–Kazakhstan crossings (flow / capacity)", color="#4c78a8"
    )
    ax.bar(xi + 0.2, peak, 0.4, label="busiest link (v/c)", color="#e45756")
    ax.axhline(100, color="black", lw=0.8, ls="--")
    ax.set_xticks(xi, names, rotation=15, fontsize=8)
    ax.set_ylabel("utilization %")
    ax.set_title("Utilization")
    ax.legend(fontsize=8)


def _corridor_panel(ax: Any, corridors: pd.DataFrame, names: list[str]) -> None:
    """Each scenario's demand split by corridor (stacked shares)."""
    cor = corridors.pivot_table(
        index="scenario", columns="corridor", values="demand", aggfunc="sum", fill_value=0.0
    ).loc[names]
    share = cor.div(cor.sum(axis=1), axis=0) * 100
    left = np.zeros(len(names))
    for k, c in enumerate(share.columns):
        ax.barh(names, share[c].to_numpy(), left=left, label=c, color=_color(k))
        left += share[c].to_numpy()
    ax.set_xlabel("% of demand (best route per OD pair)")
    ax.set_title("Demand by corridor")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3)
    ax.invert_yaxis()


def _routes_panel(ax: Any, routes: pd.DataFrame, names: list[str]) -> None:
    """Door-to-door days of the best option per OD pair, per scenario."""
    w = 0.8 / len(names)
    best = routes[routes["rank"] <= 1]
    pairs = list(dict.fromkeys(zip(best["origin"], best["destination"], strict=True)))
    xp = np.arange(len(pairs))
    for k, n in enumerate(names):
        sub = best[best["scenario"] == n].set_index(["origin", "destination"])
        days = [float(sub.loc[p, "days"]) if p in sub.index else np.nan for p in pairs]
        ax.bar(xp + k * w, days, w, label=n, color=_color(k))
    ax.set_xticks(
        xp + w * (len(names) - 1) / 2, [f"{o}→{d}" for o, d in pairs], fontsize=8, rotation=15
    )
    ax.set_ylabel("door-to-door days (best option)")
    ax.set_title("Best route option per pair")
