"""Project files: a scenario plus money and time (capital and running costs, opening year,
lifetime, residual value), the demand growth it is appraised under and the valuation figures.

A project is a YAML mapping beside the scenarios (``data/projects/*.yaml``)::

    name: third-railroad
    scenario: third-railroad         # shipped scenario name or a file (relative to this file)
    price_year: 2024                 # every USD figure is in prices of this year
    opening_year: 2027
    lifetime_years: 30               # years of operation appraised
    capital_cost_usd_m:              # USD million by year
      by_year: {2024: 300, 2025: 450, 2026: 450}
      source: estimate
      method: M120
    operating_cost_usd_m_per_year: {value: 14, source: estimate, method: M121}
    residual_value_usd_m: {value: 400, source: estimate, method: M122}
    modelled_years: [2027, 2035]
    demand_growth:
      - name: background
        rate_per_year: 0.02
        from_year: 2024
        source: estimate
        method: M123

Every figure carries ``source`` (a source id of ``sources.csv``) or ``source: estimate`` with a
``method`` (an ``M..`` of ``SOURCES.md``). Figures a project does not give (discount rate,
carbon price path, operator margin, reliability ratio, cost overrun) come from
``data/projects/defaults.yaml``. Everything is checked when the project is built; each problem
is one :class:`~corridors.errors.InvalidSpecError` naming the file, the field and the fix.
"""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from corridors.errors import InvalidSpecError, ScenarioError, explain

__all__ = [
    "Figure",
    "GrowthPath",
    "Project",
    "load_project",
    "project_from_dict",
    "shipped_projects",
]

_DEFAULTS_FILE = "defaults.yaml"


def _projects_dir() -> Path:
    return Path(str(resources.files("corridors") / "data" / "projects"))


@dataclass(frozen=True)
class Figure:
    """A number (or a year → number path) with its provenance.

    Attributes
    ----------
    value
        The number, for a single figure (``nan`` for a path).
    by_year
        Year → number, for a path (empty for a single figure).
    source
        Source id (``S..`` in ``sources.csv``) or ``"estimate"``.
    method
        How an estimate was made (``M..`` in ``SOURCES.md``); empty for sourced figures.
    note
        Free text.
    """

    value: float = float("nan")
    by_year: Mapping[int, float] = field(default_factory=dict)
    source: str = ""
    method: str = ""
    note: str = ""

    def at(self, year: int | float) -> float:
        """The value in ``year``: linear between the given years, constant outside them."""
        if not self.by_year:
            return self.value
        ys = sorted(self.by_year)
        return float(np.interp(year, ys, [self.by_year[y] for y in ys]))

    def scaled(self, factor: float) -> Figure:
        """A copy with every number multiplied by ``factor``."""
        return Figure(
            self.value * factor,
            {y: v * factor for y, v in self.by_year.items()},
            self.source,
            self.method,
            self.note,
        )

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = (
            {"by_year": dict(self.by_year)} if self.by_year else {"value": self.value}
        )
        d["source"] = self.source
        if self.method:
            d["method"] = self.method
        if self.note:
            d["note"] = self.note
        return d


@dataclass(frozen=True)
class GrowthPath:
    """Demand growth for some classes and OD markets.

    The factor (relative to the base year of the demand) is ``by_year`` interpolated linearly
    and held after its last year, or ``(1 + rate_per_year) ** (year − from_year)``. Several
    paths that match one market multiply.

    Attributes
    ----------
    name
        Label.
    classes
        Demand classes (empty = all).
    origins, destinations
        Country codes or zone ids (empty = all).
    factor
        A :class:`Figure` holding ``by_year`` factors, or ``value`` = yearly rate when
        ``compound`` is true.
    compound
        Whether ``factor.value`` is a yearly growth rate.
    from_year
        Year the compound rate starts from.
    """

    name: str
    factor: Figure
    classes: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    destinations: tuple[str, ...] = ()
    compound: bool = False
    from_year: int = 2024

    def at(self, year: int | float) -> float:
        """Growth factor in ``year``."""
        if self.compound:
            return float((1.0 + self.factor.value) ** max(0.0, float(year) - self.from_year))
        return self.factor.at(year)


