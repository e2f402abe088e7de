"""Column specifications of the network tables (see docs/data-model.md).

Each table is a CSV file. A *figure group* is a set of numeric columns sharing one provenance
(``<group>_source``, ``<group>_year``, ``<group>_note``); rows-level provenance tables (crossings,
transfers, parameters) use plain ``source``/``year``/``note``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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

TABLES: tuple[TableSpec, ...] = (SOURCES, NODES, LINKS, CROSSINGS, TRANSFERS, PARAMETERS)

# Parameters every link class used by a link must define.
CLASS_REQUIRED = ("speed_kmh", "tariff_usd_per_teu_km", "tariff_usd_per_t_km", "co2_g_per_tkm")
CLASS_OPTIONAL = ("vdf", "vdf_alpha", "vdf_beta", "capacity_teu_per_day")
KIND_PARAMETERS = ("handling_h", "handling_usd_per_teu", "handling_usd_per_t")
GLOBAL_PARAMETERS = ("t_per_teu", "value_of_time_usd_per_teu_h", "value_of_time_usd_per_t_h")

PORTS = ("rail1435", "rail1520", "rail1668", "road", "ferry", "sea", "air")
