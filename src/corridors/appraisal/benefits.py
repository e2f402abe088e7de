"""Benefits of a project in one year, by who gets them, from two choice equilibria.

Given the equilibrium without the project (*base*) and with it (*project*) on the same demand:

shipper surplus
    The change in what shippers' choices are worth, from the nested-logit model itself. Its
    utility is ``asc − λ ln G`` (log of the generalized cost ``G`` in USD per unit), so the
    marginal utility of money differs between alternatives and the logsum (in utils) has no
    single money rate. The surplus is therefore the model's own demand integrated over the cost
    change (Marshallian surplus): per market, ``D · ∫₀¹ Σ_a P_a(s) G_a(s) (ln G⁰_a − ln G¹_a) ds``
    along ``ln G(s) = (1 − s) ln G⁰ + s ln G¹``, where ``G_a`` is each alternative's composite
    cost (its routes' logsum), ``P_a`` the nested-logit choice probability and ``D`` the market
    demand. Because ``d ln G`` weighted by ``P`` is the logsum's own derivative, the integral is
    exact for the logsum in log-cost units; for small changes it reduces to the rule of a half
    ``D Σ_a ½ (P⁰_a + P¹_a)(G⁰_a − G¹_a)`` (tested). Only alternatives present on both sides
    enter (in both): route generation can find an alternative in one run and not in the other
    (e.g. sea from Bukhara to Moscow), which would otherwise count as a gain or loss of a whole
    corridor. The demand of markets with such one-sided alternatives is reported
    (``one_sided_demand_share``); a project that creates a corridor no route reached before
    is undervalued by this rule.
time and cost parts
    The rule-of-a-half split of the surplus into time (value of time × hours) and money
    (tariffs, fees) per alternative present on both sides; reported, not added.
reliability
    Hours between the median and the 90th percentile of each link's time, from the figures the
    reliability model draws from: border dwell (``dwell_p90_h − dwell_h`` of
    ``crossings.csv``) and running time (lognormal with the link class's ``run_time_cv`` of
    ``reliability.csv``), summed along each route, times the flow, the class's value of time
    and the reliability ratio. Summing treats the delays along a route as fully correlated (an
    upper bound on the route's spread); handling and sailing-cancellation spreads are left out.
operator revenue
    Tariffs, fees and handling charges paid per link, by the country of the link (a border link
    is shared half and half); the transit part is paid by flows that neither start nor end in
    the country. The economic benefit is the operators' margin on the change.
CO2
    Tonne-km per link × the link's well-to-wheel factor (``co2_wtw_g_per_tkm`` of the cost
    model, ISO 14083 / GLEC; the itineraries' figures), by country and by corridor; valued at
    the carbon price of the year.
crossings
    Volume, volume/capacity and queue delay at each capacity-limited border, port and ferry link,
    and the TEU-equivalent hours saved there (part of the shipper surplus, reported).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from corridors.assignment.choice import ALT_NEST, ALTERNATIVES, LABELS, NEST_NAMES, nested_logit
from corridors.network.modes import Mode

if TYPE_CHECKING:
    from corridors.assignment.sue import ChoiceResult

__all__ = [
    "YearBenefits",
    "alternative_costs",
    "logsum_surplus",
    "one_sided_share",
    "rule_of_half",
    "year_benefits",
]

F64 = npt.NDArray[np.float64]

_GL_X, _GL_W = np.polynomial.legendre.leggauss(12)
_GL_S, _GL_WS = 0.5 * (_GL_X + 1.0), 0.5 * _GL_W


def alternative_costs(result: ChoiceResult) -> pd.DataFrame:
    """Per market: demand and the composite log-cost of every alternative.

    Returns
    -------
    pandas.DataFrame
        Index ``(class, origin, destination)``; column ``demand`` (class unit per year) and one
        column per alternative of :data:`~corridors.assignment.choice.ALTERNATIVES` holding
        ``ln G_a`` (``ln`` of USD per unit; ``inf`` where the market has no such route).
    """
    from corridors.assignment._sue_logit import alternative_log_costs

    pr = result.problem
    mat = alternative_log_costs(pr, result.path_gc, result.params.route_scale)
    z = np.asarray(pr.corridor.zones)
    idx = pd.MultiIndex.from_arrays(
        [np.asarray(pr.class_names)[pr.mkt_cls], z[pr.mkt_o], z[pr.mkt_d]],
        names=["class", "origin", "destination"],
    )
    out = pd.DataFrame(mat, index=idx, columns=list(ALTERNATIVES))
    out.insert(0, "demand", pr.mkt_demand)
    return out


def _aligned(base: pd.DataFrame, proj: pd.DataFrame) -> tuple[F64, F64, F64, pd.Index]:
    idx = base.index.union(proj.index)
    b = base.reindex(idx)
    p = proj.reindex(idx)
    alts = list(ALTERNATIVES)
    lg0 = b[alts].to_numpy(float)
    lg1 = p[alts].to_numpy(float)
    lg0 = np.where(np.isnan(lg0), np.inf, lg0)
    lg1 = np.where(np.isnan(lg1), np.inf, lg1)
    d = 0.5 * (b["demand"].fillna(0).to_numpy() + p["demand"].fillna(0).to_numpy())
    return lg0, lg1, d, idx


def one_sided_share(base: pd.DataFrame, proj: pd.DataFrame) -> float:
    """Share of demand in markets where some alternative exists on one side only."""
    lg0, lg1, d, _ = _aligned(base, proj)
    one = (np.isfinite(lg0) != np.isfinite(lg1)).any(axis=1)
    return float(d[one].sum() / d.sum()) if d.sum() > 0 else 0.0


def _constants(nest_scale: Mapping[str, float], asc: Mapping[str, float]) -> tuple[F64, F64]:
    """Constants per alternative and scales per nest, as arrays in model order."""
    a = np.array([asc.get(x, 0.0) for x in ALTERNATIVES])
    th = np.array([nest_scale[n] for n in NEST_NAMES])
    return a, th


def _probabilities(lg: F64, asc: F64, lam: float, theta: F64) -> F64:
    """Nested-logit shares of the alternatives from their log-costs ``lg`` (inf: absent)."""
    u = np.where(np.isfinite(lg), asc[None, :] - lam * lg, -np.inf)
    return nested_logit(u, ALT_NEST, theta)


def logsum_surplus(
    base: pd.DataFrame,
    proj: pd.DataFrame,
    *,
    cost_scale: float,
    nest_scale: Mapping[str, float],
    asc: Mapping[str, float],
) -> pd.Series:
    """Shipper surplus per market (USD per year) between two :func:`alternative_costs` tables.

    The model's demand integrated over the change of composite costs (see the module
    docstring); 12-point Gauss–Legendre quadrature along the straight line in log-cost.
    Positive when the project makes shipping cheaper.
    """
    lg0, lg1, d, idx = _aligned(base, proj)
    a, th = _constants(nest_scale, asc)
    ok = np.isfinite(lg0) & np.isfinite(lg1)
    dl = np.where(ok, lg0 - np.where(ok, lg1, 0.0), 0.0)
    tot = np.zeros(d.shape[0])
    for s, w in zip(_GL_S, _GL_WS, strict=True):
        lg = np.where(ok, (1 - s) * lg0 + s * lg1, np.inf)
        p = _probabilities(lg, a, cost_scale, th)
        tot += w * np.sum(p * np.exp(np.where(ok, lg, 0.0)) * dl, axis=1)
    return pd.Series(d * tot, index=idx, name="surplus_usd_per_yr")


def rule_of_half(
    base: pd.DataFrame,
    proj: pd.DataFrame,
    *,
    cost_scale: float,
    nest_scale: Mapping[str, float],
    asc: Mapping[str, float],
) -> pd.Series:
    """Rule-of-a-half surplus per market (USD per year) over alternatives present on both sides:
    ``D Σ_a ½ (P⁰_a + P¹_a)(G⁰_a − G¹_a)``."""
    lg0, lg1, d, idx = _aligned(base, proj)
    a, th = _constants(nest_scale, asc)
    both = np.isfinite(lg0) & np.isfinite(lg1)
    p0 = _probabilities(np.where(both, lg0, np.inf), a, cost_scale, th)
    p1 = _probabilities(np.where(both, lg1, np.inf), a, cost_scale, th)
    dg = np.where(both, np.exp(np.where(both, lg0, 0)) - np.exp(np.where(both, lg1, 0)), 0.0)
    return pd.Series(d * np.sum(0.5 * (p0 + p1) * dg, axis=1), index=idx, name="roh_usd_per_yr")


@dataclass(frozen=True)
class YearBenefits:
    """Benefits of one modelled year (USD per year in the price year; flows per year).

    Attributes
    ----------
    year, demand_factor
        The modelled year and the demand factor it was run at.
    totals
        ``shipper_surplus_usd``, its rule-of-a-half ``time_part_usd`` and ``cost_part_usd``,
        ``rule_of_half_usd``, ``reliability_usd``, ``revenue_change_usd``,
        ``co2_change_t`` (project − base; negative is a saving), ``crossing_hours_saved``
        (TEU-equivalent hours), ``converged``.
    by_class
        Shipper surplus per demand class.
    revenue
        Per country: base and project operator revenue and the transit part (USD per year).
    co2_country, co2_corridor
        Per country / corridor: base and project t CO2e per year.
    crossings
        Per capacity-limited crossing, port or ferry link: base and project flow, v/c, delay.
    """

    year: int
    demand_factor: float
    totals: Mapping[str, float]
    by_class: pd.DataFrame
    revenue: pd.DataFrame
    co2_country: pd.DataFrame
    co2_corridor: pd.DataFrame
    crossings: pd.DataFrame
    extra: Mapping[str, Any] = field(default_factory=dict)


def _link_attributes(result: ChoiceResult) -> dict[str, Any]:
    """Per merged-graph link: countries (tail, head), WTW g/tkm, km, P90−P50 dwell hours."""
    from corridors.assignment._sue_routes import arc_attributes

    pr = result.problem
    attr = arc_attributes(pr.net, pr.corridor)
    ids = np.asarray(pr.corridor.graph.link_ids).astype(str)
    lk = pr.net.links.reindex(ids)
    col = "co2_wtw_g_per_tkm" if "co2_wtw_g_per_tkm" in lk.columns else "co2_g_per_tkm"
    gpt = np.nan_to_num(lk[col].to_numpy(float))
    dwell_spread = np.nan_to_num(
        np.maximum(
            lk["border_dwell_p90_h"].to_numpy(float) - lk["border_dwell_h"].to_numpy(float), 0
        )
    )
    spread = dwell_spread + _running_spread(lk)
    return {
        "ca": attr["ca"],
        "cb": attr["cb"],
        "gpt": np.where(attr["is_link"], gpt, 0.0),
        "km": attr["length"],
        "spread": np.where(attr["is_link"], spread, 0.0),
        "ids": ids,
        "types": np.asarray(pr.corridor.graph.link_type).astype(str),
    }


def _running_spread(lk: pd.DataFrame) -> F64:
    """P90 − P50 hours of each link's running time: lognormal with the routed running time as
    mean and the link class's ``run_time_cv`` of the reliability model (``reliability.csv``)."""
    from corridors.reliability._params import load_reliability_parameters

    rp = load_reliability_parameters()
    cls = lk["link_class"].fillna("").astype(str).to_numpy()
    cv = np.array([rp.get(c, "run_time_cv") if c else 0.0 for c in cls])
    t = np.nan_to_num(lk["run_time_h"].to_numpy(float))
    sigma = np.sqrt(np.log1p(cv**2))
    median = t / np.sqrt(1.0 + cv**2)
    return np.asarray(median * np.expm1(1.2815515655446004 * sigma), float)


