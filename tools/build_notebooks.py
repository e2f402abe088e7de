"""Write the example notebooks in examples/ (without outputs) from the cells below.

Run ``python tools/build_notebooks.py`` after editing; the test suite executes every notebook
(tests/docs/test_notebooks.py), so each must finish in seconds on the bundled network.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(__file__).resolve().parents[1] / "examples"

NOTEBOOKS: dict[str, list[tuple[str, str]]] = {
    "01-forwarder-route-choice.ipynb": [
        (
            "md",
            """# A forwarder's route choice: Xi'an to Duisburg

A freight forwarder has 40 TEU to move from Xi'an to Duisburg, departing 1 December 2026, and
wants the options: how many days, what it costs, how much CO2, and how reliable each is. The
client's compliance team also asks what changes if Russia and Belarus are avoided.""",
        ),
        (
            "code",
            """import datetime as dt

import pandas as pd

from corridors.network import load_network
from corridors.reliability import simulate_itinerary
from corridors.routing import pareto_routes

net = load_network()
net""",
        ),
        (
            "code",
            """opts = pareto_routes(net, "Xi'an", "Duisburg", teu=40, avoid_modes=["air"],
                     departure=dt.date(2026, 12, 1))
opts  # a short summary; the options as a table below""",
        ),
        (
            "code",
            """table = pd.DataFrame(
    [{"corridor": o.corridor, "days": round(o.days, 1), "USD": round(o.cost_usd),
      "t CO2": round(o.co2_kg / 1000, 1), "borders": o.border_crossings, "tags": ", ".join(o.tags)}
     for o in opts.options])
table""",
        ),
        ("md", """## Avoiding Russia and Belarus"""),
        (
            "code",
            """avoid = pareto_routes(net, "Xi'an", "Duisburg", teu=40, avoid_modes=["air"],
                      avoid_countries=["RU", "BY"], departure=dt.date(2026, 12, 1))
fast, fast_avoid = opts.fastest, avoid.fastest
print(f"fastest overall:          {fast.summary()}")
print(f"fastest avoiding RU, BY:  {fast_avoid.summary()}")
print(f"the detour costs {fast_avoid.days - fast.days:.1f} days")""",
        ),
        (
            "md",
            """## How reliable are the two fastest options?

A Monte Carlo of 2,000 shipments each (border dwell, handling, ferry waits with cancellations,
running-time variability), seeded so the figures repeat.""",
        ),
        (
            "code",
            """rows = []
for it in sorted(avoid.options, key=lambda o: o.days)[:2]:
    res = simulate_itinerary(net, it, n=2000, seed=1, departure=dt.date(2026, 12, 1),
                             deadline_days=25)
    rows.append({"corridor": it.corridor, "planned days": round(it.days, 1),
                 "P50": round(res.p50_days, 1), "P90": round(res.p90_days, 1),
                 "on time within 25 days": f"{res.prob_by_deadline:.0%}"})
pd.DataFrame(rows)""",
        ),
    ],
    "02-grain-exporter.ipynb": [
        (
            "md",
            """# A grain exporter in northern Kazakhstan

5,000 t of wheat leave Kostanay. Which market is reachable at what cost per tonne and how fast:
China (Lianyungang port), Turkey (Istanbul), Iran (Bandar Abbas) or Norway (Oslo)?""",
        ),
        (
            "code",
            """import pandas as pd

from corridors.errors import CorridorsError
from corridors.network import load_network
from corridors.routing import pareto_routes

net = load_network()
rows = []
for market in ["Lianyungang", "Istanbul", "Bandar Abbas", "Oslo"]:
    try:
        opts = pareto_routes(net, "Kostanay", market, tonnes=5000, cargo="grain")
    except CorridorsError as exc:  # an unknown place or no route: say so, go on
        rows.append({"market": market, "note": str(exc).splitlines()[0]})
        continue
    best = opts.cheapest
    rows.append({"market": market, "corridor": best.corridor, "days": round(best.days, 1),
                 "USD per t": round(best.cost_usd / 5000, 1),
                 "kg CO2 per t": round(best.co2_kg / 5000, 1)})
pd.DataFrame(rows)""",
        ),
        (
            "md",
            """The cheapest option to each market, per tonne. The route options to Istanbul as a
GeoDataFrame (with the `geo` extra) to map or save as GeoPackage:""",
        ),
        (
            "code",
            """opts = pareto_routes(net, "Kostanay", "Istanbul", tonnes=5000, cargo="grain")
try:
    gdf = opts.to_geodataframe(net)
    print(gdf[["option", "leg", "corridor", "mode", "days"]].head())
except CorridorsError as exc:  # without geopandas: the message says what to install
    print(exc)""",
        ),
    ],
    "03-ministry-capacity-question.ipynb": [
        (
            "md",
            """# A ministry's capacity question: where does it jam, and does a third railroad help?

The baseline demand (`data/demand/baseline.csv`) is assigned to the network by equilibrium
(gradient projection). Which crossings are saturated, who uses them, and what changes with the
shipped `third-railroad` scenario (a third China–Kazakhstan railroad)?""",
        ),
        (
            "code",
            """from corridors.assignment import AssignmentSpec, assign_network, baseline_demand
from corridors.assignment.select import select_link_od
from corridors.network import load_network
from corridors.scenarios import apply_scenario, load_scenario

net = load_network()
demand = baseline_demand(net)
spec = AssignmentSpec(target_gap=1e-4)
base = assign_network(net, demand, spec=spec)
base""",
        ),
        (
            "code",
            """cols = ["link_id", "link_type", "flow_pcu", "capacity", "volume_capacity", "delay"]
base.bottlenecks(top=5, link_types=["border"])[cols].round(2)""",
        ),
        ("md", """## Who uses the Alashankou–Dostyk crossing?"""),
        (
            "code",
            """who = select_link_od(base, "rail-alashankou-dostyk", net=net)
who[["class", "origin_name", "destination_name", "flow_per_year", "unit", "share"]].head(8).round(2)""",
        ),
        ("md", """## With a third railroad"""),
        (
            "code",
            """net3, demand3 = apply_scenario(net, load_scenario("third-railroad"), demand=demand)
after = assign_network(net3, demand3, spec=spec)
b = base.link_table().set_index("link_id")["volume_capacity"]
a = after.link_table().set_index("link_id")["volume_capacity"]
for link in ["rail-alashankou-dostyk:f", "rail-horgos-altynkol:f"]:
    print(f"{link}: volume/capacity {b[link]:.2f} -> {a[link]:.2f}")""",
        ),
    ],
    "04-scenario-sweep.ipynb": [
        (
            "md",
            """# A scenario sweep: demand growth against Caspian ferry capacity

Four runs (demand ×1 and ×2, Caspian ferry capacity ×1 and ×2), each an equilibrium assignment,
on Dask when it is installed (`corridors[dask]`), else one after another.""",
        ),
        (
            "code",
            """import pandas as pd

from corridors.scenarios.sweep import SweepSpec, run_one, run_sweep

pd.set_option("display.float_format", "{:,.2f}".format)
spec = SweepSpec.from_dict({
    "name": "demand-caspian",
    "grid": {"demand": [1.0, 2.0], "caspian_capacity": [1, 2]},
    "max_iterations": 50,
})
try:
    import dask.distributed  # noqa: F401
    table = run_sweep(spec, workers=1, processes=False)
except ImportError:
    table = pd.DataFrame([run_one(i, knobs, spec) for i, knobs in enumerate(spec.runs)])
assert (table["error"] == "").all()  # a failed run would carry its message here
len(table)""",
        ),
        (
            "md",
            """China–Kazakhstan border utilization and the system cost (billion USD per year) of
each run: demand growth saturates the crossings; doubling the Caspian ferries relieves little.""",
        ),
        (
            "code",
            """table["system_cost_busd"] = table["system_cost_usd"] / 1e9
table.pivot_table(index="knob_demand", columns="knob_caspian_capacity",
                  values=["cn_kz_utilization", "system_cost_busd"])""",
        ),
    ],
}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(
            cells=[new_markdown_cell(t) if k == "md" else new_code_cell(t) for k, t in cells],
            metadata={
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                "language_info": {"name": "python"},
            },
        )
        nbformat.write(nb, OUT / name)
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
