"""The calibration docs page (``docs/calibration.md``; ``corridors calibrate --docs``)."""

from __future__ import annotations

import datetime as _dt

import pandas as pd

from corridors.calibration.fit import CalibrationResult
from corridors.calibration.report import done_when
from corridors.calibration.targets import added_date, observation_cells

__all__ = ["NOTES", "calibration_markdown"]

NOTES = """### History

- 2026-12-02 00:39 UTC: parameters fitted on the network before the OSM rail geometry and the
  new crossings (issue #10), with constants, value-of-time and queue scales only.
- A refit on that network (18 min, 2,870 equilibria) lowered the fit objective but moved the
  Southern container constant from −3.36 to +0.43 and sent Astana→Istanbul by the Southern
  corridor to 875 days behind a saturated element; it was rejected, which used the then
  held-back points once for model selection.
- This calibration adds the congestion penalty, the prior and the running-time factors,
  ten observations published elsewhere (added 2026-12-02; five of them held back by the rule),
  and an acceptance rule on the fit data only; the network includes the data fixes of
  issue 9 (hinterland road links, line capacities, Caspian and Southern data).
- 2026-12-02: a modelled transit time is the mean time of the corridor's shipments (its
  routes by the route logit, container classes by volume), no longer its single best route
  (see *Modelled values*); at the stored parameters this moved the times by −0.45 to +0.1 d.
- 2026-12-02 05:23 UTC: refit on a network and demand with a bulk train of ~3,700 t on one
  train path (M150), the Pavlodar–Semey–Ayagoz line (M151), sourced Northern-corridor speeds
  and Małaszewicze transshipment (M155–M157), the corridor rule's regional rail (Southern =
  rail into Iran), Turkmenbashi wagons at 2 TEU (M160), Russia/Kazakhstan ↔
  Turkmenistan/Afghanistan cells from published tonnages (M165–M168) and four 2023–25
  China–Europe times (M156; adding them moved six observations between fit and holdout
  under M49). Accepted by the rule (J 3.67 → 3.06 on the fit data); it moved China→Iran from
  14.9 d (stored parameters) to 15.3 d, out of its 14–15 d range.
- Tried on 2026-12-02 and not adopted (branches `h-routes`, `h-vdf`): route generation by
  link elimination (each crossing of a market's first route removed on its own) finds the
  all-rail Incheh Borun route and puts China→Iran at 14.5 d after a refit, but also offers
  China→Central Asia routes via Dostyk, which load the 2024 single track Dostyk–Aktogay
  westbound to v/c 1.10 (the road-style BPR curve hardly deters it) and push Xi'an→Duisburg
  to 14.2 d; with a queue for train paths on such lines (M/M/1, 24 h / paths per day) the
  overload falls to v/c 1.01 only at a 54 h wait that every train shares, and Xi'an→Duisburg
  (14.9 d), Xi'an→Baku (12.3 d) and China→Iran (15.1 d) leave their ranges; with containers
  served first (below) on top of both, Dostyk–Aktogay stays at v/c 1.06 because bulk trains,
  whose value of time is the cargo's capital only, do not react to the wait.
- 2026-12-02 06:15 UTC: containers before bulk in every queue (Cobham's non-preemptive
  priority, M171, decision 0005), refit from the 05:23 parameters: accepted (J 3.05 → 2.98 on
  the fit data, against 3.06 for the same refit without priority); China→Iran 15.3 → 14.8 d;
  held-back times 2 of 7 → 1 of 7 in range (Xi'an→Tehran 13.2 d against 15 d ±10 %). The
  structure was named on this page as the missing one before it was tried; four variants
  were measured in all (this history), so the choice between them used the fit data.

### Known structural causes (check against the lists above)

- **Transit times** respond weakly to the running-time factors: a 10 % change of one region's
  running times moves door-to-door times by 1–5 % (measured on this network, 2026-12-02),
  because terminals, border dwells, queues and ferry waits make up most of them. Published
  times are often best cases of scheduled or express block trains (Xi'an–Duisburg 12–14 d is
  the fixed-schedule express; Chengdu–Almaty 8 d a first service), so times within range
  are the least-met target.
- **Southern corridor**: Kazakhstan–Turkmenistan (Bolashak) comes out at about 1.5 times its
  2024 count (it was 2.6 before the Russia–Turkmenistan and Afghan cells were sized from
  published tonnages, M165–M168) while Turkmenistan–Iran (Sarakhs) is close to its counts.
  Yiwu→Tehran (published 14–15 d) is the mean of its Southern routes: the route set holds the
  line via Sarakhs (15.9 d) and a Bolashak–Incheh Borun route with a road leg to Khorgos
  (13.3 d, 10 % dearer), but not the all-rail Incheh Borun route (14.1 d, 0.2 % dearer than
  via Sarakhs): the route-diversity probe makes every crossing of the first routes dearer at
  once, so it never finds a route that changes only the Turkmen–Iranian crossing (see the
  history item on link elimination for what finding it does to the rest of the model).
- **Trains of different classes in the queues**: containers are served before bulk (M171),
  but a link's running time, the fixed border dwell (37.3 h at Dostyk, an all-traffic
  median) and its processing are the same for every train; published express times
  (Xi'an–Duisburg 12–14 d, met at 14.0 d) and ordinary ones (Xi'an–Moscow 13 d, Chengdu–Almaty
  8 d, both modelled too fast) are still not both met. Bulk trains do not react to waiting:
  their value of time is the cargo's capital only, without wagon and locomotive hours.
- **Turkmenbashi**: containers on the Turkmen ferry lines come out about twice the Turkmen
  fleet's count (a few thousand TEU), which covers the Turkmen ships only (Azerbaijan's rail
  ferries and ADY Container's vessels also sail the line, S1060, S1061). They were 8 times it
  while Chinese boxes for Turkmenistan and Afghanistan went by sea via Poti and the ferry
  (their rail route was scored as the Southern corridor) and M60 counted container wagons at
  6 TEU each (M160).
- **Caspian**: the total across the Caspian is under-predicted and Aktau's dry cargo
  over-predicted against Kuryk; no free parameter is port-specific.
- **Small counts** (Turkmen ferry containers, a few thousand TEU a year) pass the GEH test at
  almost any ratio, which is why the ratio-only column is given.
"""

