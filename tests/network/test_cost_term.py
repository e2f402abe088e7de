"""Adding a cost term is one place, the CostModel (issue 11, "Done when"): a canal toll.

The toll is written once, as a ``CostTerm`` given to ``CostModel(terms=...)``; routing (costs,
ranking, the itinerary's cost breakdown), assignment (route choice) and the choice equilibrium
(mode, corridor and route choice) take it from there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import corridors.assignment as assignment
import corridors.assignment.sue as sue
import corridors.routing as routing
from corridors.assignment.classes import load_class_profiles
from corridors.assignment.demand import ODMatrices
from corridors.errors import InvalidSpecError
from corridors.network import Mode, ModeSpec, register_mode, unregister_mode
from corridors.network.costs import COST_PARTS, ArcContext, CostModel
from corridors.network.enums import Unit
from tests.network.test_new_mode import river_network


@dataclass(frozen=True)
class CanalToll:
    """A lock or canal toll on the links of one class: USD per TEU (an FEU pays two) or per t."""

    link_class: str
    usd_per_teu: float
    usd_per_t: float
    name: str = "canal_toll"

    def __call__(self, ctx: ArcContext) -> np.ndarray:
        per_unit = self.usd_per_t if ctx.unit is Unit.TONNE else self.usd_per_teu * ctx.unit.teu
        return np.where(ctx.link_class == self.link_class, per_unit, 0.0)


TOLL = CanalToll("inland_waterway", usd_per_teu=400.0, usd_per_t=15.0)


@pytest.fixture
def waterway() -> Iterator[Mode]:
    mode = register_mode(ModeSpec("inland_waterway", family="ship"))
    yield mode
    unregister_mode("inland_waterway")


def _uses_barge(it: routing.Itinerary) -> bool:
    return "inland_waterway" in {leg.mode for leg in it.legs}


def test_the_term_is_a_cost_part_of_every_arc(waterway: Mode, tmp_path: Path) -> None:
    net = river_network(tmp_path)
    g = net.graph("container")
    base = CostModel().arc_figures(net, g, unit="feu")
    tolled = CostModel(terms=(TOLL,)).arc_figures(net, g, unit="feu")
    assert CostModel(terms=(TOLL,)).parts == (*COST_PARTS, "canal_toll")
    river = g.mode == waterway.code
    np.testing.assert_allclose(tolled.cost_parts["canal_toll"][river], 800.0)  # two TEU
    np.testing.assert_allclose(tolled.cost_parts["canal_toll"][~river], 0.0)
    np.testing.assert_allclose(tolled.cost_usd - base.cost_usd, tolled.cost_parts["canal_toll"])
    bulk = CostModel(terms=(TOLL,)).arc_figures(net, net.graph("bulk"), unit="t")
    assert set(np.unique(bulk.cost_parts["canal_toll"])) == {0.0, 15.0}


def test_routing_prices_and_ranks_with_the_term(waterway: Mode, tmp_path: Path) -> None:
    net = river_network(tmp_path)
    before = routing.pareto_routes(net, "A", "B", teu=2)
    after = routing.pareto_routes(net, "A", "B", teu=2, cost_model=CostModel(terms=(TOLL,)))
    barge0 = next(it for it in before.options if _uses_barge(it))
    barge1 = next(it for it in after.options if _uses_barge(it))
    assert barge1.cost_usd == pytest.approx(barge0.cost_usd + 2 * 400.0)
    assert barge1.cost_breakdown_usd["canal_toll"] == pytest.approx(800.0)
    assert sum(barge1.cost_breakdown_usd.values()) == pytest.approx(barge1.cost_usd, abs=0.05)
    assert "cheapest" in barge0.tags and "cheapest" not in barge1.tags  # the toll tips it
    one = routing.route(net, "A", "B", objective="cost", cost_model=CostModel(terms=(TOLL,)))
    assert not _uses_barge(one)


def test_assignment_moves_flow_off_the_tolled_river(waterway: Mode, tmp_path: Path) -> None:
    net = river_network(tmp_path)
    demand = ODMatrices.from_long(
        pd.DataFrame(
            {"origin": ["A"], "destination": ["B"], "class": ["containers"], "value": [1000.0]}
        ),
        zones=list(net.nodes.index),
    )

    def barge_flow(cm: CostModel | None) -> float:
        links = assignment.assign_network(net, demand, cost_model=cm).link_table()
        return float(links.loc[links["link_id"] == "danube:f", "flow_containers"].sum())

    assert barge_flow(None) == pytest.approx(1000.0)  # uncongested: all on the cheaper river
    assert barge_flow(CostModel(terms=(TOLL,))) == pytest.approx(0.0, abs=1e-6)


def test_a_term_must_name_itself_and_give_one_figure_per_arc(
    waterway: Mode, tmp_path: Path
) -> None:
    with pytest.raises(InvalidSpecError, match="carbon"):
        CostModel(terms=(CanalToll("x", 1.0, 1.0, name="carbon"),))
    with pytest.raises(InvalidSpecError, match="repeat"):
        CostModel(terms=(TOLL, TOLL))

    @dataclass(frozen=True)
    class Broken:
        name: str = "broken"

        def __call__(self, ctx: ArcContext) -> np.ndarray:
            return np.array([np.nan])

    net = river_network(tmp_path)
    with pytest.raises(InvalidSpecError, match="one finite USD figure per arc"):
        CostModel(terms=(Broken(),)).arc_figures(net, net.graph("container"), unit="teu")


def test_the_choice_equilibrium_moves_flow_off_the_tolled_river(
    waterway: Mode, tmp_path: Path
) -> None:
    net = river_network(tmp_path)
    z = list(net.nodes.index)
    m = np.zeros((len(z), len(z)))
    m[z.index("A"), z.index("B")] = 1000.0
    demand = ODMatrices(tuple(z), {"container_std": m})
    # data: the class may use the new mode (classes.csv ``modes``; here its profile)
    profiles = {
        k: replace(p, modes=(*p.modes, "inland_waterway")) for k, p in load_class_profiles().items()
    }

    def river(cm: CostModel | None) -> tuple[float, float]:
        problem = sue.build_problem(net, demand, profiles=profiles, cost_model=cm)
        r = sue.solve(problem, spec=sue.SUESpec(target_gap=1e-8))
        lt = r.link_table().set_index("link_id")
        return float(lt.loc["danube:f", "flow_teu_eq_per_yr"]), float(r.path_flow.sum())

    free, total0 = river(None)
    tolled, total1 = river(CostModel(terms=(TOLL,)))
    assert total0 == pytest.approx(1000.0) and total1 == pytest.approx(1000.0)
    assert free > 900.0  # the cheaper barge carries most of it
    assert tolled < 0.1 * free  # 400 USD a TEU on the river: the long rail line wins
    # the cost model is the graph's: one model per problem, checked
    cg = assignment.corridor_graph(net, excluded_modes={})
    with pytest.raises(InvalidSpecError, match="priced with another"):
        sue.build_problem(net, demand, corridor=cg, cost_model=CostModel(terms=(TOLL,)))
    with pytest.raises(InvalidSpecError, match="not a CostModel"):
        sue.equilibrium(net, demand, cost_model=TOLL)  # type: ignore[arg-type]
