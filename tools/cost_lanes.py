"""Print the issue-10 lanes (times, costs, CO2) on the bundled network.

Run with ``PYTHONPATH=src python tools/cost_lanes.py``. Works on code before the cost model
too (it falls back to 2 TEU where FEU is not known), so before/after figures come from the
same script.
"""

from __future__ import annotations

from collections.abc import Callable

from corridors.network import load_network
from corridors.routing import Itinerary, RouteOptions, pareto_routes

RAIL_ONLY = "road,ferry,sea,air"
SEA_ONLY = "rail,road,air,ferry"


def _fastest(opts: RouteOptions, pred: Callable[[Itinerary], bool]) -> Itinerary:
    return min((i for i in opts.options if pred(i)), key=lambda i: i.days)


def _row(name: str, it: Itinerary, extra: str = "") -> None:
    print(f"{name:48s} {it.days:5.2f} d  ${it.cost_usd:8,.0f}  {it.co2_kg:7,.0f} kg CO2  {extra}")


def main() -> None:
    net = load_network()
    it = _fastest(
        pareto_routes(net, "Poti", "Baku", teu=1, avoid_modes=RAIL_ONLY),
        lambda i: i.modes == ["rail"],
    )
    tb = it.time_breakdown_h
    _row("Poti->Baku rail 1 TEU", it, f"handling {tb['handling']} h, border {tb['border_dwell']} h")
    it = _fastest(
        pareto_routes(net, "kz-khorgos-gateway", "Moscow", teu=1, avoid_modes=RAIL_ONLY),
        lambda i: i.modes == ["rail"],
    )
    _row("Khorgos Gateway->Moscow rail 1 TEU", it)
    try:
        sea = pareto_routes(
            net, "Shanghai", "Rotterdam", feu=1, departure="2024-03-01", avoid_modes=SEA_ONLY
        )  # type: ignore[call-arg]
        label = "1 FEU"
    except TypeError:  # before the cost model: no FEU
        sea = pareto_routes(
            net, "Shanghai", "Rotterdam", teu=2, departure="2024-03-01", avoid_modes=SEA_ONLY
        )
        label = "2 TEU"
    for it in sea.options:
        _row(f"Shanghai->Rotterdam {label} dep 2024-03-01 {it.corridor}", it)
    xd = pareto_routes(net, "Xi'an", "Duisburg", teu=1)
    rail = _fastest(xd, lambda i: i.modes == ["rail"] and "KZ" in i.countries)
    _row("Xi'an->Duisburg all-rail 1 TEU", rail)
    ship = pareto_routes(net, "Shanghai", "Rotterdam", teu=1, avoid_modes="rail,road,air")
    _row("Shanghai->Rotterdam sea 1 TEU (no date)", ship.options[0])
    print(f"   CO2 sea/rail per TEU = {ship.options[0].co2_kg / rail.co2_kg:.2f}")
    grain = _fastest(
        pareto_routes(net, "Kostanay", "Lianyungang", tonnes=1, cargo="grain"),
        lambda i: i.modes == ["rail"],
    )
    box = _fastest(
        pareto_routes(net, "Kostanay", "Lianyungang", teu=1), lambda i: i.modes == ["rail"]
    )
    print(
        f"Kostanay->Lianyungang rail: grain ${grain.cost_usd:,.1f}/t, container "
        f"${box.cost_usd / 10:,.1f}/t at 10 t/TEU (ratio {grain.cost_usd / (box.cost_usd / 10):.2f})"
    )


if __name__ == "__main__":
    main()