PROCEDURE = """## Procedure

The model is `docs/developer/decisions/0002-mode-route-choice-equilibrium.md`; the fit is
`corridors.calibration` (objective in `corridors.calibration.objective`, optimiser in
`corridors.calibration.fit`).

**Objective** (minimised over the free parameters, fit observations only):
`J = J_counts + J_times + J_congestion + J_prior`, where

- `J_counts = Σ w ln²((M + 0.1 O) / (1.1 O))` over the fit counts (modelled M, observed O);
- `J_times = 10 Σ w d²` over the fit times and waits, `d` the log distance of the equilibrium
  value from the published range (0 inside; a single published figure counts as ±10 %); the
  weight 10 makes a time 10 % outside its range cost as much as a count 35 % over;
- `J_congestion = 100 Σ max(0, v/c − 0.95)²` over every capacity-limited element (link
  direction) where no congestion is observed — all but the links of the wait observations
  (Alashankou–Dostyk, Horgos–Altynkol, Brest–Małaszewicze, the Aktau–Alat ferry). The hinge
  at 0.95 leaves room below 1; an element at v/c 1.35 costs 16;
- `J_prior = Σ ((x − m) / s)²`, a Gaussian prior: corridor constants centred on the previous
  calibration with s = 1 utility unit (a factor ≈ 2 in cost at λ = 1.5), the value-of-time
  scale (log) with s = 0.5, the queue scale (log) with s = 0.7, and the seven time
  factors centred on 1 (the network's line speeds and ferry times) with s = 0.25 in log.

Hard bounds: constants ±6; value of time 1–30 × the inventory cost (M50); queue parameters
0.1–10 × M/M/1; time factors 0.7–1.6.

**Free parameters**: 4 rail-corridor constants for all classes and 4 bulk increments
(relative to sea; road and air keep 0, no observation counts them), the value-of-time and
queue scales, and one **running-time factor per region** (`time_factor`: China, Kazakhstan,
Russia/Belarus 1520 mm, EU, Caucasus and Turkey, Turkmenistan/Uzbekistan/Iran) that
multiplies the running time of that region's rail lines (not crossings, ports or
terminals): the ratio of commercial train times (stops, crew and locomotive changes,
marshalling, paths) to running at the network's line speeds; plus one factor on the
free-flow time of the Caspian ferries (sailing and the wait for a sailing, whose published
figures are traveller reports and schedules of varying age).

**Fixed from the literature, not fitted**: the cost scale λ = 1.5, the nest scales θ = 0.5
(sea, rail) and the route scale μ = 25. The counts are corridor volumes of markets whose
totals were sized from some of the same figures (`used_in_demand`), and every corridor has
its own constant, so λ is poorly identified by them: a larger λ is offset by constants. It is
checked instead against published freight elasticities (the table below); `log_cost_scale`
can be freed (`corridors calibrate --free ...`) with a prior s = 0.3 around 1.5. A check run
with λ free (2026-12-02, network and observations of that morning) left it at 1.51 and the
objective at 12.33 against 12.31 with λ fixed: the data do not ask for another λ.

**Optimiser**: `scipy.optimize.least_squares` (trust-region reflective within the bounds,
forward differences with step 1e-3, Jacobian-scaled). Every evaluation is an equilibrium to
relative gap 1e-6 on a fixed route set, warm-started from the current iterate's equilibrium;
the route set is extended by column generation at the start and once after the first fit,
and the table below is the equilibrium as the model runs it (routes regenerated).

**Modelled values**: a count is the equilibrium flow summed over its link directions, in its
unit; a wait the hours beyond running time on the element, flow-weighted over its links. A
**transit time** is the mean door-to-door time of the shipments that choose the corridor at
the equilibrium (`corridors.assignment.sue.expected_corridor_times`): the equilibrium hours
of the corridor's routes for that origin and destination, weighted by the model's route
logit within the corridor (scale μ, the probabilities the equilibrium loads), and for a
`container` time over standard and high-value containers weighted by their volume in the
corridor there. A published block-train time is the time of trains that carry both classes:
the model splits one container flow by value of time, not by service, and both classes
ride the same routes at the same hours, differing only in how they split over them. A pair
of places that is not a market of any of the classes gets the routes a market there would
get (the route-generation probes at free-flow and at the equilibrium times), with the
classes weighted by their network-wide volume in the corridor. A time that names no corridor,
or a corridor with no route there, takes the corridor of the cheapest route (its best route
under the corridor's probe). Until 2026-12-02 a modelled time was the corridor's single
best route, which jumped when two near-tied routes swapped order (Yiwu→Tehran: 15.9 d via
Sarakhs, 14.05 d via Incheh Borun at 0.15 % more cost).

**Split**: the fixed rule M49 (SHA-256 of the id; every third per kind held back).
Observations marked *added 2026-12-02* were collected after the previous calibration and
were not used to choose between models; the refit was accepted or rejected by the rule
stated under *Acceptance* before looking at them."""


