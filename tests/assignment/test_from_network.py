from __future__ import annotations

import numpy as np

from corridors.assignment._from_network import assign_network, baseline_demand, corridor_graph
from corridors.network import Network


def test_bundled_baseline_flows(bundled: Network) -> None:
    cg = corridor_graph(bundled)
    od = baseline_demand(bundled)
    assert od.classes == ("containers", "grain")
    assert od.units["containers"] == "TEU/year"
    r = assign_network(bundled, od, corridor=cg)
    assert r.converged and r.unrouted_pcu == 0.0
    bt = r.bottlenecks(top=5)
    assert len(bt) == 5 and (bt["volume_capacity"] > 0).all()
    # grain never uses arcs its cargo graph lacks
    g = r.class_flow("grain")
    assert (g[~cg.mask["bulk"]] == 0).all()
    assert np.isfinite(r.link_table()["delay"]).all()
