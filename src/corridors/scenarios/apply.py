"""Apply a scenario to a network (and demand): new tables, validated; the base is untouched."""

from __future__ import annotations

import difflib
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridors.errors import NetworkValidationError, ScenarioError, explain
from corridors.network._schema import TABLES
from corridors.network.enums import CargoClass, Operation
from corridors.network.model import Network, load_network
from corridors.scenarios.model import Change, Scenario, load_scenario, scenario_from_dict

if TYPE_CHECKING:
    from corridors.assignment.demand import ODMatrices

__all__ = ["apply_scenario", "base_network", "scenario_network"]

log = logging.getLogger(__name__)

SPECS = {s.file.removesuffix(".csv"): s for s in TABLES}
LINK_FIGURES = {
    "length_km": "length",
    "speed_kmh": "speed",
    "capacity_teu_per_day": "capacity",
    "sailings_per_week": "sailings",
    "sailing_days": "sailings",
}
CROSSING_FIGURES = ("dwell_h", "dwell_p90_h", "cost_usd_per_teu", "cost_usd_per_t")
ADD_TABLE = {
    "add_source": "sources",
    "add_node": "nodes",
    "add_link": "links",
    "add_crossing": "crossings",
    "add_transfer": "transfers",
}


class _ProblemError(Exception):
    """One problem of one change (collected, then raised together)."""


def _unknown(what: str, value: str, known: list[str]) -> _ProblemError:
    close = difflib.get_close_matches(str(value), known, n=3, cutoff=0.5)
    fix = ("Did you mean " + " or ".join(repr(c) for c in close) + "?") if close else None
    return _ProblemError(explain(f"unknown {what} {value!r}.", fix=fix))