def _parameters(cal: CalibrationResult) -> list[str]:
    lines = [
        "## Parameters",
        "",
        "| parameter | start (prior centre) | calibrated | bounds | on a bound |",
        "|---|---:|---:|---|:-:|",
    ]
    for r in cal.parameter_table().itertuples(index=False):
        lines.append(
            f"| {r.parameter} | {r.start:.3f} | {r.calibrated:.3f} | "
            f"[{r.lower:.2f}, {r.upper:.2f}] | {'**yes**' if r.at_bound else ''} |"
        )
    p = cal.params
    factors = ", ".join(f"{k} {v:.2f}" for k, v in sorted(p.time_factor.items())) or "all 1"
    lines += [
        "",
        f"Scales: value of time × {p.vot_scale:.2f}, queue parameters × {p.queue_scale:.2f}; "
        f"running-time factors: {factors}. λ = {p.cost_scale}, θ = "
        f"{dict(p.nest_scale)}, μ = {p.route_scale}.",
        "",
    ]
    return lines


def _targets(cal: CalibrationResult) -> list[str]:
    lines = [
        "## Targets met",
        "",
        "Counts are within target when GEH < 10 (on hourly equivalents) or the ratio is within",
        "±25 %; the ratio alone is also given because GEH on hourly equivalents lets small",
        "counts pass at almost any ratio.",
        "",
        "| split | kind | n | within (GEH<10 or ±25 %; times: in range) | within ±25 % only |",
        "|---|---|---:|---:|---:|",
    ]
    for r in cal.summary().itertuples(index=False):
        lines.append(
            f"| {r.split} | {r.kind} | {r.n} | {r.within:.0%} | "
            + (f"{r.within_ratio:.0%} |" if r.kind == "count" else "– |")
        )
    t = cal.table
    if "added" in t.columns:
        new = t[(t["added"].fillna("").astype(str) != "") & (t["split"] == "holdout")]
        if len(new):
            each = ", ".join(
                f"{o} {'yes' if w else 'no'}"
                for o, w in zip(new["obs_id"], new["within"], strict=True)
            )
            lines += [
                "",
                f"Fresh held-back observations (added {', '.join(sorted(set(new['added'])))}; "
                "not fitted, and not used in "
                f"the acceptance decision): {int(new['within'].sum())} of {len(new)} within target "
                f"({each}).",
            ]
    return [*lines, ""]


