"""The flows service: demand scaling by class and country pair, the report of a run."""

from __future__ import annotations

import numpy as np
import pytest

from corridors.assignment.flows import (
    bottleneck_records,
    country_pair_zones,
    flows_report,
    run_flows,
    scale_demand,
)
from corridors.assignment.sue import base_demand
from corridors.errors import InvalidSpecError
from corridors.network import Network


def _block(net: Network, od, cls: str, a: str, b: str) -> float:  # type: ignore[no-untyped-def]
    country = dict(zip(net.nodes.index.astype(str), net.nodes["country"], strict=True))
    zones = list(od.zones)
    rows = [i for i, z in enumerate(zones) if country.get(z) == a]
    cols = [i for i, z in enumerate(zones) if country.get(z) == b]
    return float(od.matrices[cls][np.ix_(rows, cols)].sum())


def test_country_pair_scales_only_container_cells_between_those_countries(
    bundled: Network,
) -> None:
    od = base_demand(bundled)
    out = scale_demand(bundled, od, country_pairs=[("cn", "KZ", 2.0)])
    assert _block(bundled, out, "container_std", "CN", "KZ") == pytest.approx(
        2 * _block(bundled, od, "container_std", "CN", "KZ")
    )
    assert _block(bundled, out, "container_std", "KZ", "CN") == pytest.approx(
        _block(bundled, od, "container_std", "KZ", "CN")
    )
    assert _block(bundled, out, "grain", "CN", "KZ") == pytest.approx(
        _block(bundled, od, "grain", "CN", "KZ")
    )  # pairs scale containers only
    grain = scale_demand(bundled, od, factor=0.5, classes={"grain": 2.0})
    assert grain.matrices["grain"].sum() == pytest.approx(od.matrices["grain"].sum())
    assert scale_demand(bundled, od) is od  # nothing asked, nothing copied


def test_unknown_country_names_the_code_to_use(bundled: Network) -> None:
    od = base_demand(bundled)
    with pytest.raises(InvalidSpecError, match=r"Did you mean CN \(China\)"):
        country_pair_zones(bundled, od, [("China", "*", 2.0)])
    with pytest.raises(InvalidSpecError, match="matches no demand zone"):
        scale_demand(bundled, od, country_pairs=[("XX", "*", 2.0)])


def test_ue_run_report_and_bottlenecks(bundled: Network) -> None:
    run = run_flows(bundled, model="ue", algorithm="aon", factor=2.0)
    assert run.model == "ue" and run.reference is not None  # scaled: compared with the base
    report = flows_report(run, top=5)
    assert len(report["bottlenecks"]) <= 5 and report["changes_vs_baseline"]
    assert all("→" in r["link"] for r in report["bottlenecks"])  # place names, not ids
    rows = bottleneck_records(run.network, run.result, top=5)
    utils = [r["utilization"] for r in rows]
    assert rows and utils == sorted(utils, reverse=True)
    assert all(r["flow_teu_equiv"] > 0 and ":" not in r["link_id"] for r in rows)
    with pytest.raises(InvalidSpecError, match="choice or ue"):
        run_flows(bundled, model="logit")
    with pytest.raises(InvalidSpecError, match="not a CostModel"):
        run_flows(bundled, model="ue", cost_model=100.0)  # type: ignore[arg-type]


def test_choice_run_prices_with_the_cost_model_given(bundled: Network) -> None:
    from corridors.assignment.demand import ODMatrices
    from corridors.network.costs import CostModel

    od = base_demand(bundled)
    hv = ODMatrices(od.zones, {"container_hv": od.matrices["container_hv"]})
    cm = CostModel(carbon_price_usd_per_t=200.0)
    run = run_flows(bundled, demand=hv, target_gap=1e-4, cost_model=cm)
    assert run.result.problem.cost_model is cm
    air = run.result.mode_shares(by="mode").set_index("mode").loc["air", "share"]
    base = run_flows(bundled, demand=hv, target_gap=1e-4).result
    assert air < base.mode_shares(by="mode").set_index("mode").loc["air", "share"]


def test_cli_checks_the_same_algorithms_and_models() -> None:
    from corridors.assignment.flows import MODELS, UE_ALGORITHMS
    from corridors.cli._flows import _ALGORITHMS, _KERNELS

    assert _ALGORITHMS == UE_ALGORITHMS and set(_KERNELS) == set(MODELS)
