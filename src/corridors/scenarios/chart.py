"""One-glance chart of a scenario comparison (matplotlib, Agg; PNG or SVG by extension)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from corridors.scenarios.compare import Comparison

__all__ = ["plot_comparison"]


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
    colors = [
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
    ]
    fig = Figure(figsize=(13, 9), dpi=110)
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 2)
    tot = comparison.totals.set_index("scenario").loc[names]

    ax = axes[0, 0]
    metrics = [("system_time_teu_h", "system time"), ("system_cost_usd", "system cost")]
    x = np.arange(len(metrics))
    w = 0.8 / len(names)
    for k, n in enumerate(names):
        vals = [
            100 * (tot.at[n, m] / tot.at[names[0], m] - 1) if tot.at[names[0], m] else 0
            for m, _ in metrics
        ]
        ax.bar(x + k * w, vals, w, label=n, color=colors[k % len(colors)])
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x + w * (len(names) - 1) / 2, [lab for _, lab in metrics])
    ax.set_ylabel("% change against base")
    ax.set_title("System totals (assignment)")
    ax.legend(fontsize=8)

    ax = axes[0, 1]
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

    ax = axes[1, 0]
    cor = comparison.corridors.pivot_table(
        index="scenario", columns="corridor", values="demand", aggfunc="sum", fill_value=0.0
    ).loc[names]
    share = cor.div(cor.sum(axis=1), axis=0) * 100
    left = np.zeros(len(names))
    for k, c in enumerate(share.columns):
        ax.barh(names, share[c].to_numpy(), left=left, label=c, color=colors[k % len(colors)])
        left += share[c].to_numpy()
    ax.set_xlabel("% of demand (best route per OD pair)")
    ax.set_title("Demand by corridor")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3)
    ax.invert_yaxis()

    ax = axes[1, 1]
    best = comparison.routes[comparison.routes["rank"] <= 1]
    pairs = list(dict.fromkeys(zip(best["origin"], best["destination"], strict=True)))
    xp = np.arange(len(pairs))
    for k, n in enumerate(names):
        sub = best[best["scenario"] == n].set_index(["origin", "destination"])
        days = [float(sub.loc[p, "days"]) if p in sub.index else np.nan for p in pairs]
        ax.bar(xp + k * w, days, w, label=n, color=colors[k % len(colors)])
    ax.set_xticks(
        xp + w * (len(names) - 1) / 2, [f"{o}→{d}" for o, d in pairs], fontsize=8, rotation=15
    )
    ax.set_ylabel("door-to-door days (best option)")
    ax.set_title("Best route option per pair")
    fig.suptitle("Scenario comparison: " + " vs ".join(names), fontsize=12)
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out)
    return out