class _Applier:
    def __init__(self, tables: dict[str, pd.DataFrame], scenario: Scenario) -> None:
        self.t = tables
        self.s = scenario
        self.demand_ops: list[Change] = []

    # -- helpers --------------------------------------------------------------------------
    def _countries(self) -> pd.DataFrame:
        nodes = self.t["nodes"].set_index("node_id")["country"]
        links = self.t["links"]
        return pd.DataFrame(
            {"a": links["from_node"].map(nodes), "b": links["to_node"].map(nodes)},
            index=links.index,
        )

    def _select_links(self, f: Mapping[str, Any]) -> pd.Series:
        links = self.t["links"]
        keys = [k for k in ("link_id", "links", "link_class", "mode", "via", "countries") if k in f]
        if not keys:
            raise _ProblemError(
                explain(
                    "no links selected.",
                    fix="Give link_id, links, link_class, mode, via and/or countries.",
                )
            )
        mask = pd.Series(True, index=links.index)
        ids = [f["link_id"]] if "link_id" in f else []
        ids += [str(x) for x in f.get("links", [])]
        known = links["link_id"].tolist()
        for lid in ids:
            if lid not in set(known):
                raise _unknown("link", lid, known)
        if ids:
            mask &= links["link_id"].isin(ids)
        for col in ("link_class", "mode", "via"):
            if col in f:
                values = sorted(set(links[col]) - {""})
                if f[col] not in values:
                    raise _unknown(col, f[col], values)
                mask &= links[col] == f[col]
        if "countries" in f:
            cc = self._countries()
            known_c = sorted(set(self.t["nodes"]["country"]))
            for c in f["countries"]:
                if c not in known_c:
                    raise _unknown("country", c, known_c)
            mask &= cc["a"].isin(f["countries"]) | cc["b"].isin(f["countries"])
        if not mask.any():
            raise _ProblemError("the selection matches no link; check the filters.")
        return mask

    def _prov(self, f: Mapping[str, Any], what: str, old: str) -> tuple[str, str, str]:
        src = str(f.get("source", "estimate"))
        note = str(f.get("note", "")) or f"scenario {self.s.name!r}: {what}"
        if "note" not in f and old.strip():
            note += f" (was {old.strip()})"
        return src, str(f.get("year", "")), note

    def _check_source(self, src: str) -> None:
        if src != "estimate" and src not in set(self.t["sources"]["source_id"]):
            raise _unknown("source id", src, self.t["sources"]["source_id"].tolist())

    # -- ops ------------------------------------------------------------------------------
    def add_row(self, ch: Change) -> None:
        table = ADD_TABLE[ch.op]
        spec = SPECS[table]
        df = self.t[table]
        bad = [k for k in ch.fields if k not in spec.columns]
        if bad:
            raise _ProblemError(
                explain(
                    f"{table}.csv has no column(s) {', '.join(map(repr, bad))}.",
                    fix="Columns: " + ", ".join(spec.columns) + ".",
                )
            )
        if spec.key and str(ch.fields[spec.key]) in set(df[spec.key]):
            raise _ProblemError(
                f"{spec.key} {ch.fields[spec.key]!r} already exists in {table}.csv."
            )
        row: dict[str, Any] = {}
        for col in df.columns:
            v = ch.fields.get(col)
            if col in spec.numeric:
                row[col] = np.nan if v in (None, "") else float(v)
            else:
                row[col] = "" if v is None else (str(v).lower() if isinstance(v, bool) else str(v))
        self.t[table] = pd.concat([df, pd.DataFrame([row])], ignore_index=True)

    def remove_node(self, ch: Change) -> None:
        nid = ch.fields["node_id"]
        nodes = self.t["nodes"]
        if nid not in set(nodes["node_id"]):
            raise _unknown("node", nid, nodes["node_id"].tolist())
        links = self.t["links"]
        gone = links[(links["from_node"] == nid) | (links["to_node"] == nid)]["link_id"]
        self._drop_links(set(gone))
        self.t["nodes"] = nodes[nodes["node_id"] != nid].reset_index(drop=True)
        tr = self.t["transfers"]
        self.t["transfers"] = tr[tr["node_id"] != nid].reset_index(drop=True)

    def _drop_links(self, ids: set[str]) -> None:
        links, cr = self.t["links"], self.t["crossings"]
        self.t["links"] = links[~links["link_id"].isin(ids)].reset_index(drop=True)
        self.t["crossings"] = cr[~cr["link_id"].isin(ids)].reset_index(drop=True)

    def remove_link(self, ch: Change) -> None:
        self._drop_links(set(self.t["links"][self._select_links(ch.fields)]["link_id"]))

    def close_links(self, ch: Change) -> None:
        self.remove_link(ch)
        self._drop_orphans()

    def close_country(self, ch: Change) -> None:
        c = ch.fields["country"]
        self._drop_links(set(self.t["links"][self._select_links({"countries": [c]})]["link_id"]))
        self._drop_orphans()

    def _drop_orphans(self) -> None:
        """Closed links leave some nodes without any link: they go too (with their transfers)."""
        links = self.t["links"]
        used = set(links["from_node"]) | set(links["to_node"])
        nodes = self.t["nodes"]
        self.t["nodes"] = nodes[nodes["node_id"].isin(used)].reset_index(drop=True)
        tr = self.t["transfers"]
        self.t["transfers"] = tr[(tr["node_id"] == "*") | tr["node_id"].isin(used)].reset_index(
            drop=True
        )

    def change_links(self, ch: Change) -> None:
        f = ch.fields
        mask = self._select_links(f)
        links = self.t["links"].copy()
        self._check_source(str(f.get("source", "estimate")))
        for kind, values in (("set", f.get("set", {})), ("multiply", f.get("multiply", {}))):
            for col, v in values.items():
                if col not in LINK_FIGURES or (kind == "multiply" and col == "sailing_days"):
                    raise _unknown(f"link figure to {kind}", col, list(LINK_FIGURES))
                g = LINK_FIGURES[col]
                for i in links.index[mask]:
                    old = links.at[i, col]
                    if kind == "set":
                        links.at[i, col] = str(v) if col == "sailing_days" else float(v)
                        what = f"{col} set to {v}"
                    else:
                        if pd.isna(old):
                            old = self._class_default(str(links.at[i, "link_class"]), col)
                        links.at[i, col] = float(old) * float(v)
                        what = f"{col} x {v}"
                    was = f"{links.at[i, f'{g}_source']} {links.at[i, f'{g}_year']}"
                    prov = self._prov(f, what, was)
                    links.loc[i, [f"{g}_source", f"{g}_year", f"{g}_note"]] = prov
        self.t["links"] = links
        if "capacities" in self.t and "capacity_teu_per_day" in {
            **f.get("set", {}),
            **f.get("multiply", {}),
        }:
            # Per-direction rows of capacities.csv follow the link figure: scaled by a
            # multiplier, dropped when the figure is set outright.
            from corridors.network._capacity import scale_link_capacities

            ids = set(links.loc[mask, "link_id"])
            set_cap = "capacity_teu_per_day" in f.get("set", {})
            factor = f.get("multiply", {}).get("capacity_teu_per_day")
            self.t["capacities"] = scale_link_capacities(
                self.t["capacities"],
                ids,
                factor=None if set_cap or factor is None else float(factor),
                drop=set_cap,
            )

    def _class_default(self, cls: str, col: str) -> float:
        par = self.t["parameters"]
        hit = par[(par["scope"] == f"class:{cls}") & (par["parameter"] == col)]
        return float(hit["value"].iloc[0]) if len(hit) else np.nan

    def change_crossings(self, ch: Change) -> None:
        f = ch.fields
        sel = {
            k: v
            for k, v in f.items()
            if k in ("link_id", "links", "link_class", "mode", "via", "countries")
        }
        ids = set(self.t["links"][self._select_links(sel)]["link_id"])
        cr = self.t["crossings"].copy()
        mask = cr["link_id"].isin(ids)
        if "direction" in f:
            if f["direction"] not in ("forward", "reverse"):
                raise _unknown("direction", f["direction"], ["forward", "reverse"])
            mask &= cr["direction"] == f["direction"]
        if not mask.any():
            raise _ProblemError("the selected links have no border crossing rows.")
        self._check_source(str(f.get("source", "estimate")))
        for kind, values in (("set", f.get("set", {})), ("multiply", f.get("multiply", {}))):
            for col, v in values.items():
                if col not in CROSSING_FIGURES:
                    raise _unknown(f"crossing figure to {kind}", col, list(CROSSING_FIGURES))
                if kind == "set":
                    cr.loc[mask, col] = float(v)
                else:
                    cr.loc[mask, col] = cr.loc[mask, col] * float(v)
        what = ", ".join(
            [f"{c} set to {v}" for c, v in f.get("set", {}).items()]
            + [f"{c} x {v}" for c, v in f.get("multiply", {}).items()]
        )
        for i in cr.index[mask]:
            was = f"{cr.at[i, 'source']} {cr.at[i, 'year']}"
            cr.loc[i, ["source", "year", "note"]] = self._prov(f, what, was)
        self.t["crossings"] = cr

    def _scope_ok(self, scope: str) -> None:
        if scope == "global":
            return
        kind, _, val = scope.partition(":")
        if kind == "class":
            known = sorted(set(self.t["links"]["link_class"]))
        elif kind == "kind":
            known = sorted(set(self.t["nodes"]["kind"]))
        elif kind == "op":
            known = [o.value for o in Operation]
        elif kind == "country":
            known = sorted(set(self.t["nodes"]["country"]))
        elif kind == "cargo":
            known = [c.value for c in CargoClass]
        else:
            raise _ProblemError(
                explain(
                    f"scope {scope!r} is not 'global', 'class:…', 'kind:…', 'op:…', "
                    "'country:…' or 'cargo:…'."
                )
            )
        if val not in known:
            raise _unknown(f"{kind} in scope", val, known)

    def set_parameter(self, ch: Change) -> None:
        f = ch.fields
        self._scope_ok(f["scope"])
        self._check_source(str(f["source"]))
        par = self.t["parameters"].copy()
        known = sorted(set(par["parameter"]))
        if f["parameter"] not in known:
            raise _unknown("parameter", f["parameter"], known)
        hit = (par["scope"] == f["scope"]) & (par["parameter"] == f["parameter"])
        row = {
            "scope": f["scope"],
            "parameter": f["parameter"],
            "value": float(f["value"]),
            "source": str(f["source"]),
            "year": str(f.get("year", "")),
            "note": str(f.get("note", "")) or f"scenario {self.s.name!r}",
        }
        if hit.any():
            for k, v in row.items():
                par.loc[hit, k] = v
        else:
            par = pd.concat([par, pd.DataFrame([row])], ignore_index=True)
        self.t["parameters"] = par

    def multiply_parameter(self, ch: Change) -> None:
        f = ch.fields
        self._scope_ok(f["scope"])
        par = self.t["parameters"].copy()
        hit = (par["scope"] == f["scope"]) & (par["parameter"] == f["parameter"])
        if not hit.any():
            known = sorted(par.loc[par["scope"] == f["scope"], "parameter"])
            raise _unknown(f"parameter of {f['scope']}", f["parameter"], known)
        i = par.index[hit][0]
        was = f"{par.at[i, 'source']} {par.at[i, 'year']}"
        par.at[i, "value"] = float(par.at[i, "value"]) * float(f["factor"])
        par.loc[i, ["source", "year", "note"]] = self._prov(
            f, f"{f['parameter']} x {f['factor']}", was
        )
        self.t["parameters"] = par

    def scale_demand(self, ch: Change) -> None:
        self.demand_ops.append(ch)