@dataclass(frozen=True)
class Project:
    """A validated project (see the module docstring for the file format).

    Attributes
    ----------
    name, description
        Label and purpose.
    scenario
        Shipped scenario name or path of the scenario file the project builds.
    price_year
        Year of the prices of every USD figure; also the year discounting refers to.
    opening_year, lifetime_years
        First year of operation and number of years of operation appraised.
    capital_cost
        USD million by year (``Figure.by_year``).
    operating_cost
        USD million per year of operation (``Figure.value``).
    residual_value
        USD million, credited in the last appraised year.
    modelled_years
        Years the equilibrium is run in (base and project); other years are interpolated.
    growth
        Demand growth paths.
    discount_rate, carbon_price, operator_margin, reliability_ratio, cost_overrun
        Valuation figures (:class:`Figure`; carbon price in USD per t CO2e by year).
    path
        File the project was read from.
    """

    name: str
    scenario: str
    price_year: int
    opening_year: int
    lifetime_years: int
    capital_cost: Figure
    operating_cost: Figure
    residual_value: Figure
    modelled_years: tuple[int, ...]
    growth: tuple[GrowthPath, ...] = ()
    discount_rate: Figure = field(default_factory=lambda: Figure(0.06, source="estimate"))
    carbon_price: Figure = field(default_factory=lambda: Figure(0.0, source="estimate"))
    operator_margin: Figure = field(default_factory=lambda: Figure(0.0, source="estimate"))
    reliability_ratio: Figure = field(default_factory=lambda: Figure(0.0, source="estimate"))
    cost_overrun: Figure = field(default_factory=lambda: Figure(0.0, source="estimate"))
    description: str = ""
    path: Path | None = None

    @property
    def last_year(self) -> int:
        """Last appraised year of operation."""
        return self.opening_year + self.lifetime_years - 1

    @property
    def years(self) -> tuple[int, ...]:
        """Every year with a cash flow: first capital year to the last year of operation."""
        first = min([*self.capital_cost.by_year, self.opening_year])
        return tuple(range(first, self.last_year + 1))

    def growth_factors(self, year: int | float) -> list[tuple[GrowthPath, float]]:
        """Each growth path with its factor in ``year``."""
        return [(g, g.at(year)) for g in self.growth]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (figures with their provenance)."""
        return {
            "name": self.name,
            "description": self.description,
            "scenario": self.scenario,
            "price_year": self.price_year,
            "opening_year": self.opening_year,
            "lifetime_years": self.lifetime_years,
            "capital_cost_usd_m": self.capital_cost.to_dict(),
            "operating_cost_usd_m_per_year": self.operating_cost.to_dict(),
            "residual_value_usd_m": self.residual_value.to_dict(),
            "modelled_years": list(self.modelled_years),
            "demand_growth": [
                {
                    "name": g.name,
                    "classes": list(g.classes),
                    "origins": list(g.origins),
                    "destinations": list(g.destinations),
                    **(
                        {"rate_per_year": g.factor.value, "from_year": g.from_year}
                        if g.compound
                        else {"by_year": dict(g.factor.by_year)}
                    ),
                    "source": g.factor.source,
                    "method": g.factor.method,
                }
                for g in self.growth
            ],
            "discount_rate": self.discount_rate.to_dict(),
            "carbon_price_usd_per_t": self.carbon_price.to_dict(),
            "operator_margin": self.operator_margin.to_dict(),
            "reliability_ratio": self.reliability_ratio.to_dict(),
            "cost_overrun": self.cost_overrun.to_dict(),
        }


# -- validation ------------------------------------------------------------------------------

_TOP = {
    "name",
    "description",
    "scenario",
    "price_year",
    "opening_year",
    "lifetime_years",
    "capital_cost_usd_m",
    "operating_cost_usd_m_per_year",
    "residual_value_usd_m",
    "modelled_years",
    "demand_growth",
    "discount_rate",
    "carbon_price_usd_per_t",
    "operator_margin",
    "reliability_ratio",
    "cost_overrun",
}
_VALUATION = {
    "discount_rate": (0.0, 0.5),
    "carbon_price_usd_per_t": (0.0, 5000.0),
    "operator_margin": (0.0, 1.0),
    "reliability_ratio": (0.0, 5.0),
    "cost_overrun": (0.0, 5.0),
}


class _Checker:
    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, what: str, why: str | None = None, fix: str | None = None) -> InvalidSpecError:
        return InvalidSpecError(explain(f"{self.where}: {what}", why, fix))

    def number(
        self, key: str, v: Any, *, lo: float | None = None, hi: float | None = None
    ) -> float:
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

    def year(self, key: str, v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, int) or not 1900 <= v <= 2200:
            raise self.fail(f"{key} = {v!r} is not a year.", fix="Give a year such as 2027.")
        return int(v)

    def provenance(self, key: str, d: Mapping[str, Any]) -> tuple[str, str, str]:
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
        if not isinstance(raw, Mapping):
            raise self.fail(
                f"{key} must be a mapping with {'by_year' if by_year else 'value'} and source.",
                fix=f"Write e.g. {key}: {{{'by_year: {2025: 100}' if by_year else 'value: 1'}, "
                "source: estimate, method: M120}.",
            )
        allowed = {"value", "by_year", "source", "method", "note"}
        unknown = set(raw) - allowed
        if unknown:
            raise self.fail(
                f"{key}: unknown field(s) {sorted(unknown)}.", fix=f"Use {sorted(allowed)}."
            )
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
    import csv

    p = Path(str(resources.files("corridors") / "data" / "network" / "sources.csv"))
    with p.open(encoding="utf-8") as fh:
        return frozenset(r["source_id"] for r in csv.DictReader(fh))


def _suggest(word: str, options: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=3, cutoff=0.5)
    if close:
        return "Did you mean " + " or ".join(repr(c) for c in close) + "?"
    return "Known: " + ", ".join(sorted(options)) + "."


def _defaults() -> dict[str, Any]:
    p = _projects_dir() / _DEFAULTS_FILE
    return dict(yaml.safe_load(p.read_text(encoding="utf-8")) or {})


def project_from_dict(
    doc: Mapping[str, Any], *, name: str | None = None, path: Path | None = None
) -> Project:
    """Build and validate a :class:`Project` from a parsed document.

    Parameters
    ----------
    doc
        The mapping (see the module docstring).
    name
        Name when the document has none.
    path
        File the document came from (a scenario path is relative to it).

    Raises
    ------
    corridors.errors.InvalidSpecError
        For an unknown key, a missing or non-finite figure, a figure without source or method,
        a non-positive lifetime, capital cost years that do not cover construction up to the
        opening, modelled years outside the operating years, or an unknown scenario.

    Examples
    --------
    >>> project_from_dict({"name": "x", "scenario": "customs-halved", "lifetime_years": -5})
    Traceback (most recent call last):
    ...
    corridors.errors.InvalidSpecError: project 'x': lifetime_years = -5 is below 1. ...
    """
    if not isinstance(doc, Mapping):
        raise InvalidSpecError(explain(f"A project must be a mapping, not {type(doc).__name__}."))
    pname = str(doc.get("name") or name or (path.stem if path else "project"))
    ck = _Checker(f"project {pname!r}" + (f" ({path})" if path else ""))
    for k in doc:
        if k not in _TOP:
            raise ck.fail(f"unknown key {k!r}.", fix=_suggest(str(k), sorted(_TOP)))
    need = [
        "scenario",
        "price_year",
        "opening_year",
        "lifetime_years",
        "capital_cost_usd_m",
        "operating_cost_usd_m_per_year",
        "residual_value_usd_m",
    ]
    _check_lifetime(ck, doc)
    missing = [k for k in need if k not in doc]
    if missing:
        raise ck.fail(
            f"missing field(s) {', '.join(missing)}.", fix="See docs/appraisal.md for the format."
        )
    scen = str(doc["scenario"])
    _check_scenario(ck, scen, path)
    price_year = ck.year("price_year", doc["price_year"])
    opening = ck.year("opening_year", doc["opening_year"])
    lifetime = int(doc["lifetime_years"])
    if lifetime > 100:
        raise ck.fail(
            f"lifetime_years = {lifetime} is above 100.", fix="Appraise at most 100 years."
        )
    capex = ck.figure("capital_cost_usd_m", doc["capital_cost_usd_m"], by_year=True)
    _check_capital_years(ck, capex, opening)
    opex = ck.figure("operating_cost_usd_m_per_year", doc["operating_cost_usd_m_per_year"])
    resid = ck.figure("residual_value_usd_m", doc["residual_value_usd_m"])
    my_raw = doc.get("modelled_years") or [opening]
    if not isinstance(my_raw, list) or not my_raw:
        raise ck.fail("modelled_years must be a list of years.", fix="Write e.g. [2027, 2035].")
    modelled = tuple(sorted({ck.year("modelled_years", y) for y in my_raw}))
    last = opening + lifetime - 1
    out_of = [y for y in modelled if not opening <= y <= last]
    if out_of:
        raise ck.fail(
            f"modelled_years {out_of} fall outside the years of operation {opening}–{last}.",
            fix="Model years between opening_year and opening_year + lifetime_years − 1.",
        )
    growth = tuple(_growth(ck, i, g) for i, g in enumerate(doc.get("demand_growth") or []))
    defaults = _defaults()
    val: dict[str, Figure] = {}
    for key, (lo, hi) in _VALUATION.items():
        raw = doc.get(key, defaults.get(key))
        if raw is None:
            raise ck.fail(f"{key} is given neither here nor in {_DEFAULTS_FILE}.")
        val[key] = ck.figure(key, raw, lo=lo, hi=hi)
    return Project(
        name=pname,
        description=str(doc.get("description") or ""),
        scenario=scen,
        price_year=price_year,
        opening_year=opening,
        lifetime_years=lifetime,
        capital_cost=capex,
        operating_cost=opex,
        residual_value=resid,
        modelled_years=modelled,
        growth=growth,
        discount_rate=val["discount_rate"],
        carbon_price=val["carbon_price_usd_per_t"],
        operator_margin=val["operator_margin"],
        reliability_ratio=val["reliability_ratio"],
        cost_overrun=val["cost_overrun"],
        path=path,
    )


def _check_lifetime(ck: _Checker, doc: Mapping[str, Any]) -> None:
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


def _check_capital_years(ck: _Checker, capex: Figure, opening: int) -> None:
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


def scenario_ref(scenario: str, path: Path | None) -> str:
    """A shipped scenario name as is; a file name (with a suffix or a folder) relative to the
    project file."""
    looks_like_file = Path(scenario).suffix in (".yaml", ".yml", ".toml") or "/" in scenario
    if looks_like_file and path is not None and not Path(scenario).is_absolute():
        return str((path.parent / scenario).resolve())
    return scenario


def _check_scenario(ck: _Checker, scen: str, path: Path | None) -> None:
    from corridors.scenarios.model import load_scenario, shipped_scenarios

    ref = scenario_ref(scen, path)
    try:
        load_scenario(ref)
    except ScenarioError as exc:
        if not Path(ref).is_file() and ref not in shipped_scenarios():
            raise ck.fail(
                f"scenario {scen!r} is neither a shipped scenario nor a file.",
                fix=_suggest(scen, list(shipped_scenarios())),
            ) from None
        raise ck.fail(f"scenario {scen!r} is invalid: {exc}") from None


def _growth(ck: _Checker, i: int, raw: Any) -> GrowthPath:
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
    unknown = set(raw) - allowed
    if unknown:
        raise ck.fail(f"{key}: unknown field(s) {sorted(unknown)}.", fix=f"Use {sorted(allowed)}.")
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


def shipped_projects() -> dict[str, Path]:
    """The worked projects shipped with corridors, by name."""
    return {p.stem: p for p in sorted(_projects_dir().glob("*.yaml")) if p.name != _DEFAULTS_FILE}


def load_project(path: str | Path) -> Project:
    """Read a project file (YAML) or a shipped project by name, validated.

    Raises
    ------
    corridors.errors.InvalidSpecError
        When the file is missing, cannot be parsed or is invalid (see
        :func:`project_from_dict`).
    """
    p = Path(path)
    if not p.is_file():
        shipped = shipped_projects()
        if str(path) in shipped:
            p = shipped[str(path)]
        else:
            raise InvalidSpecError(
                explain(
                    f"Project {str(path)!r}: no such file or shipped project.",
                    fix=_suggest(str(path), list(shipped)),
                )
            )
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InvalidSpecError(explain(f"{p}: cannot be parsed as YAML ({exc}).")) from None
    return project_from_dict(doc or {}, name=p.stem, path=p)