def _country_weights(ca: npt.NDArray[np.str_], cb: npt.NDArray[np.str_]) -> tuple[F64, list[str]]:
    countries = sorted({c for c in np.concatenate([ca, cb]) if c})
    pos = {c: i for i, c in enumerate(countries)}
    w = np.zeros((ca.shape[0], len(countries)))
    for i, (a, b) in enumerate(zip(ca, cb, strict=True)):
        if a and b:
            w[i, pos[a]] += 0.5
            w[i, pos[b]] += 0.5
        elif a or b:
            w[i, pos[a or b]] += 1.0
    return w, countries


def _flows_by_country(result: ChoiceResult) -> dict[str, Any]:
    """Revenue (with transit part), CO2 by country and corridor, reliability exposure."""
    pr = result.problem
    at = _link_attributes(result)
    w, countries = _country_weights(at["ca"], at["cb"])
    node_c = pr.net.nodes["country"].astype(str).to_dict()
    z = np.asarray(pr.corridor.zones)
    oc = np.array([node_c.get(x, "") for x in z[pr.mkt_o]])
    dc = np.array([node_c.get(x, "") for x in z[pr.mkt_d]])
    tpu_all = result.tonnes_per_unit
    rev = np.zeros(len(countries))
    transit = np.zeros(len(countries))
    co2_c = np.zeros(len(countries))
    co2_alt = np.zeros(len(ALTERNATIVES))
    unrel = 0.0
    pc = pr.mkt_cls[pr.path_mkt]
    cpos = {c: i for i, c in enumerate(countries)}
    for ci, prof in enumerate(pr.profiles):
        sel = np.flatnonzero(pc == ci)
        if sel.size == 0:
            continue
        f = result.path_flow[sel]
        inc = pr.incidence[sel]
        cost = np.nan_to_num(pr.corridor.cargo_cost[prof.cargo])
        r_pc = np.asarray(inc @ (cost[:, None] * w))  # paths × countries, USD per unit
        rev += f @ r_pc
        m = pr.path_mkt[sel]
        not_end = np.ones_like(r_pc, dtype=bool)
        for c, j in cpos.items():
            not_end[:, j] = (oc[m] != c) & (dc[m] != c)
        transit += f @ (r_pc * not_end)
        co2_unit = at["km"] * at["gpt"] * tpu_all[ci] / 1e6  # t CO2e per unit on each link
        link_units = np.asarray(inc.T @ f, float)
        co2_c += (link_units * co2_unit) @ w
        co2_alt += np.bincount(
            pr.path_alt[sel], weights=f * np.asarray(inc @ co2_unit), minlength=len(ALTERNATIVES)
        )
        vot = prof.value_of_time * result.params.vot_scale
        unrel += float(vot * np.sum(f * np.asarray(inc @ at["spread"])))
    return {
        "countries": countries,
        "revenue": rev,
        "transit": transit,
        "co2_country": co2_c,
        "co2_alt": co2_alt,
        "unreliability_usd": unrel,
        "attr": at,
    }


