"""Validation of project documents: every figure, year, provenance and cross-field rule.

Each problem is one :class:`~corridors.errors.InvalidSpecError` naming the project (and file),
the field and the fix; :func:`corridors.appraisal.project.project_from_dict` drives the checks.
"""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from corridors.appraisal.figures import Figure, GrowthPath
from corridors.errors import InvalidSpecError, ScenarioError, explain

DEFAULTS_FILE = "defaults.yaml"


def projects_dir() -> Path:
    """The folder of the shipped projects and their defaults (``data/projects``)."""
    return Path(str(resources.files("corridors") / "data" / "projects"))


REQUIRED = (
    "scenario",
    "price_year",
    "opening_year",
    "lifetime_years",
    "capital_cost_usd_m",
    "operating_cost_usd_m_per_year",
    "residual_value_usd_m",
)
"""Fields every project gives."""
VALUATION = {
    "discount_rate": (0.0, 0.5),
    "carbon_price_usd_per_t": (0.0, 5000.0),
    "operator_margin": (0.0, 1.0),
    "reliability_ratio": (0.0, 5.0),
    "cost_overrun": (0.0, 5.0),
}
"""Valuation figures (a project's own, else ``defaults.yaml``) and their bounds."""
TOP_KEYS = {"name", "description", *REQUIRED, "modelled_years", "demand_growth", *VALUATION}
"""Every top-level key a project may have."""


