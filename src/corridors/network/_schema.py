"""Column specifications of the network tables (see docs/data-model.md).

Each table is a CSV file. A *figure group* is a set of numeric columns sharing one provenance
(``<group>_source``, ``<group>_year``, ``<group>_note``); rows-level provenance tables (crossings,
transfers, parameters) use plain ``source``/``year``/``note``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from corridors.network.enums import PORTS as _PORTS
from corridors.network.enums import VDF

# Unit suffixes a numeric column name must end with.
UNIT_SUFFIXES = (
    "_km",
    "_kmh",
    "_h",
    "_usd_per_teu",
    "_usd_per_t",
    "_g_per_tkm",
    "_per_day",
    "_per_week",
    "_mm",
    "_deg",
    "_usd_per_teu_km",
    "_usd_per_t_km",
    "_usd_per_feu",
    "_usd_per_feu_km",
)


@dataclass(frozen=True)
class TableSpec:
    """Specification of one network table file.

    Attributes
    ----------
    file
        File name inside the network folder.
    required
        Columns that must be present.
    optional
        Columns that may be present.
    numeric
        Columns parsed as numbers.
    groups
        Figure groups: group name -> numeric columns whose provenance is ``<group>_source`` etc.
    row_provenance
        Numeric columns covered by the row's plain ``source``/``year``/``note`` columns.
    key
        Column that must be unique, if any.
    """

    file: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    numeric: tuple[str, ...] = ()
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    row_provenance: tuple[str, ...] = ()
    key: str | None = None
    optional_file: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


def _prov(group: str) -> tuple[str, ...]:
    return (f"{group}_source", f"{group}_year", f"{group}_note")


SOURCES = TableSpec(
    file="sources.csv",
    required=("source_id", "title", "publisher", "date", "url", "gave"),
    key="source_id",
)

NODES = TableSpec(
    file="nodes.csv",
    required=("node_id", "name", "country", "kind", "lat_deg", "lon_deg", "coord_source"),
    optional=(
        "aliases",
        "coord_note",
        "handling_h",
        "handling_usd_per_teu",
        "handling_usd_per_t",
        *_prov("handling"),
    ),
    numeric=("lat_deg", "lon_deg", "handling_h", "handling_usd_per_teu", "handling_usd_per_t"),
    groups={"handling": ("handling_h", "handling_usd_per_teu", "handling_usd_per_t")},
    key="node_id",
)

LINKS = TableSpec(
    file="links.csv",
    required=(
        "link_id",
        "from_node",
        "to_node",
        "mode",
        "link_class",
        "length_km",
        "length_source",
    ),
    optional=(
        "gauge_mm",
        "length_year",
        "length_note",
        "speed_kmh",
        *_prov("speed"),
        "capacity_teu_per_day",
        *_prov("capacity"),
        "sailings_per_week",
        "sailing_days",
        *_prov("sailings"),
        "via",
        "bidirectional",
    ),
    numeric=("gauge_mm", "length_km", "speed_kmh", "capacity_teu_per_day", "sailings_per_week"),
    groups={
        "length": ("length_km",),
        "speed": ("speed_kmh",),
        "capacity": ("capacity_teu_per_day",),
        "sailings": ("sailings_per_week",),
    },
    key="link_id",
)

CROSSINGS = TableSpec(
    file="crossings.csv",
    required=("link_id", "direction", "dwell_h", "source"),
    optional=("dwell_p90_h", "cost_usd_per_teu", "cost_usd_per_t", "year", "note"),
    numeric=("dwell_h", "dwell_p90_h", "cost_usd_per_teu", "cost_usd_per_t"),
    row_provenance=("dwell_h", "dwell_p90_h", "cost_usd_per_teu", "cost_usd_per_t"),
)

TRANSFERS = TableSpec(
    file="transfers.csv",
    required=(
        "node_id",
        "kind",
        "port_a",
        "port_b",
        "time_container_h",
        "cost_usd_per_teu",
        "source",
    ),
    optional=("time_bulk_h", "cost_usd_per_t", "year", "note"),
    numeric=("time_container_h", "cost_usd_per_teu", "time_bulk_h", "cost_usd_per_t"),
    row_provenance=("time_container_h", "cost_usd_per_teu", "time_bulk_h", "cost_usd_per_t"),
)

PARAMETERS = TableSpec(
    file="parameters.csv",
    required=("scope", "parameter", "value", "source"),
    optional=("year", "note"),
    numeric=("value",),
    row_provenance=("value",),
)

RATES = TableSpec(
    file="rates.csv",
    required=("series", "link_class", "date", "reference_km", "source"),
    optional=("rate_usd_per_feu", "rate_usd_per_t", "year", "note"),
    numeric=("rate_usd_per_feu", "rate_usd_per_t", "reference_km"),
    row_provenance=("rate_usd_per_feu", "rate_usd_per_t", "reference_km"),
    optional_file=True,
)

PASSAGES = TableSpec(
    file="passages.csv",
    required=("passage", "closed_from", "source"),
    optional=("closed_to", "year", "note"),
    optional_file=True,
)

TABLES: tuple[TableSpec, ...] = (
    SOURCES,
    NODES,
    LINKS,
    CROSSINGS,
    TRANSFERS,
    PARAMETERS,
    RATES,
    PASSAGES,
)

# Parameters every link class used by a link must define.
CLASS_REQUIRED = ("speed_kmh", "tariff_usd_per_teu_km", "tariff_usd_per_t_km", "co2_g_per_tkm")
CLASS_OPTIONAL = ("vdf", "vdf_alpha", "vdf_beta", "capacity_teu_per_day")
KIND_PARAMETERS = ("handling_h", "handling_usd_per_teu", "handling_usd_per_t")
OP_PARAMETERS = KIND_PARAMETERS

# Every parameter the data model knows, by scope family, with its physical range (inclusive).
# ``validate`` rejects unknown names, values outside the range and non-finite values.
_TARIFF = (0.0, 50.0)
PARAMETER_RANGES: dict[str, dict[str, tuple[float, float]]] = {
    "class": {
        "speed_kmh": (1.0, 1000.0),
        "tariff_usd_per_teu_km": _TARIFF,
        "tariff_usd_per_feu_km": _TARIFF,
        "tariff_usd_per_t_km": (0.0, 5.0),
        "tariff_hopper_usd_per_t_km": (0.0, 5.0),
        "tariff_gondola_usd_per_t_km": (0.0, 5.0),
        "tariff_tank_usd_per_t_km": (0.0, 5.0),
        "tariff_all_in": (0.0, 1.0),
        "co2_g_per_tkm": (0.0, 2000.0),
        "co2_wtw_g_per_tkm": (0.0, 2000.0),
        "co2_ttw_g_per_tkm": (0.0, 2000.0),
        "vdf": (0.0, float(max(VDF))),
        "vdf_alpha": (0.0, 1e6),
        "vdf_beta": (0.0, 20.0),
        "capacity_teu_per_day": (0.0, 1e7),
    },
    "kind": dict.fromkeys(KIND_PARAMETERS, (0.0, 10000.0)),
    "op": {
        "handling_h": (0.0, 720.0),
        "handling_usd_per_teu": (0.0, 1e4),
        "handling_usd_per_t": (0.0, 1e3),
    },
    "country": {"rail_electric_share": (0.0, 1.0), "grid_g_per_kwh": (0.0, 1500.0)},
    "cargo": {"value_of_time_usd_per_teu_h": (0.0, 1e3), "value_of_time_usd_per_t_h": (0.0, 10.0)},
    "global": {
        "t_per_teu": (1.0, 30.0),
        "value_of_time_usd_per_teu_h": (0.0, 1e3),
        "value_of_time_usd_per_t_h": (0.0, 10.0),
        "teu_per_train": (1.0, 500.0),
        "queue_priority": (0.0, 1.0),
        "teu_price_share_of_feu": (0.3, 1.0),
        "tariff_share_hopper": (0.05, 2.0),
        "tariff_share_gondola": (0.05, 2.0),
        "tariff_share_tank": (0.05, 2.0),
        "carbon_price_usd_per_t": (0.0, 2000.0),
        "rail_diesel_ttw_g_per_tkm": (0.0, 200.0),
        "rail_diesel_wtw_g_per_tkm": (0.0, 250.0),
        "rail_electric_kwh_per_tkm": (0.0, 0.5),
        "hub_co2e_kg_per_teu": (0.0, 500.0),
        "hub_co2e_kg_per_t": (0.0, 50.0),
    },
}
GLOBAL_PARAMETERS = ("t_per_teu", "value_of_time_usd_per_teu_h", "value_of_time_usd_per_t_h")

PORTS = _PORTS
"""Port names (defined once in :data:`corridors.network.enums.PORTS`)."""