def _crossings(base: ChoiceResult, proj: ChoiceResult) -> pd.DataFrame:
    def table(r: ChoiceResult) -> pd.DataFrame:
        lt = r.link_table()
        sailings = [m.value for m in Mode if m.spec.scheduled]  # ferry, sea, registered ones
        keep = lt["link_type"].isin(["border", "transfer", "gauge_change", *sailings])
        keep &= lt["capacity_teu_eq_per_yr"].notna()
        t = lt.loc[
            keep, ["link_id", "link_type", "flow_teu_eq_per_yr", "volume_capacity", "delay_h"]
        ]
        return t.groupby(["link_id", "link_type"], as_index=False).agg(
            flow_teu_eq_per_yr=("flow_teu_eq_per_yr", "sum"),
            volume_capacity=("volume_capacity", "max"),
            delay_h=("delay_h", "max"),
        )

    b, p = table(base), table(proj)
    m = b.merge(p, on=["link_id", "link_type"], how="outer", suffixes=("_base", "_project"))
    m = m.fillna({"flow_teu_eq_per_yr_base": 0.0, "flow_teu_eq_per_yr_project": 0.0})
    m["teu_eq_hours_base"] = m["flow_teu_eq_per_yr_base"] * m["delay_h_base"].fillna(0)
    m["teu_eq_hours_project"] = m["flow_teu_eq_per_yr_project"] * m["delay_h_project"].fillna(0)
    m["teu_eq_hours_saved"] = m["teu_eq_hours_base"] - m["teu_eq_hours_project"]
    m = m[(m["flow_teu_eq_per_yr_base"] > 0) | (m["flow_teu_eq_per_yr_project"] > 0)]
    return m.sort_values("teu_eq_hours_saved", ascending=False, key=np.abs).reset_index(drop=True)


