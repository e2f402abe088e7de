"""Resolve the link table: one directed row per usable direction with class figures filled in."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from corridors.network.enums import VDF, VDF_ALPHA_DEFAULT, VDF_BETA_DEFAULT, Mode

if TYPE_CHECKING:
    from corridors.network._protocol import NetworkTables

_CLASS_COLUMNS = {
    "speed_kmh": np.nan,
    "tariff_usd_per_teu_km": np.nan,
    "tariff_usd_per_t_km": np.nan,
    "co2_g_per_tkm": np.nan,
    "vdf": 0.0,
    "vdf_alpha": VDF_ALPHA_DEFAULT,
    "vdf_beta": VDF_BETA_DEFAULT,
    "capacity_teu_per_day": np.nan,
}


def resolve_links(net: NetworkTables) -> pd.DataFrame:
    """Directed link table of ``net`` (see docs/data-model.md, "Derived, directed link table").

    Per-link figures override class figures; tariffs are turned into per-link totals.
    """
    raw = net.tables["links"].copy()
    nodes = net.tables["nodes"].set_index("node_id")
    classes = net._parameter_table("class")
    for col, default in _CLASS_COLUMNS.items():
        cls_val = raw["link_class"].map(lambda c, col=col, d=default: classes.get((c, col), d))
        if col in raw.columns:
            raw[col] = raw[col].astype(float).fillna(cls_val.astype(float))
        else:
            raw[col] = cls_val.astype(float)

    fwd = raw.assign(direction="forward", link_id_dir=raw["link_id"] + ":f")
    bidir = ~raw["bidirectional"].str.lower().isin(["false", "0"])
    rev = raw[bidir].rename(columns={"from_node": "to_node", "to_node": "from_node"})
    rev = rev.assign(direction="reverse", link_id_dir=rev["link_id"] + ":r")
    links = pd.concat([fwd, rev], ignore_index=True)

    links["from_country"] = links["from_node"].map(nodes["country"])
    links["to_country"] = links["to_node"].map(nodes["country"])
    links["is_border"] = links["from_country"] != links["to_country"]
    gauged = links["mode"].map(lambda m: bool(Mode(m).spec.gauges_mm)).to_numpy(bool)
    gauge = links["gauge_mm"].fillna(0).astype(int).astype(str)
    links["port"] = np.where(gauged, links["mode"] + gauge, links["mode"])  # see ModeSpec.ports
    links["run_time_h"] = links["length_km"] / links["speed_kmh"]
    links["tariff_usd_per_teu"] = links["tariff_usd_per_teu_km"] * links["length_km"]
    links["tariff_usd_per_t"] = links["tariff_usd_per_t_km"] * links["length_km"]
    links["sailings_per_week"] = links["sailings_per_week"].fillna(0.0)

    cross = net.tables["crossings"].set_index(["link_id", "direction"])
    key = pd.MultiIndex.from_arrays([links["link_id"], links["direction"]])
    for src, dst in (
        ("dwell_h", "border_dwell_h"),
        ("dwell_p90_h", "border_dwell_p90_h"),
        ("cost_usd_per_teu", "border_cost_usd_per_teu"),
        ("cost_usd_per_t", "border_cost_usd_per_t"),
    ):
        links[dst] = cross[src].reindex(key).to_numpy(dtype=float) if len(cross) else np.nan
        links[dst] = links[dst].fillna(0.0)
    links["border_dwell_p90_h"] = np.maximum(links["border_dwell_p90_h"], links["border_dwell_h"])
    _queue_delay_parameters(net, links)
    from corridors.network.costs import CostModel

    wtw, ttw = CostModel().link_co2_g_per_tkm(net, links)
    links["co2_wtw_g_per_tkm"], links["co2_ttw_g_per_tkm"] = wtw, ttw
    links["co2_g_per_tkm"] = wtw
    links["countries"] = np.where(
        links["is_border"], links["from_country"] + "-" + links["to_country"], links["from_country"]
    )
    return links.set_index("link_id_dir", drop=False)


def _queue_delay_parameters(net: NetworkTables, links: pd.DataFrame) -> None:
    """Border crossings, ferries and other queue links (``vdf`` 2) wait like a queue.

    Capacities per direction from ``capacities.csv`` (if any) replace the link figure first.

    Trains are served one at a time, so the queue's service time is one train's share of the
    daily capacity: ``vdf_alpha = 24 h x teu_per_train / capacity_teu_per_day`` (hours per
    train), ``vdf_beta = 1``; the delay at volume/capacity ``x`` is then
    ``vdf_alpha * x / (1 - x)``, the M/M/1 waiting time (see docs/data-model.md).
    """
    from corridors.network._capacity import apply_link_capacities

    apply_link_capacities(net, links)  # per-direction capacities.csv rows replace the figure
    teu_per_train = net.parameter("global", "teu_per_train", default=86.0)
    cap = links["capacity_teu_per_day"].to_numpy(float)
    queue = (links["is_border"].to_numpy() | (links["vdf"].to_numpy() == VDF.QUEUE)) & (cap > 0)
    links.loc[queue, "vdf"] = float(VDF.QUEUE)
    links.loc[queue, "vdf_alpha"] = 24.0 * teu_per_train / cap[queue]
    links.loc[queue, "vdf_beta"] = 1.0
