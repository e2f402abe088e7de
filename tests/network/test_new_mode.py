"""Adding a mode is one call plus data (issue 11, "Done when"): an inland waterway, end to end.

A tiny river network: a city A with a rail line to river port RP1, a barge line down the river
to RP2, a road on to city B; and a long direct rail line A-B. The mode is registered through
the public API only (``corridors.network.register_mode``); everything else is data: the links,
a ``class:inland_waterway`` parameter set and two network-wide transfer rows. Then the network
is routed (the Pareto options include the barge), assigned (the barge carries flow up to its
capacity), costed with the ``CostModel`` and exported (GeoJSON, GMNS round trip).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import corridors.assignment as assignment
import corridors.routing as routing
from corridors.assignment.demand import ODMatrices
from corridors.errors import InvalidSpecError, NetworkValidationError
from corridors.io.geojson import network_to_geojson
from corridors.io.gmns import read_gmns, write_gmns
from corridors.network import Mode, ModeSpec, Network, load_network, register_mode, unregister_mode
from corridors.network.costs import CostModel
from tests.tiny import DEFAULT_CLASSES, build, link, node, transfer, write_network

BARGE_KM, RAIL_KM = 600.0, 1200.0
BARGE = (12.0, 0.08, 0.01, 20.0)  # km/h, USD/TEU-km, USD/t-km, g CO2/t-km (test fixture)


@pytest.fixture
def waterway() -> Iterator[Mode]:
    """The inland-waterway mode, registered for one test and removed after it."""
    mode = register_mode(ModeSpec("inland_waterway", family="ship", aliases=("iww",)))
    yield mode
    unregister_mode("inland_waterway")


def river_network(folder: Path, *, barge_capacity_teu_per_day: float | None = None) -> Network:
    """The tiny river network of the module docstring, written and loaded."""
    extra = {}
    if barge_capacity_teu_per_day is not None:
        extra["capacity_teu_per_day"] = barge_capacity_teu_per_day
    tables = build(
        [
            node("A", "RS", lon=20.0),
            node("RP1", "RS", "seaport", lon=20.5),
            node("RP2", "RS", "seaport", lon=27.0),
            node("B", "RS", lon=27.5),
        ],
        [
            link("a-rp1", "A", "RP1", 50),
            link("danube", "RP1", "RP2", BARGE_KM, mode="inland_waterway", gauge=None, **extra),
            link("rp2-b", "RP2", "B", 40, mode="road", gauge=None),
            link("a-b", "A", "B", RAIL_KM),
        ],
        transfers=[
            transfer("*", "mode_change", "rail1520", "inland_waterway"),
            transfer("*", "mode_change", "inland_waterway", "road"),
        ],
        classes={**DEFAULT_CLASSES, "inland_waterway": BARGE},
    )
    return load_network(write_network(tables, folder), name="river")


def test_mode_is_one_row_of_the_mode_table(waterway: Mode) -> None:
    assert Mode("Inland waterway") is waterway and Mode("IWW") is waterway
    assert waterway.code == max(m.code for m in Mode) and Mode.from_code(waterway.code) is waterway
    assert waterway.spec.ports == ("inland_waterway",) and waterway.spec.terminal == "sea_terminal"
    assert register_mode(waterway.spec) is waterway  # the same row again is no change
    with pytest.raises(InvalidSpecError, match="already taken"):
        register_mode(ModeSpec("inland_waterway", family="road"))
    with pytest.raises(InvalidSpecError, match="family 'boat'"):
        ModeSpec("canal", family="boat")
    with pytest.raises(InvalidSpecError, match="built-in"):
        unregister_mode("rail")


def test_without_registration_the_mode_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidSpecError, match="register_mode"):
        Mode("inland_waterway")
    with pytest.raises(NetworkValidationError, match="unknown mode 'inland_waterway'"):
        river_network(tmp_path)


def test_pareto_options_include_the_barge(waterway: Mode, tmp_path: Path) -> None:
    net = river_network(tmp_path)
    opts = routing.pareto_routes(net, "A", "B", teu=1)
    modes = [{leg.mode for leg in it.legs} for it in opts.options]
    assert {"rail", "inland_waterway", "road"} in modes  # rail, barge, road
    assert {"rail"} in modes  # the long direct rail line
    barge = next(it for it in opts.options if "inland_waterway" in {leg.mode for leg in it.legs})
    rail = next(it for it in opts.options if {leg.mode for leg in it.legs} == {"rail"})
    assert "cheapest" in barge.tags and "greenest" in barge.tags and "fastest" in rail.tags
    leg = next(leg for leg in barge.legs if leg.mode == "inland_waterway")
    assert leg.distance_km == pytest.approx(BARGE_KM)
    assert leg.running_h == pytest.approx(BARGE_KM / BARGE[0])
    no_barge = routing.pareto_routes(net, "A", "B", teu=1, avoid_modes="iww")
    assert all("inland_waterway" not in {g.mode for g in it.legs} for it in no_barge.options)


def test_cost_model_prices_the_barge_from_its_class_data(waterway: Mode, tmp_path: Path) -> None:
    net = river_network(tmp_path)
    g = net.graph("container")
    fig = CostModel(carbon_price_usd_per_t=100.0).arc_figures(net, g, unit="teu")
    arc = np.flatnonzero(g.mode == waterway.code)
    assert len(arc) == 2  # both directions of the river
    t_per_teu = net.parameter("global", "t_per_teu")
    co2_kg = BARGE[3] * BARGE_KM * t_per_teu / 1000.0
    np.testing.assert_allclose(fig.cost_parts["freight"][arc], BARGE[1] * BARGE_KM)
    np.testing.assert_allclose(fig.co2_wtw_kg[arc], co2_kg)
    np.testing.assert_allclose(fig.cost_parts["carbon"][arc], co2_kg / 1000.0 * 100.0)
    np.testing.assert_allclose(fig.time_h[arc], BARGE_KM / BARGE[0])
    # bulk barges too (the mode carries both cargo types), priced per tonne
    gb = net.graph("bulk")
    bulk = CostModel().arc_figures(net, gb, unit="t")
    np.testing.assert_allclose(
        bulk.cost_parts["freight"][gb.mode == waterway.code], BARGE[2] * BARGE_KM
    )


def test_assignment_loads_the_barge_up_to_its_capacity(waterway: Mode, tmp_path: Path) -> None:
    net = river_network(tmp_path, barge_capacity_teu_per_day=2.0)
    demand = ODMatrices.from_long(
        pd.DataFrame(
            {"origin": ["A"], "destination": ["B"], "class": ["containers"], "value": [1000.0]}
        ),
        zones=list(net.nodes.index),
    )
    res = assignment.assign_network(net, demand)
    links = res.link_table()
    flow = links.groupby("link_id")["flow_containers"].sum()
    barge, rail = flow["danube:f"], flow["a-b:f"]
    assert barge > 0 and rail > 0  # congestion on the river shares the demand out
    assert barge + rail == pytest.approx(1000.0, rel=1e-6)
    assert set(links.loc[links["link_id"] == "danube:f", "link_type"]) == {"inland_waterway"}
    assert res.relative_gap < 1e-4


def test_exports_carry_the_mode(waterway: Mode, tmp_path: Path) -> None:
    net = river_network(tmp_path / "net")
    gj = network_to_geojson(net)
    modes = {
        f["properties"]["mode"] for f in gj["features"] if f["properties"]["feature"] == "link"
    }
    assert modes == {"rail", "road", "inland_waterway"}
    write_gmns(net, tmp_path / "gmns")
    back = read_gmns(tmp_path / "gmns")
    assert set(back.links["mode"]) == {"rail", "road", "inland_waterway"}
    g0, g1 = net.graph("container"), back.graph("container")
    np.testing.assert_allclose(np.sort(g1.cost_usd), np.sort(g0.cost_usd))


def test_a_registered_mode_travels_to_another_process(waterway: Mode) -> None:
    import copy
    import pickle

    assert pickle.loads(pickle.dumps(Mode.RAIL)) is Mode.RAIL
    assert copy.deepcopy(waterway) is waterway
    data = pickle.dumps(waterway)
    unregister_mode("inland_waterway")  # as in a fresh worker process
    back = pickle.loads(data)  # registers the mode again from its spec
    assert back == "inland_waterway" and back.spec == waterway.spec and Mode("iww") is back


def test_gmns_allowed_uses_may_name_the_mode(waterway: Mode, tmp_path: Path) -> None:
    net = river_network(tmp_path / "net")
    write_gmns(net, tmp_path / "gmns")
    link_csv = tmp_path / "gmns" / "link.csv"
    link = pd.read_csv(link_csv, dtype=str, keep_default_na=False)
    assert set(link["allowed_uses"]) == {"rail", "road", "inland_waterway"}
    link["allowed_uses"] = link["allowed_uses"].replace("inland_waterway", "IWW")  # an alias
    link.drop(columns=["mode"]).to_csv(link_csv, index=False)
    back = read_gmns(tmp_path / "gmns")  # the mode read from allowed_uses, as Mode() reads it
    assert set(back.links["mode"]) == {"rail", "road", "inland_waterway"}


def test_the_rest_api_routes_and_avoids_a_registered_mode(waterway: Mode, tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's import-time note about httpx
        from fastapi.testclient import TestClient

    from corridors.api import create_app

    net = river_network(tmp_path / "net")
    app = create_app(database_url=f"sqlite:///{tmp_path / 'api.sqlite'}", network=net)
    q = [("origin", "A"), ("destination", "B"), ("teu", "1")]
    with TestClient(app) as c:
        r = c.get("/api/route", params=q)
        assert r.status_code == 200
        modes = [{leg["mode"] for leg in o["legs"]} for o in r.json()["options"]]
        assert {"rail", "inland_waterway", "road"} in modes
        r = c.get("/api/route", params=[*q, ("no", "iww")])  # alias, as Mode() reads it
        assert r.status_code == 200
        assert all("inland_waterway" not in {leg["mode"] for leg in o["legs"]}
                   for o in r.json()["options"])  # fmt: skip
        r = c.get("/api/route", params=[*q, ("no", "canal")])
        assert r.status_code == 422
        body = r.json()
        assert body["field"] == "no" and "'canal' is not a mode" in body["message"]
        assert "inland_waterway" in body["message"]  # the known modes, from the live table