def _parts(base: ChoiceResult, proj: ChoiceResult) -> tuple[float, float]:
    """Rule-of-a-half time and cost parts over (market, alternative) present on both sides."""
    keys = ["class", "origin", "destination", "alternative"]
    cols = [*keys, "flow", "time_h", "cost_usd"]
    s0 = base.share_table()[cols]
    s1 = proj.share_table()[cols]
    m = s0.merge(s1, on=keys, suffixes=("_0", "_1")).dropna()
    vot = {p.name: p.value_of_time * base.params.vot_scale for p in base.problem.profiles}
    q = 0.5 * (m["flow_0"] + m["flow_1"])
    time_part = float(np.sum(q * m["class"].map(vot) * (m["time_h_0"] - m["time_h_1"])))
    cost_part = float(np.sum(q * (m["cost_usd_0"] - m["cost_usd_1"])))
    return time_part, cost_part


def year_benefits(
    base: ChoiceResult,
    proj: ChoiceResult,
    *,
    year: int = 0,
    demand_factor: float = 1.0,
    reliability_ratio: float = 1.0,
) -> YearBenefits:
    """Benefits of the project in one year from its two equilibria (see the module docstring).

    Parameters
    ----------
    base, proj
        Equilibria without and with the project, on the same demand and choice parameters.
    year, demand_factor
        Labels of the run.
    reliability_ratio
        USD of one hour of P90−P50 spread per USD of one hour of mean time.
    """
    pa = base.params
    kw: dict[str, Any] = {"cost_scale": pa.cost_scale, "nest_scale": pa.nest_scale, "asc": pa.asc}
    ac0, ac1 = alternative_costs(base), alternative_costs(proj)
    surplus = logsum_surplus(ac0, ac1, **kw)
    roh = rule_of_half(ac0, ac1, **kw)
    f0, f1 = _flows_by_country(base), _flows_by_country(proj)
    revenue, co2_country, co2_corridor = _country_tables(f0, f1)
    crossings = _crossings(base, proj)
    time_part, cost_part = _parts(base, proj)
    by_class = surplus.groupby(level="class").sum().rename("shipper_surplus_usd").reset_index()
    totals = {
        "shipper_surplus_usd": float(surplus.sum()),
        "rule_of_half_usd": float(roh.sum()),
        "time_part_usd": time_part,
        "cost_part_usd": cost_part,
        "reliability_usd": reliability_ratio * (f0["unreliability_usd"] - f1["unreliability_usd"]),
        "revenue_change_usd": float(revenue["revenue_change_usd"].sum()),
        "co2_change_t": float(co2_country["co2_change_t"].sum()),
        "crossing_hours_saved": float(crossings["teu_eq_hours_saved"].sum()),
        "one_sided_demand_share": one_sided_share(ac0, ac1),
        "converged": float(base.converged and proj.converged),
    }
    return YearBenefits(
        year=year,
        demand_factor=demand_factor,
        totals=totals,
        by_class=by_class,
        revenue=revenue,
        co2_country=co2_country,
        co2_corridor=co2_corridor[
            (co2_corridor["co2_base_t"] > 0) | (co2_corridor["co2_project_t"] > 0)
        ],
        crossings=crossings,
    )


