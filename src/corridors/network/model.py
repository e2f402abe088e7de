"""The in-memory network: typed tables as the truth, compiled to CSR arrays for the kernels."""

from __future__ import annotations

import difflib
import json
import logging
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from corridors.errors import DataFileError, NetworkValidationError, UnknownPlaceError, explain
from corridors.network.enums import Cargo

if TYPE_CHECKING:
    import pandas as pd

    from corridors.network._csr import CompiledGraph
    from corridors.network._protocol import Tables

# pandas and the validator load on first use: a network read from the compiled cache answers
# route queries through the plain-Python indexes below without importing them.

__all__ = ["Network", "bundled_network_path", "load_network", "validate_network"]

log = logging.getLogger(__name__)


def bundled_network_path() -> Path:
    """Folder of the network bundled with corridors (the embedded default)."""
    return Path(str(resources.files("corridors") / "data" / "network"))


def _fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, for matching place names."""
    norm = unicodedata.normalize("NFKD", text)
    norm = "".join(c for c in norm if not unicodedata.combining(c)).lower()
    norm = norm.replace("ł", "l").replace("'", "").replace("’", "")
    return " ".join(norm.replace("-", " ").replace("_", " ").split())


_KIND_PREFERENCE = ("city", "dry_port", "rail_terminal", "seaport", "border_crossing", "airport")


@dataclass(frozen=True, eq=False)
class Network:
    """A multimodal freight network.

    Build it with :func:`load_network`; it is immutable in use (scenarios build new ones).

    Attributes
    ----------
    tables
        The raw tables as read (``sources``, ``nodes``, ``links``, ``crossings``,
        ``transfers``, ``parameters``), numbers parsed.
    name
        A label for the network (folder name or scenario name).
    """

    tables: Tables
    name: str = "network"
    _cache: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    # -- tables --------------------------------------------------------------------------
    @property
    def nodes(self) -> pd.DataFrame:
        """Node table indexed by ``node_id`` (see docs/data-model.md)."""
        return self._nodes

    @cached_property
    def _nodes(self) -> pd.DataFrame:
        nodes = self.tables["nodes"].copy()
        kinds = self._parameter_table("kind")
        for col in ("handling_h", "handling_usd_per_teu", "handling_usd_per_t"):
            # legacy kind defaults only; otherwise NaN = by terminal operation (CostModel)
            default = nodes["kind"].map(lambda k, c=col: kinds.get((k, c), np.nan))
            nodes[col] = nodes[col].fillna(default).astype(float)
        return nodes.set_index("node_id", drop=False)

    @property
    def links(self) -> pd.DataFrame:
        """Directed, resolved link table: one row per usable direction (see data model)."""
        return self._links

    @cached_property
    def _links(self) -> pd.DataFrame:
        from corridors.network._resolve import resolve_links

        return resolve_links(self)

    @cached_property
    def link_records(self) -> list[dict[str, Any]]:
        """Rows of :attr:`links` as plain dicts, in order (fast per-row access for kernels'
        results; cached)."""
        return cast(list[dict[str, Any]], self.links.to_dict("records"))

    @property
    def sources(self) -> pd.DataFrame:
        """Bibliography table indexed by ``source_id``."""
        return self.tables["sources"].set_index("source_id", drop=False)

    def parameter(self, scope: str, name: str, default: float | None = None) -> float:
        """Value of a class-, kind- or global-level parameter.

        Parameters
        ----------
        scope
            ``"global"``, ``"class:<link_class>"`` or ``"kind:<node kind>"``.
        name
            Parameter name with unit, e.g. ``"t_per_teu"``.
        default
            Returned when the parameter is absent; if ``None``, absence is an error.
        """
        value = self._parameters.get((scope, name))
        if value is not None:
            return value
        if default is not None:
            return default
        raise DataFileError(
            explain(
                f"parameters.csv has no {name!r} for scope {scope!r}.",
                fix="Add the row with its source.",
            )
        )

    @cached_property
    def _parameters(self) -> dict[tuple[str, str], float]:
        par = self.tables["parameters"]
        return {
            (str(s), str(p)): float(v)
            for s, p, v in zip(par["scope"], par["parameter"], par["value"], strict=True)
        }

    def _parameter_table(self, prefix: str) -> dict[tuple[str, str], float]:
        """Parameters of one scope family (``"class"``, ``"kind"``) keyed by (name, parameter)."""
        return {
            (scope.split(":", 1)[1], name): value
            for (scope, name), value in self._parameters.items()
            if scope.startswith(prefix + ":")
        }

    # -- places --------------------------------------------------------------------------
    @cached_property
    def _node_rows(self) -> dict[str, tuple[int, str, str, str]]:
        """node id → (position, name, country, kind), plain Python (no pandas on lookups)."""
        t = self.tables["nodes"]
        return {
            str(nid): (k, str(name), str(country), str(kind))
            for k, (nid, name, country, kind) in enumerate(
                zip(t["node_id"], t["name"], t["country"], t["kind"], strict=True)
            )
        }

    def node_position(self, node_id: str) -> int:
        """Row of a node id in :attr:`nodes` (and its access vertex in the compiled graphs)."""
        return self._node_rows[node_id][0]

    def node_name(self, node_id: str) -> str:
        """Place name of a node id."""
        return self._node_rows[node_id][1]

    def node_country(self, node_id: str) -> str:
        """ISO alpha-2 country of a node id."""
        return self._node_rows[node_id][2]

    @cached_property
    def _name_index(self) -> dict[str, str]:
        index: dict[str, str] = {}
        for nid, name, aliases in zip(
            self.tables["nodes"]["node_id"],
            self.tables["nodes"]["name"],
            self.tables["nodes"]["aliases"],
            strict=True,
        ):
            for key in [nid, name, *[a for a in str(aliases).split(";") if a.strip()]]:
                index.setdefault(_fold(key), nid)
        return index

    @cached_property
    def _base_index(self) -> list[tuple[str, str]]:
        out = []
        for nid, name in zip(
            self.tables["nodes"]["node_id"], self.tables["nodes"]["name"], strict=True
        ):
            out.append((_fold(str(name).split("(")[0]), nid))
        return out

    def find_place(self, query: str) -> str:
        """Resolve a node id or a place name (case- and accent-insensitive) to a node id.

        Parameters
        ----------
        query
            Node id (``"KZAAU"``), name (``"Aktau"``) or alias (``"Alataw Pass"``).

        Returns
        -------
        str
            The node id.

        Raises
        ------
        UnknownPlaceError
            If nothing matches; the message suggests the closest names.

        Examples
        --------
        >>> net = load_network()
        >>> net.find_place("aktau")
        'KZAAU'
        """
        if query in self._node_rows:
            return query
        key = _fold(query)
        if key in self._name_index:
            return self._name_index[key]
        # "Shanghai" for "Shanghai (port)": a unique base name, or the likeliest kind.
        base = [nid for k, nid in self._base_index if k == key]
        if base:
            rank = {k: i for i, k in enumerate(_KIND_PREFERENCE)}
            return min(dict.fromkeys(base), key=lambda n: rank.get(self._node_rows[n][3], 99))
        close = difflib.get_close_matches(key, list(self._name_index), n=6, cutoff=0.6)
        ids = list(dict.fromkeys(self._name_index[c] for c in close))[:3]
        hint = ", ".join(f"{self.node_name(n)} ({n})" for n in ids)
        raise UnknownPlaceError(
            explain(
                f"Unknown place {query!r}: no node id, name or alias in network "
                f"{self.name!r} matches it.",
                fix=(
                    f"Did you mean {hint}?"
                    if hint
                    else "List places with 'corridors network summary --nodes'."
                ),
            )
        )

    # -- compiled graphs -----------------------------------------------------------------
    def graph(self, cargo: Cargo | str = Cargo.CONTAINER) -> CompiledGraph:
        """The port-level CSR graph the kernels use, for one cargo type (cached).

        Parameters
        ----------
        cargo
            ``"container"`` (figures per TEU) or ``"bulk"`` (figures per tonne).
        """
        from corridors.network._csr import compile_graph

        cargo = Cargo(cargo)
        key = f"graph:{cargo.value}"
        if key not in self._cache:
            self._cache[key] = compile_graph(self, cargo)
        return self._cache[key]  # type: ignore[return-value]

    def validate(self) -> list[str]:
        """Every problem of the tables (empty list when valid)."""
        from corridors.network._validate import validate_tables

        return validate_tables(self.tables)

    # -- exports and display -------------------------------------------------------------
    def to_geodataframe(self, layer: str = "links") -> Any:
        """Links (lines on their drawn shapes) or nodes (points) as a GeoDataFrame (EPSG:4326).

        Parameters
        ----------
        layer
            ``"links"`` or ``"nodes"``.

        Raises
        ------
        corridors.errors.MissingDependencyError
            Without the ``geo`` extra (``pip install 'corridors[geo]'``).
        """
        from corridors.io.geo import network_to_geodataframe

        return network_to_geodataframe(self, layer=layer)  # type: ignore[arg-type]

    def to_networkx(self) -> Any:
        """The network as a ``networkx.MultiDiGraph``: one edge per usable direction.

        Nodes carry the node table's columns; edges are keyed by the directed link id
        (``<link_id>:f``/``:r``) and carry ``link_id``, ``mode``, ``link_class``, ``port``,
        ``length_km``, ``run_time_h``, ``border_dwell_h``, ``capacity_teu_per_day``,
        ``tariff_usd_per_teu``, ``tariff_usd_per_t`` and ``is_border``. Transfers at nodes
        (gauge changes, transshipments) are not edges: use :mod:`corridors.routing` for
        door-to-door figures.

        Raises
        ------
        corridors.errors.MissingDependencyError
            Without networkx (``pip install 'corridors[networkx]'``).
        """
        from corridors._deps import require

        nx = require("networkx", extra="networkx", purpose="Network.to_networkx()")
        g = nx.MultiDiGraph(name=self.name)
        for row in self.tables["nodes"].to_dict("records"):
            g.add_node(row["node_id"], **{k: _plain(v) for k, v in row.items() if k != "node_id"})
        cols = (
            "link_id", "mode", "link_class", "port", "length_km", "run_time_h", "border_dwell_h",
            "capacity_teu_per_day", "tariff_usd_per_teu", "tariff_usd_per_t", "is_border",
        )  # fmt: skip
        for row in self.link_records:
            g.add_edge(
                row["from_node"],
                row["to_node"],
                key=row["link_id_dir"],
                **{c: _plain(row[c]) for c in cols},
            )
        return g

    def __repr__(self) -> str:
        t = self.tables
        return (
            f"<Network {self.name!r}: {len(t['nodes'])} nodes, {len(t['links'])} links, "
            f"{t['nodes']['country'].nunique()} countries>"
        )

    def _repr_html_(self) -> str:
        import html

        t = self.tables
        modes = t["links"].groupby("mode")["length_km"].agg(["count", "sum"])
        rows = "".join(
            f"<tr><td>{html.escape(str(m))}</td><td>{int(r['count'])}</td>"
            f"<td>{r['sum']:,.0f}</td></tr>"
            for m, r in modes.iterrows()
        )
        return (
            f"<b>Network {html.escape(self.name)}</b>: {len(t['nodes'])} nodes in "
            f"{t['nodes']['country'].nunique()} countries, {len(t['links'])} links, "
            f"{len(t['sources'])} sources"
            f"<table><tr><th>mode</th><th>links</th><th>km</th></tr>{rows}</table>"
        )

    def with_tables(self, tables: Tables, *, name: str | None = None) -> Network:
        """A new network from modified tables, validated; ``self`` is untouched."""
        from corridors.network._validate import validate_tables

        problems = validate_tables(tables)
        if problems:
            raise NetworkValidationError(problems)
        return Network(tables={k: v.copy() for k, v in tables.items()}, name=name or self.name)


def _plain(v: Any) -> Any:
    """A numpy scalar as a Python value; NaN as None."""
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and v != v:
        return None
    return v


def validate_network(path: str | Path) -> list[str]:
    """Check a network folder and return every problem found (empty when valid).

    Parameters
    ----------
    path
        Folder holding ``nodes.csv``, ``links.csv`` and the other tables.

    Returns
    -------
    list of str
        One line per problem naming file, line and the fix.
    """
    from corridors.network._validate import read_tables, validate_tables

    folder = Path(path)
    if not folder.is_dir():
        return [f"{folder}: no such folder. Give the folder that holds nodes.csv and links.csv."]
    tables, problems = read_tables(folder)
    if problems:  # structural problems make row checks unreliable
        return problems + _safe_validate(tables)
    return validate_tables(tables)


def _safe_validate(tables: Tables) -> list[str]:
    from corridors.network._validate import validate_tables

    try:
        return validate_tables(tables)
    except (KeyError, TypeError, ValueError):
        return []


def load_network(path: str | Path | None = None, *, name: str | None = None) -> Network:
    """Load and validate a network folder (default: the bundled Eurasian network).

    Parameters
    ----------
    path
        Network folder; ``None`` loads the bundled network.
    name
        Label for the network; defaults to the folder name.

    Returns
    -------
    Network

    Raises
    ------
    NetworkValidationError
        With every problem found, each naming file, line and fix.
    """
    from corridors.network._validate import read_tables

    folder = bundled_network_path() if path is None else Path(path)
    problems = validate_network(folder)
    if problems:
        raise NetworkValidationError(problems)
    tables, _ = read_tables(folder)
    tables["geometry"] = _read_geometry(folder)
    log.debug(
        "loaded network %s: %d nodes, %d links", folder, len(tables["nodes"]), len(tables["links"])
    )
    return Network(tables=tables, name=name or ("bundled" if path is None else folder.name))


def _read_geometry(folder: Path) -> pd.DataFrame:
    """Optional drawn shapes of links (``link_geometry.geojson``: LineStrings by ``link_id``)."""
    import pandas as pd

    path = folder / "link_geometry.geojson"
    rows: list[dict[str, object]] = []
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            for f in data["features"]:
                rows.append(
                    {
                        "link_id": f["properties"]["link_id"],
                        "coordinates": f["geometry"]["coordinates"],
                    }
                )
        except (ValueError, KeyError, TypeError) as exc:
            raise DataFileError(
                explain(
                    f"{path} is not a GeoJSON FeatureCollection of LineStrings with a link_id.",
                    fix="Rebuild it with tools/build_link_geometry.py or delete it.",
                )
            ) from exc
    return pd.DataFrame(rows, columns=["link_id", "coordinates"])


def great_circle_km(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Great-circle distance (km) on a sphere of radius 6371.0088 km (haversine)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))
