"""Charts of an appraisal (matplotlib, Agg backend): tornado and yearly cash flows."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from corridors.appraisal.appraise import Appraisal

__all__ = ["cashflows", "tornado"]


def _figure(size: tuple[float, float]) -> Any:
    """A figure on the Agg canvas (no pyplot state: safe in API worker threads)."""
    from corridors._deps import require

    require("matplotlib", extra="plots", purpose="Drawing the appraisal charts")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    return fig


def tornado(a: Appraisal, path: str | Path) -> Path:
    """Horizontal bars: NPV at the low and high value of each factor around the central NPV."""
    s = a.sensitivity
    central = float(s.loc[s["factor"] == "central", "npv_usd_m"].iloc[0])
    rows = []
    for factor, g in s[s["factor"] != "central"].groupby("factor", sort=False):
        lo = g[g["case"] == "low"]
        hi = g[g["case"] == "high"]
        if lo.empty or hi.empty:
            continue
        rows.append(
            (
                str(factor),
                float(lo["npv_usd_m"].iloc[0]),
                float(hi["npv_usd_m"].iloc[0]),
                float(lo["value"].iloc[0]),
                float(hi["value"].iloc[0]),
            )
        )
    rows.sort(key=lambda r: abs(r[2] - r[1]))
    fig = _figure((8, 0.6 * len(rows) + 1.8))
    ax = fig.subplots()
    for i, (name, lo, hi, vlo, vhi) in enumerate(rows):
        ax.barh(i, lo - central, left=central, color="#c0504d", height=0.6)
        ax.barh(i, hi - central, left=central, color="#4f81bd", height=0.6)
        fmt = "{:.0%}" if name == "discount rate" else "×{:g}"
        ax.text(
            lo,
            i,
            f" {fmt.format(vlo)} ",
            va="center",
            ha="right" if lo < central else "left",
            fontsize=8,
        )
        ax.text(
            hi,
            i,
            f" {fmt.format(vhi)} ",
            va="center",
            ha="left" if hi >= central else "right",
            fontsize=8,
        )
    ax.margins(x=0.12)
    ax.axvline(central, color="k", lw=1)
    ax.axvline(0, color="grey", lw=0.8, ls="--")
    ax.set_yticks(range(len(rows)), [r[0] for r in rows])
    ax.set_xlabel(f"NPV, USD million (price year {a.project.price_year})")
    ax.set_title(
        f"{a.project.name}: NPV sensitivity (central {central:,.0f} USD m at "
        f"{a.summary['discount_rate']:.0%}); red = low value, blue = high value",
        fontsize=9,
    )
    fig.tight_layout()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    return out


def cashflows(a: Appraisal, path: str | Path) -> Path:
    """Stacked bars of yearly benefits (up) and costs (down), line of cumulative discounted net."""
    c = a.cashflows
    y = c["year"].to_numpy()
    fig = _figure((9, 4.5))
    ax = fig.subplots()
    bottom = np.zeros(len(y))
    for col, label, colour in (
        ("shipper_surplus", "shipper surplus", "#4f81bd"),
        ("reliability", "reliability", "#9bbb59"),
        ("producer_surplus", "operator margin", "#8064a2"),
        ("co2", "CO2 saved", "#4bacc6"),
        ("residual", "residual value", "#c4bd97"),
    ):
        v = c[col].to_numpy()
        pos = np.where(v > 0, v, 0)
        ax.bar(y, pos, bottom=bottom, color=colour, label=label)
        bottom = bottom + pos
    neg_bottom = np.zeros(len(y))
    for col, label, colour in (("capital", "capital", "#c0504d"), ("operating", "O&M", "#f79646")):
        v = -c[col].to_numpy()
        ax.bar(y, v, bottom=neg_bottom, color=colour, label=label)
        neg_bottom = neg_bottom + v
    for col in ("shipper_surplus", "reliability", "producer_surplus", "co2"):
        v = c[col].to_numpy()
        neg = np.where(v < 0, v, 0)
        if neg.any():
            ax.bar(
                y, neg, bottom=neg_bottom, color="#7f7f7f", label=f"{col.replace('_', ' ')} (loss)"
            )
            neg_bottom = neg_bottom + neg
    ax2 = ax.twinx()
    ax2.plot(
        y,
        np.cumsum(c["net"] * c["discount_factor"]),
        color="k",
        lw=1.5,
        label="cumulative discounted net",
    )
    ax2.axhline(0, color="grey", lw=0.8, ls="--")
    ax2.set_ylabel("cumulative discounted net, USD m")
    ax.set_ylabel("USD million per year")
    ax.set_title(
        f"{a.project.name}: NPV {a.summary['npv_usd_m']:,.0f} USD m, BCR {a.summary['bcr']:.2f}",
        fontsize=10,
    )
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=7, loc="lower right")
    fig.tight_layout()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    return out
