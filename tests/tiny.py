"""A catalogue of tiny named networks, each built for one edge case (house style #12).

Each builder returns a dict of tables (lists of row dicts) that :func:`write_network` writes
as a network folder. Figures are made up for the tests and marked ``estimate`` with the note
``test fixture``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

Rows = list[dict[str, Any]]
Tables = dict[str, Rows]

EST = {"source": "estimate", "note": "test fixture"}


def _params(classes: dict[str, tuple[float, float, float, float]]) -> Rows:
    rows: Rows = [
        {"scope": "global", "parameter": "t_per_teu", "value": 10, **EST},
        {"scope": "global", "parameter": "value_of_time_usd_per_teu_h", "value": 5, **EST},
        {"scope": "global", "parameter": "value_of_time_usd_per_t_h", "value": 0.2, **EST},
    ]
    for cls, (speed, t_teu, t_t, co2) in classes.items():
        for p, v in (
            ("speed_kmh", speed),
            ("tariff_usd_per_teu_km", t_teu),
            ("tariff_usd_per_t_km", t_t),
            ("co2_g_per_tkm", co2),
        ):
            rows.append({"scope": f"class:{cls}", "parameter": p, "value": v, **EST})
    for kind in ("city", "rail_terminal", "border_crossing", "seaport", "dry_port", "airport"):
        for p, v in (("handling_h", 2), ("handling_usd_per_teu", 50), ("handling_usd_per_t", 3)):
            rows.append({"scope": f"kind:{kind}", "parameter": p, "value": v, **EST})
    return rows


DEFAULT_CLASSES = {
    "rail": (50.0, 0.5, 0.04, 25.0),
    "ferry": (20.0, 1.0, 0.08, 100.0),
    "sea": (30.0, 0.1, 0.01, 10.0),
    "air": (700.0, 5.0, 0.5, 600.0),
    "road": (60.0, 1.5, 0.1, 90.0),
}


def node(
    node_id: str,
    country: str = "KZ",
    kind: str = "city",
    lat: float = 45.0,
    lon: float = 60.0,
    name: str | None = None,
    aliases: str = "",
) -> dict[str, Any]:
    return {
        "node_id": node_id,
        "name": name or node_id.title(),
        "aliases": aliases,
        "country": country,
        "kind": kind,
        "lat_deg": lat,
        "lon_deg": lon,
        "coord_source": "estimate",
        "coord_note": "test fixture",
    }


def link(
    link_id: str,
    a: str,
    b: str,
    km: float,
    mode: str = "rail",
    gauge: int | None = 1520,
    cls: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    row = {
        "link_id": link_id,
        "from_node": a,
        "to_node": b,
        "mode": mode,
        "gauge_mm": gauge if mode == "rail" else "",
        "link_class": cls or mode,
        "length_km": km,
        "length_source": "estimate",
        "length_note": "test fixture",
    }
    if "sailings_per_week" in extra:
        extra.setdefault("sailings_source", "estimate")
        extra.setdefault("sailings_note", "test fixture")
    if "capacity_teu_per_day" in extra:
        extra.setdefault("capacity_source", "estimate")
        extra.setdefault("capacity_note", "test fixture")
    row.update(extra)
    return row


def crossing(
    link_id: str, direction: str, dwell: float, p90: float | None = None, cost: float = 100.0
) -> dict[str, Any]:
    return {
        "link_id": link_id,
        "direction": direction,
        "dwell_h": dwell,
        "dwell_p90_h": p90 if p90 is not None else dwell * 2,
        "cost_usd_per_teu": cost,
        "cost_usd_per_t": cost / 20,
        **EST,
    }


def transfer(
    node_id: str,
    kind: str,
    a: str,
    b: str,
    h: float = 3.0,
    cost: float = 100.0,
    bulk_h: float | None = 12.0,
    bulk_cost: float | None = 8.0,
) -> dict[str, Any]:
    return {
        "node_id": node_id,
        "kind": kind,
        "port_a": a,
        "port_b": b,
        "time_container_h": h,
        "cost_usd_per_teu": cost,
        "time_bulk_h": "" if bulk_h is None else bulk_h,
        "cost_usd_per_t": "" if bulk_cost is None else bulk_cost,
        **EST,
    }


def build(
    nodes: Rows,
    links: Rows,
    crossings: Rows = (),
    transfers: Rows = (),  # type: ignore[assignment]
    classes: dict[str, tuple[float, float, float, float]] | None = None,
) -> Tables:
    return {
        "sources": [
            {
                "source_id": "T1",
                "title": "test",
                "publisher": "tests",
                "date": "2026",
                "url": "-",
                "gave": "nothing",
            }
        ],
        "nodes": list(nodes),
        "links": list(links),
        "crossings": list(crossings),
        "transfers": [
            *list(transfers),
            transfer("*", "mode_change", "rail1520", "ferry"),
            transfer("*", "mode_change", "rail1435", "sea"),
            transfer("*", "mode_change", "rail1520", "road"),
        ],
        "parameters": _params(classes or DEFAULT_CLASSES),
    }


COLUMNS = {
    "sources": ["source_id", "title", "publisher", "date", "url", "gave"],
    "nodes": [
        "node_id",
        "name",
        "aliases",
        "country",
        "kind",
        "lat_deg",
        "lon_deg",
        "coord_source",
        "coord_note",
        "handling_h",
        "handling_usd_per_teu",
        "handling_usd_per_t",
        "handling_source",
        "handling_year",
        "handling_note",
    ],
    "links": [
        "link_id",
        "from_node",
        "to_node",
        "mode",
        "gauge_mm",
        "link_class",
        "length_km",
        "length_source",
        "length_year",
        "length_note",
        "speed_kmh",
        "speed_source",
        "speed_year",
        "speed_note",
        "capacity_teu_per_day",
        "capacity_source",
        "capacity_year",
        "capacity_note",
        "sailings_per_week",
        "sailing_days",
        "sailings_source",
        "sailings_year",
        "sailings_note",
        "via",
        "bidirectional",
    ],
    "crossings": [
        "link_id",
        "direction",
        "dwell_h",
        "dwell_p90_h",
        "cost_usd_per_teu",
        "cost_usd_per_t",
        "source",
        "year",
        "note",
    ],
    "transfers": [
        "node_id",
        "kind",
        "port_a",
        "port_b",
        "time_container_h",
        "cost_usd_per_teu",
        "time_bulk_h",
        "cost_usd_per_t",
        "source",
        "year",
        "note",
    ],
    "parameters": ["scope", "parameter", "value", "source", "year", "note"],
    "rates": [
        "series",
        "link_class",
        "date",
        "rate_usd_per_feu",
        "rate_usd_per_t",
        "reference_km",
        "source",
        "year",
        "note",
    ],
    "passages": ["passage", "closed_from", "closed_to", "source", "year", "note"],
}


def write_network(tables: Tables, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=COLUMNS[name], extrasaction="raise")
            w.writeheader()
            for r in rows:
                w.writerow({k: r.get(k, "") for k in COLUMNS[name]})
    return folder


# -- the catalogue ----------------------------------------------------------------------------


def two_nodes() -> Tables:
    """A single 500 km broad-gauge rail link."""
    return build([node("A", lon=60), node("B", lon=66)], [link("a-b", "A", "B", 500)])


def parallel_links() -> Tables:
    """Two routes A->B: a short slow road and a longer cheap rail line."""
    return build(
        [node("A", lon=60), node("B", lon=64), node("M", lon=62, lat=46)],
        [
            link("rail-a-m", "A", "M", 200),
            link("rail-m-b", "M", "B", 200),
            link("road-a-b", "A", "B", 330, mode="road", gauge=None),
        ],
    )


def gauge_break() -> Tables:
    """Standard gauge in CN meets broad gauge in KZ at a border with a gauge-change station."""
    return build(
        [
            node("CNX", "CN", lon=80),
            node("BRD", "KZ", "border_crossing", lon=82),
            node("KZA", "KZ", lon=84),
        ],
        [link("cn-line", "CNX", "BRD", 300, gauge=1435), link("kz-line", "BRD", "KZA", 300)],
        crossings=[crossing("cn-line", "forward", 30, 60), crossing("cn-line", "reverse", 8, 12)],
        transfers=[
            transfer(
                "BRD", "gauge_change", "rail1435", "rail1520", h=4, cost=300, bulk_h=24, bulk_cost=6
            )
        ],
    )


def ferry_only_link() -> Tables:
    """Rail to a port, a ferry across, rail on: the only way through is the ferry."""
    return build(
        [
            node("W", lon=50),
            node("P1", kind="seaport", lon=51),
            node("P2", "AZ", "seaport", lon=49.5),
            node("E", "AZ", lon=49),
        ],
        [
            link("w-p1", "W", "P1", 100),
            link(
                "ferry",
                "P1",
                "P2",
                450,
                mode="ferry",
                gauge=None,
                sailings_per_week=2,
                sailing_days="Mon;Thu",
            ),
            link("p2-e", "P2", "E", 60),
        ],
        crossings=[crossing("ferry", "forward", 10), crossing("ferry", "reverse", 10)],
    )


def disconnected() -> Tables:
    """Two islands: A-B and C-D."""
    return build(
        [node("A"), node("B", lon=61), node("C", lon=70), node("D", lon=71)],
        [link("a-b", "A", "B", 100), link("c-d", "C", "D", 100)],
    )


def three_countries() -> Tables:
    """A->D through either RU (fast) or TM (slow): tests country avoidance."""
    return build(
        [
            node("A", "KZ", lon=60),
            node("R", "RU", lon=62, lat=50),
            node("T", "TM", lon=62, lat=40),
            node("D", "TR", lon=64),
        ],
        [
            link("a-r", "A", "R", 400),
            link("r-d", "R", "D", 400),
            link("a-t", "A", "T", 500),
            link("t-d", "T", "D", 600),
        ],
        crossings=[
            c
            for lid in ("a-r", "r-d", "a-t", "t-d")
            for c in (crossing(lid, "forward", 5), crossing(lid, "reverse", 5))
        ],
    )


def two_corridors() -> Tables:
    """A->D by a Northern corridor (via RU, a congestible border at 100 TEU/day) or a
    Southern one (via TM, longer): tests the choice equilibrium and its calibration."""
    return build(
        [
            node("A", "KZ", lon=60),
            node("R", "RU", "border_crossing", lon=62, lat=50),
            node("T", "TM", "border_crossing", lon=62, lat=40),
            node("D", "TR", lon=64),
        ],
        [
            link("a-r", "A", "R", 400, capacity_teu_per_day=100),
            link("r-d", "R", "D", 400),
            link("a-t", "A", "T", 450),
            link("t-d", "T", "D", 450),
        ],
        crossings=[
            c
            for lid in ("a-r", "r-d", "a-t", "t-d")
            for c in (crossing(lid, "forward", 5), crossing(lid, "reverse", 5))
        ],
    )


def caspian_or_railway() -> Tables:
    """A (KZ) -> D (IR) by a Caspian ferry K (KZ port) -> N (IR port), or by rail through
    T (TM), much longer by land: the Kuryk-Anzali ferry against the Kazakhstan-Turkmenistan-Iran
    railway."""
    return build(
        [
            node("A", "KZ", lon=52, lat=45),
            node("K", "KZ", "seaport", lon=51.5, lat=43.2),
            node("N", "IR", "seaport", lon=49.5, lat=37.5),
            node("T", "TM", "border_crossing", lon=54, lat=40),
            node("D", "IR", lon=51.4, lat=35.7),
        ],
        [
            link("a-k", "A", "K", 250),
            link(
                "k-n",
                "K",
                "N",
                700,
                mode="ferry",
                gauge=None,
                cls="ferry_caspian",
                sailings_per_week=2,
                sailing_days="Mon;Thu",
            ),
            link("n-d", "N", "D", 300),
            link("a-t", "A", "T", 1300),
            link("t-d", "T", "D", 1300),
        ],
        crossings=[
            c
            for lid in ("k-n", "a-t", "t-d")
            for c in (crossing(lid, "forward", 10), crossing(lid, "reverse", 10))
        ],
        classes={**DEFAULT_CLASSES, "ferry_caspian": DEFAULT_CLASSES["ferry"]},
    )


CATALOGUE = {
    f.__name__: f
    for f in (
        two_corridors,
        two_nodes,
        parallel_links,
        gauge_break,
        ferry_only_link,
        disconnected,
        three_countries,
        caspian_or_railway,
    )
}


def two_crossings() -> Tables:
    """A (KZ) -> D (TR) through Russia by either of two border crossings, X (5 h dwell) or Y
    (40 h dwell, cheaper): two routes of one corridor (Northern) that the route logit splits;
    no capacities, so their times are fixed."""
    return two_crossings_priced(cost_y=90.0)


def two_crossings_priced(cost_y: float) -> Tables:
    """:func:`two_crossings` with the crossing A -> Y costing ``cost_y`` USD per TEU."""
    return build(
        [
            node("A", "KZ", lon=60),
            node("X", "RU", "border_crossing", lon=62, lat=47),
            node("Y", "RU", "border_crossing", lon=62, lat=43),
            node("D", "TR", lon=64),
        ],
        [
            link("a-x", "A", "X", 400),
            link("x-d", "X", "D", 400),
            link("a-y", "A", "Y", 400),
            link("y-d", "Y", "D", 400),
        ],
        crossings=[
            crossing("a-x", "forward", 5),
            crossing("a-x", "reverse", 5),
            crossing("a-y", "forward", 40, cost=cost_y),
            crossing("a-y", "reverse", 40, cost=cost_y),
            *(crossing(lid, d, 5) for lid in ("x-d", "y-d") for d in ("forward", "reverse")),
        ],
    )


CATALOGUE["two_crossings"] = two_crossings


def single_track_or_twin() -> Tables:
    """A (KZ) -> B (CN) across a 300 km border line whose capacity the test counts in train
    paths (a queue, like Dostyk) or an uncongested crossing of the same length via M (CN):
    both routes cost the same at free flow, so the queue alone splits the classes between
    them (containers before bulk in queues, method M171)."""
    return build(
        [
            node("A", "KZ", lon=60),
            node("B", "CN", lon=64),
            node("M", "CN", "border_crossing", lon=62, lat=46),
        ],
        [
            link("line-a-b", "A", "B", 300),
            link("line-a-m", "A", "M", 150),
            link("line-m-b", "M", "B", 150),
        ],
        crossings=[
            crossing(lid, d, 2.0)
            for lid in ("line-a-b", "line-a-m")
            for d in ("forward", "reverse")
        ],
    )


CATALOGUE["single_track_or_twin"] = single_track_or_twin