def _scale_demand(
    demand: ODMatrices, ops: list[Change], net: Network, problems: list[str], name: str
) -> ODMatrices:
    from corridors.assignment.demand import ODMatrices

    mats = {k: np.array(v, dtype=float) for k, v in demand.matrices.items()}
    zones = list(demand.zones)

    def zone_index(label: str) -> int | None:
        if label in zones:
            return zones.index(label)
        try:
            nid = net.find_place(label)
        except LookupError:
            nid = None
        if nid in zones:
            return zones.index(nid)
        problems.append(
            f"Scenario {name!r}: unknown demand zone {label!r}. " + (_suggest_zone(label, zones))
        )
        return None

    for ch in ops:
        classes = ch.fields.get("classes") or list(mats)
        for c in classes:
            if c not in mats:
                problems.append(
                    f"Scenario {name!r}, {ch.where()}: unknown demand class {c!r}. "
                    + _suggest_zone(str(c), list(mats))
                )
        rows = [zone_index(str(z)) for z in ch.fields.get("origins", [])]
        cols = [zone_index(str(z)) for z in ch.fields.get("destinations", [])]
        r = [i for i in rows if i is not None] if rows else slice(None)
        k = [j for j in cols if j is not None] if cols else slice(None)
        for c in classes:
            if c in mats:
                sub = mats[c][r, :] if rows else mats[c]
                if rows and cols:
                    mats[c][np.ix_(r, k)] *= float(ch.fields["factor"])  # type: ignore[arg-type]
                elif rows:
                    mats[c][r, :] = sub * float(ch.fields["factor"])
                elif cols:
                    mats[c][:, k] *= float(ch.fields["factor"])
                else:
                    mats[c] *= float(ch.fields["factor"])
    return ODMatrices(tuple(zones), mats, demand.units)


