"""Diagnostic: assign the 2024 demand on the bundled network (uncalibrated, all modes open) and
print each count observation beside the modelled flow, and the elements over capacity.

Not a calibration (no choice model, no fitted constants): it shows what the data alone give, so
the calibration's starting point is known. Run from the repository root::

    PYTHONPATH=src python tools/check_base_year.py
"""

from __future__ import annotations

import warnings

import pandas as pd

from corridors.assignment._from_network import assign_network, corridor_graph
from corridors.io.demand import load_demand
from corridors.io.observations import load_observations
from corridors.network import load_network

T_PER_TEU = 10.0
TEU_PER_TRAIN = 86.0
CLASS_GROUPS = {
    "all": ["container_std", "container_hv", "grain", "dry_bulk", "liquid_bulk"],
    "container": ["container_std", "container_hv"],
    "bulk": ["grain", "dry_bulk", "liquid_bulk"],
}


def main() -> None:
    warnings.simplefilter("ignore")
    net = load_network()
    od = load_demand(zones=list(net.nodes.index))
    cg = corridor_graph(net, excluded_modes={"container": (), "bulk": ("air",)})
    res = assign_network(net, od, corridor=cg)
    lt = res.link_table()
    teu = lt["flow_container_std"] + lt["flow_container_hv"]
    lt["t"] = teu * T_PER_TEU + lt["flow_dry_bulk"] + lt["flow_liquid_bulk"] + lt["flow_grain"]
    lt["teu"] = teu
    print(f"relative gap {res.relative_gap:.1e} after {res.iterations} iterations")
    rows = []
    for r in load_observations().counts.to_dict("records"):
        dirs = {"both": ["f", "r"], "forward": ["f"], "reverse": ["r"]}[r["direction"]]
        ids = [f"{e}:{d}" for e in r["elements"].split(";") for d in dirs]
        sel = lt[lt["link_id"].isin(ids)]
        cls = CLASS_GROUPS.get(r["class"], [r["class"]])
        teu = sum(sel[f"flow_{c}"].sum() for c in cls if c.startswith("container"))
        bulk = sum(sel[f"flow_{c}"].sum() for c in cls if not c.startswith("container"))
        m = {"t/year": teu * T_PER_TEU + bulk, "TEU/year": teu}.get(r["unit"], teu / TEU_PER_TRAIN)
        v = r["value"]
        rows.append((r["obs_id"], r["split"], r["unit"], v, round(m), round(m / v, 2)))
    cols = ["observation", "split", "unit", "observed", "modelled", "ratio"]
    with pd.option_context("display.width", 200):
        print(pd.DataFrame(rows, columns=cols).to_string(index=False))
        over = lt[lt["volume_capacity"] > 1].sort_values("volume_capacity", ascending=False)
        print(f"\n{len(over)} element(s) with v/c > 1:")
        print(over[["link_id", "volume_capacity", "delay"]].round(2).to_string(index=False))


if __name__ == "__main__":
    main()