class Checker:
    """Checks of one project's fields; each failure names ``where`` (project and file)."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, what: str, why: str | None = None, fix: str | None = None) -> InvalidSpecError:
        """The error to raise for problem ``what`` (with why and fix)."""
        return InvalidSpecError(explain(f"{self.where}: {what}", why, fix))

    def number(
        self, key: str, v: Any, *, lo: float | None = None, hi: float | None = None
    ) -> float:
        """``v`` as a finite number within ``[lo, hi]``."""
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise self.fail(f"{key} = {v!r} is not a number.", fix=f"Write {key} as a number.")
        if not math.isfinite(v):
            raise self.fail(
                f"{key} = {v!r} is not finite.",
                why="An appraisal cannot discount infinite or missing amounts.",
                fix="Give a finite number.",
            )
        if lo is not None and v < lo:
            raise self.fail(f"{key} = {v} is below {lo:g}.", fix=f"Give a value ≥ {lo:g}.")
        if hi is not None and v > hi:
            raise self.fail(f"{key} = {v} is above {hi:g}.", fix=f"Give a value ≤ {hi:g}.")
        return float(v)

    def only(self, key: str, raw: Mapping[str, Any], allowed: set[str]) -> None:
        """Fail on fields of ``raw`` (the mapping at ``key``) that are not ``allowed``."""
        unknown = set(raw) - allowed
        if unknown:
            raise self.fail(
                f"{key}: unknown field(s) {sorted(unknown)}.", fix=f"Use {sorted(allowed)}."
            )

    def year(self, key: str, v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, int) or not 1900 <= v <= 2200:
            raise self.fail(f"{key} = {v!r} is not a year.", fix="Give a year such as 2027.")
        return int(v)

    def provenance(self, key: str, d: Mapping[str, Any]) -> tuple[str, str, str]:
        """Source, method and note of the figure ``d``: a known source, or an estimate with
        a method."""
        src = d.get("source")
        if not isinstance(src, str) or not src.strip():
            raise self.fail(
                f"{key} has no source.",
                why="Every figure of an appraisal needs its source or the method of its estimate.",
                fix=f"Add 'source: S..' (sources.csv) or 'source: estimate' with "
                f"'method: M..' to {key}.",
            )
        method = str(d.get("method") or "")
        if src.strip() != "estimate" and src.strip() not in _source_ids():
            raise self.fail(
                f"{key}: source {src!r} is not in sources.csv.",
                fix="Add the source to data/network/sources.csv or mark the figure "
                "'source: estimate' with a method.",
            )
        if src.strip() == "estimate" and not method:
            raise self.fail(
                f"{key} is an estimate without a method.",
                fix="Add 'method: M..' naming the method in SOURCES.md.",
            )
        return src.strip(), method, str(d.get("note") or "")

    def figure(
        self,
        key: str,
        raw: Any,
        *,
        by_year: bool = False,
        lo: float | None = 0.0,
        hi: float | None = None,
    ) -> Figure:
        """The :class:`Figure` at ``key``: a value (or a by-year path) in ``[lo, hi]`` with
        its provenance."""
        if not isinstance(raw, Mapping):
            raise self.fail(
                f"{key} must be a mapping with {'by_year' if by_year else 'value'} and source.",
                fix=f"Write e.g. {key}: {{{'by_year: {2025: 100}' if by_year else 'value: 1'}, "
                "source: estimate, method: M120}.",
            )
        self.only(key, raw, {"value", "by_year", "source", "method", "note"})
        src, method, note = self.provenance(key, raw)
        if by_year or "by_year" in raw:
            by = raw.get("by_year")
            if not isinstance(by, Mapping) or not by:
                raise self.fail(f"{key} needs 'by_year': a mapping year → number.")
            out = {
                self.year(f"{key}.by_year year", y): self.number(
                    f"{key}.by_year[{y}]", v, lo=lo, hi=hi
                )
                for y, v in by.items()
            }
            return Figure(float("nan"), dict(sorted(out.items())), src, method, note)
        if "value" not in raw:
            raise self.fail(f"{key} needs 'value'.")
        return Figure(
            self.number(f"{key}.value", raw["value"], lo=lo, hi=hi), {}, src, method, note
        )


@functools.lru_cache(maxsize=1)
def _source_ids() -> frozenset[str]:
    """The source ids of ``data/network/sources.csv``."""
    import csv

    p = Path(str(resources.files("corridors") / "data" / "network" / "sources.csv"))
    with p.open(encoding="utf-8") as fh:
        return frozenset(r["source_id"] for r in csv.DictReader(fh))


def suggest(word: str, options: Sequence[str]) -> str:
    """A "did you mean" hint for ``word`` among ``options`` (or the list of them)."""
    close = difflib.get_close_matches(word, list(options), n=3, cutoff=0.5)
    if close:
        return "Did you mean " + " or ".join(repr(c) for c in close) + "?"
    return "Known: " + ", ".join(sorted(options)) + "."


def defaults() -> dict[str, Any]:
    """The valuation defaults of ``data/projects/defaults.yaml``."""
    p = projects_dir() / DEFAULTS_FILE
    return dict(yaml.safe_load(p.read_text(encoding="utf-8")) or {})


def check_fields(ck: Checker, doc: Mapping[str, Any]) -> None:
    """Only known top-level keys, a valid lifetime, and every required field present."""
    for k in doc:
        if k not in TOP_KEYS:
            raise ck.fail(f"unknown key {k!r}.", fix=suggest(str(k), sorted(TOP_KEYS)))
    check_lifetime(ck, doc)
    missing = [k for k in REQUIRED if k not in doc]
    if missing:
        raise ck.fail(
            f"missing field(s) {', '.join(missing)}.", fix="See docs/appraisal.md for the format."
        )


def modelled_years(ck: Checker, raw: Any, opening: int, lifetime: int) -> tuple[int, ...]:
    """The modelled years, sorted, each within the years of operation."""
    if not isinstance(raw, list) or not raw:
        raise ck.fail("modelled_years must be a list of years.", fix="Write e.g. [2027, 2035].")
    modelled = tuple(sorted({ck.year("modelled_years", y) for y in raw}))
    last = opening + lifetime - 1
    out_of = [y for y in modelled if not opening <= y <= last]
    if out_of:
        raise ck.fail(
            f"modelled_years {out_of} fall outside the years of operation {opening}–{last}.",
            fix="Model years between opening_year and opening_year + lifetime_years − 1.",
        )
    return modelled


def valuation(ck: Checker, doc: Mapping[str, Any]) -> dict[str, Figure]:
    """The valuation figures: the project's own, else those of ``defaults.yaml``."""
    dflt = defaults()
    val: dict[str, Figure] = {}
    for key, (lo, hi) in VALUATION.items():
        raw = doc.get(key, dflt.get(key))
        if raw is None:
            raise ck.fail(f"{key} is given neither here nor in {DEFAULTS_FILE}.")
        val[key] = ck.figure(key, raw, lo=lo, hi=hi)
    return val


