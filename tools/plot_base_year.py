"""Picture of the base-year 2024 demand: volume per market and cargo class (containers at 10 t).

Run from the repository root (writes ``docs/img/base-2024-demand.png``)::

    PYTHONPATH=src python tools/plot_base_year.py
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from corridors.io.demand import bundled_demand_path, read_demand_table

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img" / "base-2024-demand.png"
T_PER_TEU = 10.0
COLOURS = {
    "container_std": "#4c72b0",
    "container_hv": "#8172b2",
    "grain": "#ccb974",
    "dry_bulk": "#8c8c8c",
    "liquid_bulk": "#c44e52",
}


def main() -> None:
    df = read_demand_table(bundled_demand_path(2024))
    df["mt"] = df["value"].where(~df["class"].str.startswith("container"), df["value"] * T_PER_TEU)
    df["mt"] /= 1e6
    pivot = df.pivot_table(index="market", columns="class", values="mt", aggfunc="sum").fillna(0)
    pivot = pivot.loc[pivot.sum(axis=1).sort_values().index]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 8), gridspec_kw={"width_ratios": [1, 1]})
    big = pivot.sum(axis=1) > 20
    for ax, part, title in (
        (ax1, pivot[~big], "Markets below 20 Mt/yr"),
        (ax2, pivot[big], "Markets above 20 Mt/yr"),
    ):
        left = pd.Series(0.0, index=part.index)
        for cls, colour in COLOURS.items():
            if cls in part:
                ax.barh(part.index, part[cls], left=left, color=colour, label=cls)
                left += part[cls]
        ax.set_title(title)
        ax.set_xlabel("Mt per year (containers at 10 t per TEU)")
        ax.grid(axis="x", alpha=0.3)
    ax2.legend(loc="lower right")
    fig.suptitle(
        "Base-year 2024 demand by OD market, all modes (data/demand/base-2024.csv; "
        "methods in DEMAND.md)"
    )
    fig.tight_layout()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT, dpi=110)
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