def _country_tables(
    f0: Mapping[str, Any], f1: Mapping[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Revenue (with its transit part) and CO2 per country, and CO2 per corridor: base beside
    project and the change, from two :func:`_flows_by_country`."""
    countries = sorted(set(f0["countries"]) | set(f1["countries"]))

    def per_country(f: Mapping[str, Any], key: str) -> F64:
        s = pd.Series(f[key], index=f["countries"]).reindex(countries, fill_value=0.0)
        return np.asarray(s.to_numpy(), float)

    revenue = pd.DataFrame(
        {
            "country": countries,
            "revenue_base_usd": per_country(f0, "revenue"),
            "revenue_project_usd": per_country(f1, "revenue"),
            "transit_base_usd": per_country(f0, "transit"),
            "transit_project_usd": per_country(f1, "transit"),
        }
    )
    revenue["revenue_change_usd"] = revenue["revenue_project_usd"] - revenue["revenue_base_usd"]
    revenue["transit_change_usd"] = revenue["transit_project_usd"] - revenue["transit_base_usd"]
    co2_country = pd.DataFrame(
        {
            "country": countries,
            "co2_base_t": per_country(f0, "co2_country"),
            "co2_project_t": per_country(f1, "co2_country"),
        }
    )
    co2_country["co2_change_t"] = co2_country["co2_project_t"] - co2_country["co2_base_t"]
    co2_corridor = pd.DataFrame(
        {
            "corridor": [LABELS[a] for a in ALTERNATIVES],
            "co2_base_t": f0["co2_alt"],
            "co2_project_t": f1["co2_alt"],
        }
    )
    co2_corridor["co2_change_t"] = co2_corridor["co2_project_t"] - co2_corridor["co2_base_t"]
    return revenue, co2_country, co2_corridor
