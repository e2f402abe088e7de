"""Scenario files: a named list of typed changes to a base network and its demand.

A scenario is a YAML (or TOML) mapping::

    name: third-railroad
    description: Ayagoz-Bakhty, the third China-Kazakhstan railroad (D10)
    base: bundled            # or a network folder (relative to the file)
    inherits: caspian-x2     # optional: a shipped scenario name or a file path
    changes:
      - op: add_node
        node_id: kz-bakhty
        ...

Each change names an ``op`` from :data:`OPS`; its fields are checked here (unknown op or field,
wrong type, negative figure) and its references (link, node, country, parameter) when it is
applied, so every error comes before anything runs.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corridors._yaml import load_yaml
from corridors.errors import LimitExceededError, ScenarioError, explain
from corridors.scenarios._shipped import shipped_scenarios

__all__ = [
    "MAX_CHANGES",
    "OPS",
    "Change",
    "Scenario",
    "load_scenario",
    "scenario_from_dict",
    "shipped_resolver",
    "shipped_scenarios",
]

NUM = (int, float)
MAX_CHANGES = 5_000
"""Most changes in one scenario (inherited ones included)."""
MAX_INHERITS = 16
"""Longest chain of ``inherits``."""
_SELECT = {
    "link_id": str,
    "links": list,
    "link_class": str,
    "mode": str,
    "via": str,
    "countries": list,
}
_PROV = {"source": str, "year": (str, int), "note": str}


@dataclass(frozen=True)
class OpSchema:
    """Fields of one operation: required and optional, with their types."""

    required: Mapping[str, Any]
    optional: Mapping[str, Any] = field(default_factory=dict)
    doc: str = ""
    free_fields: bool = False  # add_* ops take the table's own columns


OPS: dict[str, OpSchema] = {
    "add_source": OpSchema(
        {"source_id": str, "title": str},
        {"publisher": str, "date": (str, int), "url": str, "gave": str},
        "add a row to sources.csv so added figures can cite it",
        free_fields=True,
    ),
    "add_node": OpSchema(
        {
            "node_id": str,
            "name": str,
            "country": str,
            "kind": str,
            "lat_deg": NUM,
            "lon_deg": NUM,
            "coord_source": str,
        },
        {},
        "add a row to nodes.csv (any nodes.csv column)",
        free_fields=True,
    ),
    "add_link": OpSchema(
        {
            "link_id": str,
            "from_node": str,
            "to_node": str,
            "mode": str,
            "link_class": str,
            "length_km": NUM,
            "length_source": str,
        },
        {},
        "add a row to links.csv (any links.csv column, with its provenance)",
        free_fields=True,
    ),
    "add_crossing": OpSchema(
        {"link_id": str, "direction": str, "dwell_h": NUM, "source": str},
        {},
        "add a row to crossings.csv",
        free_fields=True,
    ),
    "add_transfer": OpSchema(
        {
            "node_id": str,
            "kind": str,
            "port_a": str,
            "port_b": str,
            "time_container_h": NUM,
            "cost_usd_per_teu": NUM,
            "source": str,
        },
        {},
        "add a row to transfers.csv",
        free_fields=True,
    ),
    "remove_node": OpSchema({"node_id": str}, {}, "remove a node with its links and transfers"),
    "remove_link": OpSchema({"link_id": str}, {}, "remove a link and its crossings"),
    "close_links": OpSchema({}, dict(_SELECT), "close every selected link (removed)"),
    "close_country": OpSchema({"country": str}, {}, "close every link touching a country"),
    "change_links": OpSchema(
        {},
        {**_SELECT, "set": dict, "multiply": dict, **_PROV},
        "set or multiply link figures (speed, capacity, sailings, length) on selected links",
    ),
    "change_crossings": OpSchema(
        {},
        {**_SELECT, "direction": str, "set": dict, "multiply": dict, **_PROV},
        "set or multiply border dwell and fees on selected crossings",
    ),
    "set_parameter": OpSchema(
        {"scope": str, "parameter": str, "value": NUM, "source": str},
        {"year": (str, int), "note": str},
        "set (or add) a class, kind or global parameter",
    ),
    "multiply_parameter": OpSchema(
        {"scope": str, "parameter": str, "factor": NUM},
        dict(_PROV),
        "multiply an existing parameter",
    ),
    "scale_demand": OpSchema(
        {"factor": NUM},
        {"classes": list, "origins": list, "destinations": list},
        "multiply demand, optionally for some classes and OD pairs",
    ),
}


@dataclass(frozen=True)
class Change:
    """One typed change: the ``op`` name and its fields."""

    op: str
    fields: Mapping[str, Any]
    index: int = 0

    def where(self) -> str:
        return f"change #{self.index + 1} ({self.op})"


@dataclass(frozen=True)
class Scenario:
    """A named set of changes to a base network and demand (immutable).

    Attributes
    ----------
    name, description
        Label and one-line purpose.
    base
        ``"bundled"`` or a network folder.
    changes
        Changes in the order they apply (inherited ones first).
    parents
        Names of the scenarios this one inherits from, nearest last.
    path
        File it was read from, if any.
    """

    name: str
    description: str = ""
    base: str = "bundled"
    changes: tuple[Change, ...] = ()
    parents: tuple[str, ...] = ()
    path: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "base": self.base,
            "inherits": list(self.parents),
            "changes": [{"op": c.op, **dict(c.fields)} for c in self.changes],
        }


def _type_name(t: Any) -> str:
    if t is NUM:
        return "number"
    if isinstance(t, tuple):
        return " or ".join(x.__name__ for x in t)
    return str(t.__name__)


def _suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=3, cutoff=0.5)
    if close:
        return "Did you mean " + " or ".join(repr(c) for c in close) + "?"
    return "Known: " + ", ".join(sorted(options)) + "."


def _check_change(name: str, i: int, raw: Any) -> Change:
    if not isinstance(raw, dict) or "op" not in raw:
        raise ScenarioError(
            explain(
                f"Scenario {name!r}, change #{i + 1}: {raw!r} has no 'op'.",
                fix="Write each change as a mapping with 'op: <operation>'.",
            )
        )
    op = str(raw["op"])
    if op not in OPS:
        raise ScenarioError(
            explain(
                f"Scenario {name!r}, change #{i + 1}: unknown op {op!r}.",
                fix=_suggest(op, list(OPS)),
            )
        )
    schema = OPS[op]
    fields = {k: v for k, v in raw.items() if k != "op"}
    where = f"Scenario {name!r}, change #{i + 1} ({op})"
    missing = [k for k in schema.required if k not in fields]
    if missing:
        raise ScenarioError(explain(f"{where}: missing field(s) {', '.join(missing)}."))
    allowed = {**schema.required, **schema.optional}
    for k, v in fields.items():
        if k not in allowed:
            if schema.free_fields:
                continue  # checked against the table's columns when applied
            raise ScenarioError(
                explain(f"{where}: unknown field {k!r}.", fix=_suggest(k, list(allowed)))
            )
        if not isinstance(v, allowed[k]) or (isinstance(v, bool) and allowed[k] is NUM):
            raise ScenarioError(
                explain(f"{where}: field {k!r} = {v!r} should be a {_type_name(allowed[k])}.")
            )
        if k in schema.required and isinstance(v, str) and not v.strip():
            raise ScenarioError(
                explain(f"{where}: required field {k!r} is empty.", fix=f"Give {k} a value.")
            )
        if isinstance(v, float) and not math.isfinite(v):
            raise ScenarioError(
                explain(
                    f"{where}: field {k!r} = {v!r} is not a finite number.",
                    fix="Give a plain number (YAML .nan and .inf are not accepted).",
                )
            )
    _check_numbers(where, op, fields)
    return Change(op=op, fields=dict(fields), index=i)


def _check_numbers(where: str, op: str, fields: dict[str, Any]) -> None:
    numbers: dict[str, Any] = {}
    for k, v in fields.items():
        if k in ("set", "multiply") and isinstance(v, dict):
            numbers.update({f"{k}.{kk}": vv for kk, vv in v.items()})
        elif k in ("factor", "value") or k.endswith(
            ("_km", "_h", "_per_day", "_per_week", "_kmh", "_usd_per_teu", "_usd_per_t")
        ):
            numbers[k] = v
    for k, v in numbers.items():
        if k.startswith("set.") and k[4:] in ("sailing_days", "via", "bidirectional"):
            continue
        if not isinstance(v, NUM) or isinstance(v, bool):
            raise ScenarioError(explain(f"{where}: {k} = {v!r} is not a number."))
        if not math.isfinite(v):
            raise ScenarioError(
                explain(
                    f"{where}: {k} = {v!r} is not a finite number.",
                    why="NaN or infinite figures make every cost and time on the link meaningless.",
                    fix="Give a plain number (YAML .nan and .inf are not accepted).",
                )
            )
        if v < 0:
            raise ScenarioError(
                explain(
                    f"{where}: {k} = {v} is negative.",
                    why="Capacities, times, tariffs and factors cannot be below zero.",
                    fix="Give a value >= 0 (to close a link use 'close_links').",
                )
            )
    if op in ("change_links", "change_crossings") and not (
        fields.get("set") or fields.get("multiply")
    ):
        raise ScenarioError(
            explain(f"{where}: nothing to change.", fix="Give 'set' or 'multiply'.")
        )


Resolver = Callable[[str], "Scenario"]
"""Maps an ``inherits`` reference to the parent scenario (see :func:`scenario_from_dict`)."""


def scenario_from_dict(
    doc: Mapping[str, Any],
    *,
    name: str | None = None,
    path: Path | None = None,
    resolver: Resolver | None = None,
) -> Scenario:
    """Build a :class:`Scenario` from a parsed document, checking every change's fields.

    Parameters
    ----------
    doc
        Mapping with ``name``, ``description``, ``base``, ``inherits`` and ``changes``.
    name
        Name to use when the document has none.
    path
        File the document came from (``inherits`` and ``base`` paths are relative to it).
    resolver
        How ``inherits`` is looked up. Default: a bare name is a shipped scenario, and a
        path (with a ``/`` or a ``.yaml``/``.yml``/``.toml`` suffix) a file relative to
        ``path``. Services pass :func:`shipped_resolver` (or their own, for saved
        scenarios) so that no request can make them read a file.

    Raises
    ------
    ScenarioError
        For unknown keys, ops or fields, wrong types, negative figures, or an inheritance cycle.

    Examples
    --------
    >>> s = scenario_from_dict({"name": "x", "changes": [{"op": "scale_demand", "factor": 2}]})
    >>> s.changes[0].op
    'scale_demand'
    >>> scenario_from_dict({"name": "x", "changes": [{"op": "close_link"}]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    corridors.errors.ScenarioError: ... unknown op 'close_link'. Did you mean 'close_links'...?
    """
    if resolver is not None:
        return _from_dict_resolved(doc, name=name, resolver=resolver, seen=())
    return _from_dict(doc, name=name, path=path, seen=())


def shipped_resolver(ref: str) -> Scenario:
    """Resolve ``inherits`` to a shipped scenario only (never a file path)."""
    shipped = shipped_scenarios()
    if ref not in shipped:
        raise ScenarioError(
            explain(
                f"inherits {ref!r} is not a shipped scenario.",
                why="Here scenarios may only inherit saved or shipped scenarios, never files.",
                fix=_suggest(ref, list(shipped)),
            )
        )
    return _load(shipped[ref], seen=())


def _from_dict_resolved(
    doc: Mapping[str, Any], *, name: str | None, resolver: Resolver, seen: tuple[str, ...]
) -> Scenario:
    own = _from_dict(
        {k: v for k, v in doc.items() if k != "inherits"} if isinstance(doc, Mapping) else doc,
        name=name,
        path=None,
        seen=(),
    )
    ref = doc.get("inherits")
    if not ref:
        return own
    if not isinstance(ref, str):
        raise ScenarioError(explain(f"Scenario {own.name!r}: inherits must be a name."))
    parent = resolver(ref)
    chain = (*parent.parents, parent.name)
    if own.name in chain:
        raise ScenarioError(
            explain(
                f"Scenario {own.name!r} inherits in a cycle: {' -> '.join((own.name, *chain))}.",
                fix="Remove one 'inherits' of the loop.",
            )
        )
    return _limited(
        Scenario(
            name=own.name,
            description=own.description,
            base=str(doc.get("base") or parent.base),
            changes=(*parent.changes, *own.changes),
            parents=chain,
        )
    )


_FEWER_CHANGES = "Select links by class, mode or country instead of one change per link."


def _over_limit(name: str, what: str, limit: int, field: str, fix: str) -> LimitExceededError:
    """The error for scenario ``name`` whose ``what`` exceeds ``limit`` (key ``field``)."""
    return LimitExceededError(
        explain(f"Scenario {name!r} {what}, above the limit of {limit:,}.", fix=fix),
        field=field,
        limit=limit,
    )


def _limited(sc: Scenario) -> Scenario:
    """``sc``, checked against :data:`MAX_CHANGES` (inherited included) and
    :data:`MAX_INHERITS`."""
    if len(sc.changes) > MAX_CHANGES:
        what = f"has {len(sc.changes):,} changes (inherited included)"
        raise _over_limit(sc.name, what, MAX_CHANGES, "changes", _FEWER_CHANGES)
    if len(sc.parents) > MAX_INHERITS:
        what = f"inherits through {len(sc.parents)} scenarios"
        raise _over_limit(sc.name, what, MAX_INHERITS, "inherits", "Merge some of them.")
    return sc


def _from_dict(
    doc: Mapping[str, Any], *, name: str | None, path: Path | None, seen: tuple[str, ...]
) -> Scenario:
    if not isinstance(doc, Mapping):
        raise ScenarioError(explain(f"A scenario must be a mapping, not {type(doc).__name__}."))
    sname = str(doc.get("name") or name or (path.stem if path else "scenario"))
    known = {"name", "description", "base", "inherits", "changes"}
    for k in doc:
        if k not in known:
            raise ScenarioError(
                explain(
                    f"Scenario {sname!r}: unknown key {k!r}.", fix=_suggest(str(k), list(known))
                )
            )
    changes_raw = doc.get("changes") or []
    if not isinstance(changes_raw, list):
        raise ScenarioError(explain(f"Scenario {sname!r}: 'changes' must be a list."))
    if len(changes_raw) > MAX_CHANGES:
        what = f"has {len(changes_raw):,} changes"
        raise _over_limit(sname, what, MAX_CHANGES, "changes", _FEWER_CHANGES)
    own = tuple(_check_change(sname, i, c) for i, c in enumerate(changes_raw))
    parent: Scenario | None = None
    if doc.get("inherits"):
        ref = str(doc["inherits"])
        here = str(path.resolve()) if path is not None else sname
        target = _resolve_ref(ref, path)
        if str(target.resolve()) in (*seen, here):
            chain = [Path(x).stem for x in (*seen, here)] + [target.stem]
            raise ScenarioError(
                explain(
                    f"Scenario {sname!r} inherits in a cycle: {' -> '.join(chain)}.",
                    fix="Remove one 'inherits' of the loop.",
                )
            )
        parent = _load(target, seen=(*seen, here))
    base = str(doc.get("base") or (parent.base if parent else "bundled"))
    if base != "bundled" and path is not None and not Path(base).is_absolute():
        base = str((path.parent / base).resolve())
    return _limited(
        Scenario(
            name=sname,
            description=str(doc.get("description") or ""),
            base=base,
            changes=(*(parent.changes if parent else ()), *own),
            parents=(*(parent.parents if parent else ()), *((parent.name,) if parent else ())),
            path=path,
        )
    )


def _is_path(ref: str) -> bool:
    """A reference is a file path when it says so: a separator or a scenario suffix."""
    return "/" in ref or "\\" in ref or ref.lower().endswith((".yaml", ".yml", ".toml"))


def _resolve_ref(ref: str, relative_to: Path | None) -> Path:
    shipped = shipped_scenarios()
    if not _is_path(ref):  # a bare name is a shipped scenario: no file can shadow it
        if ref in shipped:
            return shipped[ref]
        raise ScenarioError(
            explain(
                f"Scenario {ref!r}: no such file or shipped scenario.",
                why="A bare name refers to a shipped scenario; files need a path (./name.yaml).",
                fix=_suggest(ref, list(shipped)),
            )
        )
    cand = Path(ref)
    if relative_to is not None and not cand.is_absolute():
        cand = relative_to.parent / ref
    if cand.is_file():
        return cand
    raise ScenarioError(
        explain(
            f"Scenario {ref!r}: no such file or shipped scenario.", fix=_suggest(ref, list(shipped))
        )
    )


def _load(path: Path, *, seen: tuple[str, ...]) -> Scenario:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(
            explain(f"{path}: cannot be read as UTF-8 text ({exc}).", fix="Check the file.")
        ) from exc
    try:
        doc = (
            tomllib.loads(text)
            if path.suffix == ".toml"
            else load_yaml(text, what=f"scenario file {path.name}")
        )
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(explain(f"{path}: cannot be parsed ({exc}).")) from exc
    return _from_dict(doc or {}, name=path.stem, path=path, seen=seen)


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file (YAML or TOML) or a shipped scenario by name.

    Parameters
    ----------
    path
        File path, or the name of a shipped example (``"third-railroad"``).

    Raises
    ------
    ScenarioError
        If the file is missing or malformed, or a change is (see :func:`scenario_from_dict`).
    """
    return _load(_resolve_ref(str(path), None), seen=())