def check_lifetime(ck: Checker, doc: Mapping[str, Any]) -> None:
    """Lifetime first: the most common slip gets the clearest message."""
    if "lifetime_years" not in doc:
        return
    lt = doc["lifetime_years"]
    if isinstance(lt, bool) or not isinstance(lt, int):
        raise ck.fail(
            f"lifetime_years = {lt!r} is not a whole number of years.", fix="Give e.g. 30."
        )
    if lt < 1:
        raise ck.fail(
            f"lifetime_years = {lt} is below 1.",
            why="A project must operate at least one year to have benefits.",
            fix="Give the years of operation to appraise, e.g. 30.",
        )


def check_capital_years(ck: Checker, capex: Figure, opening: int) -> None:
    cy = sorted(capex.by_year)
    if cy[-1] >= opening:
        raise ck.fail(
            f"capital_cost_usd_m has spending in {cy[-1]}, not before opening_year {opening}.",
            fix="Give construction spending in the years before opening (later renewals belong "
            "in the operating cost).",
        )
    gaps = sorted(set(range(cy[0], opening)) - set(cy))
    if gaps:
        raise ck.fail(
            f"capital_cost_usd_m has no figure for year(s) {gaps} between its first year "
            f"{cy[0]} and opening_year {opening}.",
            why="A missing construction year would be read as no spending, silently.",
            fix="Give every construction year (0 for a year without spending).",
        )


def check_scenario(ck: Checker, scen: str, ref: str) -> None:
    """The project's scenario ``scen`` (resolved to ``ref``) exists and is valid."""
    from corridors.scenarios.model import load_scenario, shipped_scenarios

    try:
        load_scenario(ref)
    except ScenarioError as exc:
        if not Path(ref).is_file() and ref not in shipped_scenarios():
            raise ck.fail(
                f"scenario {scen!r} is neither a shipped scenario nor a file.",
                fix=suggest(scen, list(shipped_scenarios())),
            ) from None
        raise ck.fail(f"scenario {scen!r} is invalid: {exc}") from None


def growth_path(ck: Checker, i: int, raw: Any) -> GrowthPath:
    """The ``i``-th entry of ``demand_growth``: a by-year path or a compound yearly rate."""
    key = f"demand_growth[{i}]"
    if not isinstance(raw, Mapping):
        raise ck.fail(f"{key} must be a mapping.")
    allowed = {
        "name",
        "classes",
        "origins",
        "destinations",
        "by_year",
        "rate_per_year",
        "from_year",
        "source",
        "method",
        "note",
    }
    ck.only(key, raw, allowed)
    lists: dict[str, Any] = {}
    for k in ("classes", "origins", "destinations"):
        v = raw.get(k) or []
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list):
            raise ck.fail(f"{key}.{k} must be a list.")
        lists[k] = tuple(str(x) for x in v if str(x) != "*")
    name = str(raw.get("name") or f"growth {i + 1}")
    if ("by_year" in raw) == ("rate_per_year" in raw):
        raise ck.fail(f"{key} ({name}) needs exactly one of by_year or rate_per_year.")
    if "rate_per_year" in raw:
        src, method, note = ck.provenance(key, raw)
        rate = ck.number(f"{key}.rate_per_year", raw["rate_per_year"], lo=-0.5, hi=1.0)
        fy = ck.year(f"{key}.from_year", raw.get("from_year", 2024))
        return GrowthPath(
            name, Figure(rate, {}, src, method, note), compound=True, from_year=fy, **lists
        )
    fig = ck.figure(
        key, {k: raw[k] for k in ("by_year", "source", "method", "note") if k in raw}, by_year=True
    )
    return GrowthPath(name, fig, **lists)