def _suggest_zone(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=3, cutoff=0.5)
    return ("Did you mean " + " or ".join(repr(c) for c in close) + "?") if close else ""


def base_network(scenario: Scenario) -> Network:
    """The network a scenario starts from (``bundled`` or its folder)."""
    return load_network() if scenario.base == "bundled" else load_network(scenario.base)


def _applied(network: Network, scenario: Scenario) -> _Applier:
    """Every change of ``scenario`` applied to copies of ``network``'s tables; every problem
    is gathered and raised together."""
    tables = {k: v.copy(deep=True) for k, v in network.tables.items()}
    app = _Applier(tables, scenario)
    problems: list[str] = []
    for ch in scenario.changes:
        fn: Callable[[Change], None] = app.add_row if ch.op in ADD_TABLE else getattr(app, ch.op)
        try:
            fn(ch)
        except _ProblemError as exc:
            problems.append(f"{ch.where()}: {exc}")
    if problems:
        raise ScenarioError(
            explain(
                f"Scenario {scenario.name!r} cannot be applied:\n  - " + "\n  - ".join(problems),
                fix="Fix the named changes in the scenario file.",
            )
        )
    if "capacities" in app.t:  # rows of removed links or nodes go with them
        from corridors.network._capacity import drop_missing_elements

        app.t["capacities"] = drop_missing_elements(
            app.t["capacities"], app.t["links"], app.t["nodes"]
        )
    return app


def apply_scenario(
    network: Network,
    scenario: Scenario | dict[str, Any] | str,
    *,
    demand: ODMatrices | None = None,
) -> tuple[Network, ODMatrices | None]:
    """Apply a scenario's changes to a copy of ``network`` (and of ``demand``).

    Parameters
    ----------
    network
        The base network; it is never modified.
    scenario
        A :class:`Scenario`, a scenario document (mapping) or a file path / shipped name.
    demand
        Demand to scale with the scenario's ``scale_demand`` changes (copied, never modified).

    Returns
    -------
    network, demand
        The scenario's network (named after the scenario) and its demand (``None`` when no
        demand was given).

    Raises
    ------
    ScenarioError
        Naming the scenario and every change that refers to an unknown link, node, country,
        parameter, source or demand zone, or whose result is not a valid network (the
        network's own problem list is included).

    Examples
    --------
    >>> from corridors.network import load_network
    >>> base = load_network()
    >>> net, _ = apply_scenario(base, "red-sea-closed")
    >>> "Suez" in set(base.tables["links"]["via"]), "Suez" in set(net.tables["links"]["via"])
    (True, False)
    """
    if isinstance(scenario, str):
        scenario = load_scenario(scenario)
    elif not isinstance(scenario, Scenario):
        scenario = scenario_from_dict(scenario)
    app = _applied(network, scenario)
    try:
        net = network.with_tables(app.t, name=scenario.name)
    except NetworkValidationError as exc:
        raise ScenarioError(
            explain(
                f"Scenario {scenario.name!r} makes the network invalid.\n{exc}",
                fix="Complete or correct the added rows (see docs/data-model.md).",
            )
        ) from exc
    out_demand = demand
    if demand is not None and app.demand_ops:
        dproblems: list[str] = []
        out_demand = _scale_demand(demand, app.demand_ops, net, dproblems, scenario.name)
        if dproblems:
            raise ScenarioError("\n".join(dproblems))
    log.debug("applied scenario %s: %d changes", scenario.name, len(scenario.changes))
    return net, out_demand


def scenario_network(scenario: Scenario | str) -> Network:
    """The network of a scenario, from its own base."""
    if isinstance(scenario, str):
        scenario = load_scenario(scenario)
    return apply_scenario(base_network(scenario), scenario)[0]