def _mark(ok: bool | None) -> str:
    return "–" if ok is None else ("yes" if ok else "**no**")


def _done_when(cal: CalibrationResult, before: CalibrationResult | None) -> list[str]:
    lines = ["## Done-when status (issue 9, base year)", ""]
    now = done_when(cal)
    if before is None:
        lines += ["| criterion | model | met |", "|---|---|:-:|"]
        lines += [f"| {what} | {how} | {_mark(ok)} |" for what, how, ok in now]
        return [*lines, ""]
    lines += [
        "Before: the previously stored parameters re-evaluated on the same network and",
        "observations; after: this calibration.",
        "",
        "| criterion | before | met | after | met |",
        "|---|---|:-:|---|:-:|",
    ]
    old = {what: (how, ok) for what, how, ok in done_when(before)}
    for what, how, ok in now:
        b_how, b_ok = old.get(what, ("–", None))
        lines.append(f"| {what} | {b_how} | {_mark(b_ok)} | {how} | {_mark(ok)} |")
    return [*lines, ""]


def _misses(cal: CalibrationResult) -> list[str]:
    miss = cal.table[~cal.table["within_ratio"]]
    if not len(miss):
        return []
    lines = ["## Where it misses (outside ±25 % or outside the published range)", ""]
    for r in miss.itertuples(index=False):
        if r.kind == "count":
            how = f"modelled/observed {r.ratio:.2f}"
        else:
            rng = f"{r.low_h / 24:.1f}–{r.high_h / 24:.1f} d"
            how = f"{r.modelled / 24:.1f} d modelled, published {rng}"
        lines.append(f"- `{r.obs_id}` ({r.split}, {r.kind}): {how}")
    return [*lines, ""]


def _every_observation(t: pd.DataFrame) -> list[str]:
    lines = [
        "## Every observation",
        "",
        "| id | split | kind | what | observed | modelled | ratio | GEH | within |",
        "|---|---|---|---|---:|---:|---:|---:|:-:|",
    ]
    for r in t.itertuples(index=False):
        obs, mod, g = observation_cells(r)
        new = f" (added {added_date(r)})" if added_date(r) else ""
        lines.append(
            f"| {r.obs_id}{new} | {r.split} | {r.kind} | {r.label} | {obs} | {mod} | "
            f"{r.ratio:.2f} | {g} | {'yes' if r.within else '**no**'} |"
        )
    return lines


def _elasticities(tables: dict[str, pd.DataFrame]) -> list[str]:
    lines = [
        "## Elasticities at the calibrated equilibrium",
        "",
        "Arc elasticities (±5 %, central differences, congestion feedback included) of each",
        "corridor's volume (rows) to one corridor's cost or time (columns), from",
        "`corridors elasticities`. Diagonal: direct; off-diagonal: cross.",
        "",
    ]
    for attr, e in tables.items():
        cols = list(e.columns)
        lines += [f"**{attr}**", "", "| volume of | " + " | ".join(cols) + " |"]
        lines.append("|---|" + "---:|" * len(cols))
        for i, row in e.iterrows():
            lines.append(f"| {i} | " + " | ".join(f"{v:+.2f}" for v in row) + " |")
        lines.append("")
    lines += [
        "Published freight elasticities: own-price elasticities of rail freight demand mostly "
        "between about −0.4 and −1.2 (Oum, Waters and Yong 1992, J. Transport Economics and "
        "Policy 26(2); Beuthe, Jourquin and Urbain 2014, Transport Reviews 34(5)); network-model "
        "logit estimates of direct cost elasticities for rail in Europe of the order of −1 to −2 "
        "(Jourquin 2019, J. Transportation Technologies 9(1)). Corridor elasticities within a "
        "nest are expected to be larger in magnitude than whole-mode ones.",
        "",
    ]
    for key, e in tables.items():
        rail = [a for a in ("rail_northern", "rail_middle", "rail_southern") if a in e.index]
        if key.startswith("cost") and rail:
            vals = {a: float(e.loc[a, a]) for a in rail}
            n_in = sum(-1.2 <= v <= -0.4 for v in vals.values())
            shown = ", ".join(f"{a} {v:+.2f}" for a, v in vals.items())
            lines += [f"Comparison ({key}): {shown} — {n_in} of {len(vals)} in −0.4 to −1.2.", ""]
    return lines


def calibration_markdown(
    cal: CalibrationResult,
    *,
    image: str = "img/calibration.png",
    elasticities: dict[str, pd.DataFrame] | None = None,
    notes: str = "",
    before: CalibrationResult | None = None,
) -> str:
    """The docs page of a calibration: procedure, parameters, targets, Done-when, table.

    ``before`` (e.g. the stored parameters re-evaluated) adds a before column to the
    Done-when table.
    """
    prov = dict(cal.params.provenance)
    parts = ", ".join(f"{k} {v:.3g}" for k, v in cal.parts.items())
    head = (
        f"Objective J: {cal.objective_start:.4g} at the start → **{cal.objective:.4g}** after "
        f"{cal.evaluations} equilibria ({cal.seconds:.0f} s)"
        if cal.evaluations > 1
        else f"Parameters re-evaluated without fitting: J = **{cal.objective:.4g}**"
    )
    fitted = prov.get("run_date", "?")
    made = (
        f"Generated by `corridors calibrate --docs` on {fitted}"
        if cal.evaluations > 1
        else f"Generated by `corridors calibrate --report-only --docs` on "
        f"{_dt.datetime.now(_dt.UTC):%Y-%m-%dT%H:%M:%SZ} for the parameters fitted on "
        f"{fitted}"
    )
    lines = [
        "# Calibration of the base year",
        "",
        f"{made} from `{prov.get('observations', '?')}` ({prov.get('n_fit', '?')} fit, "
        f"{prov.get('n_holdout', '?')} held-back observations).",
        "",
        f"{head}; terms at the reported equilibrium: {parts}; equilibrium relative gap "
        f"{cal.result.relative_gap:.1e}, {cal.result.problem.n_paths} routes.",
        "",
        *_done_when(cal, before),
        *_targets(cal),
        f"![observed vs modelled]({image})",
        "",
        *_parameters(cal),
        *_misses(cal),
    ]
    if notes:
        lines += [notes.rstrip(), ""]
    lines += [PROCEDURE, ""]
    if elasticities is not None:
        lines += _elasticities(elasticities)
    lines += _every_observation(cal.table)
    return "\n".join(lines) + "\n"
