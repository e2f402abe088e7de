"""Compute sea-lane distances for the bundled corridors network with the `searoute` package.

Usage:  python tools/build_sea_lanes.py            # print the lanes
        python tools/build_sea_lanes.py --write    # also upsert the rows into links.csv / crossings.csv

Method M6 (see src/corridors/data/SOURCES.md): the length of every `sea` link and of the Black Sea
ferry links is the shortest path on searoute's maritime network (Eurostat MARNET, source S200)
between the two ports' coordinates in nodes.csv. Caspian ferries are NOT computed here: searoute
reaches the Caspian through the Volga-Don waterways and snaps Kuryk/Alat onto Aktau/Baku, so those
links are explicit rows in links.csv (method M3). Every computed path is checked never to enter the
Caspian / Volga-Don box; a Cape routing is obtained by restricting Suez and Bab-el-Mandeb.
"""

import csv
import math
import os
import sys
from importlib.metadata import version

import searoute as sr

NET = os.path.join(os.path.dirname(__file__), "..", "src", "corridors", "data", "network")

# link_id, from, to, link_class, via, restrictions, sailings_per_week, sailings note
LANES = [
    ("sea-shanghai-rotterdam-suez", "CNSGH", "NLRTM", "sea_container", "Suez", [], 7),
    (
        "sea-shanghai-rotterdam-cape",
        "CNSGH",
        "NLRTM",
        "sea_container",
        "Cape",
        ["suez", "babalmandab", "panama"],
        7,
    ),
    ("sea-shanghai-hamburg-suez", "CNSGH", "DEHAM", "sea_container", "Suez", [], 5),
    ("sea-qingdao-rotterdam-suez", "CNQIN", "NLRTM", "sea_container", "Suez", [], 4),
    ("sea-qingdao-hamburg-suez", "CNQIN", "DEHAM", "sea_container", "Suez", [], 3),
    ("sea-lianyungang-rotterdam-suez", "CNLYG", "NLRTM", "sea_container", "Suez", [], 1),
    # Qingdao's own Mediterranean calls (issue 9): without them its boxes for Turkey rode the
    # rail to Shanghai via Zhengzhou (method M142)
    ("sea-qingdao-istanbul-suez", "CNQIN", "TRIST", "sea_container", "Suez", [], 1),
    ("sea-qingdao-mersin-suez", "CNQIN", "TRMER", "sea_container", "Suez", [], 1),
    ("sea-shanghai-mersin-suez", "CNSGH", "TRMER", "sea_container", "Suez", [], 2),
    ("sea-shanghai-istanbul-suez", "CNSGH", "TRIST", "sea_container", "Suez", [], 2),
    ("sea-shanghai-constanta-suez", "CNSGH", "ROCND", "sea_container", "Suez", [], 2),
    ("sea-shanghai-poti-suez", "CNSGH", "ge-poti", "sea_container", "Suez", [], 1),
    ("sea-shanghai-bandarabbas", "CNSGH", "IRSRP", "sea_container", "", [], 2),
    ("sea-bandarabbas-rotterdam-suez", "IRSRP", "NLRTM", "sea_container", "Suez", [], 1),
    ("sea-bandarabbas-mersin-suez", "IRSRP", "TRMER", "sea_container", "Suez", [], 1),
    ("sea-mersin-rotterdam", "TRMER", "NLRTM", "sea_container", "", [], 2),
    ("sea-rotterdam-oslo", "NLRTM", "NOOSL", "sea_container", "", [], 5),
    ("sea-hamburg-oslo", "DEHAM", "NOOSL", "sea_container", "", [], 3),
    ("sea-helsinki-oslo", "FIVSS", "NOOSL", "sea_container", "", [], 1),
    ("sea-riga-oslo", "lv-riga", "NOOSL", "sea_container", "", [], 1),
    ("sea-narvik-oslo", "NONVK", "NOOSL", "sea_container", "", [], 1),
    ("sea-stpetersburg-rotterdam", "RULED", "NLRTM", "sea_container", "", [], 2),
    ("ferry-poti-constanta", "ge-poti", "ROCND", "ferry_blacksea", "", [], 1),
    ("ferry-batumi-constanta", "ge-batumi", "ROCND", "ferry_blacksea", "", [], 1),
    ("sea-istanbul-constanta", "TRIST", "ROCND", "sea_container", "Bosporus", [], 3),
    # Baltic Ro-Ro/rail ferries to Sweden (short-sea ferry class; issue 10: a path that avoids Russia)
    ("ferry-gdynia-karlskrona", "PLGDY", "se-karlskrona", "ferry_blacksea", "", [], 14),
    ("ferry-swinoujscie-ystad", "PLSWI", "se-ystad", "ferry_blacksea", "", [], 21),
    ("ferry-swinoujscie-trelleborg", "PLSWI", "se-trelleborg", "ferry_blacksea", "", [], 21),
    ("ferry-rostock-trelleborg", "DERSK", "se-trelleborg", "ferry_blacksea", "", [], 28),
    # Norwegian seaports beyond Oslo, and Kaliningrad's sea exit
    ("sea-rotterdam-bergen", "NLRTM", "NOBGO", "sea_container", "", [], 2),
    ("sea-rotterdam-drammen", "NLRTM", "NODRM", "sea_container", "", [], 2),
    ("sea-hamburg-larvik", "DEHAM", "NOLAR", "sea_container", "", [], 2),
    ("sea-kaliningrad-rotterdam", "RUKGD", "NLRTM", "sea_container", "", [], 1),
]
# Sailings with a published basis (else SAILINGS_NOTE, method M7).
SAILINGS_SOURCE = {
    "ferry-swinoujscie-trelleborg": (
        "S237",
        "2017",
        "Unity Line: three departures a day each way, Ro-Ro ferries taking rail wagons (S237)",
    ),
}
# Member states of the EU customs union: a lane between two of them has no customs stop.
EU_CUSTOMS = {"AT", "BG", "DE", "FI", "HU", "LT", "LV", "NL", "PL", "RO", "SE"}
SAILINGS_NOTE = (
    "no published schedule count retrieved; typical number of weekly liner/feeder services "
    "on the lane assumed (method M7)"
)


def in_caspian_or_volga(lon, lat):
    """True when a point lies on the Caspian Sea or the Volga-Don inland route."""
    caspian = 46.5 <= lon <= 55.5 and 36.5 <= lat <= 47.5
    volga_don = 38.5 <= lon <= 50.5 and 47.3 <= lat <= 58.0
    return caspian or volga_don


def great_circle_km(o, d):
    lo1, la1, lo2, la2 = map(math.radians, (*o, *d))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def compute(nodes):
    out = []
    for lid, a, b, cls, via, restr, sailings in LANES:
        o = [float(nodes[a]["lon_deg"]), float(nodes[a]["lat_deg"])]
        d = [float(nodes[b]["lon_deg"]), float(nodes[b]["lat_deg"])]
        kw = {"units": "km", "return_passages": True}
        if restr:
            kw["restrictions"] = ["northwest", *restr]
        r = sr.searoute(o, d, **kw)
        coords = r["geometry"]["coordinates"]
        bad = [c for c in coords if in_caspian_or_volga(*c)]
        if bad:
            raise SystemExit(f"{lid}: path enters the Caspian/Volga-Don at {bad[0]}")
        km = r["properties"]["length"]
        gc = great_circle_km(o, d)
        raised = km < gc * 1.05
        if (
            raised
        ):  # searoute snapped a port onto its network: never shorter than 1.05 x great circle
            km = gc * 1.05
        km = round(km, 1)
        passages = r["properties"].get("traversed_passages", [])
        out.append(
            {
                "link_id": lid,
                "from_node": a,
                "to_node": b,
                "mode": "sea" if cls == "sea_container" else "ferry",
                "gauge_mm": "",
                "link_class": cls,
                "length_km": km,
                "length_source": "S200",
                "length_year": "2024",
                "length_note": f"searoute {version('searoute')} shortest maritime path (method M6); passages: "
                f"{'/'.join(passages) or 'none'}"
                + (f"; restricted {'+'.join(restr)}" if restr else "")
                + (
                    "; raised to 1.05 x great-circle because searoute snapped a port"
                    if raised
                    else ""
                ),
                "sailings_per_week": sailings,
                "sailings_source": SAILINGS_SOURCE.get(lid, ("estimate",))[0],
                "sailings_year": SAILINGS_SOURCE.get(lid, ("", ""))[1],
                "sailings_note": SAILINGS_SOURCE.get(lid, ("", "", SAILINGS_NOTE))[2],
                "via": via,
                "bidirectional": "true",
            }
        )
    return out


def sea_crossing_rows(link, countries=("", "")):
    rows = []
    if set(countries) <= EU_CUSTOMS:
        for d in ("forward", "reverse"):
            rows.append(
                {
                    "link_id": link["link_id"],
                    "direction": d,
                    "dwell_h": 0,
                    "dwell_p90_h": 0.5,
                    "cost_usd_per_teu": 0,
                    "cost_usd_per_t": 0,
                    "source": "estimate",
                    "year": "",
                    "note": "EU customs union and Schengen: no customs stop between the two ports; "
                    "ferry waiting is modelled by sailings_per_week (method M15)",
                }
            )
        return rows
    for d in ("forward", "reverse"):
        rows.append(
            {
                "link_id": link["link_id"],
                "direction": d,
                "dwell_h": 24,
                "dwell_p90_h": 72,
                "cost_usd_per_teu": 75,
                "cost_usd_per_t": 2.5,
                "source": "estimate",
                "year": "",
                "note": "import/export customs clearance and documentation at the seaport (method M15)",
            }
        )
    return rows


def upsert(path, key_cols, new_rows, drop):
    with open(path, newline="", encoding="utf-8") as f:
        rd = csv.DictReader(f)
        cols, rows = rd.fieldnames, [r for r in rd if not drop(r)]
    rows += new_rows
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in cols})


def main():
    with open(os.path.join(NET, "nodes.csv"), newline="", encoding="utf-8") as f:
        nodes = {r["node_id"]: r for r in csv.DictReader(f)}
    lanes = compute(nodes)
    for l in lanes:
        print(
            f"{l['link_id']:38s} {l['length_km']:9.1f} km  via={l['via'] or '-':8s} {l['length_note']}"
        )
    if "--write" in sys.argv:
        ids = {l["link_id"] for l in lanes}
        upsert(os.path.join(NET, "links.csv"), None, lanes, lambda r: r["link_id"] in ids)
        cross = [
            c
            for l in lanes
            if nodes[l["from_node"]]["country"] != nodes[l["to_node"]]["country"]
            for c in sea_crossing_rows(
                l, (nodes[l["from_node"]]["country"], nodes[l["to_node"]]["country"])
            )
        ]
        upsert(os.path.join(NET, "crossings.csv"), None, cross, lambda r: r["link_id"] in ids)
        print(f"wrote {len(lanes)} lanes, {len(cross)} crossing rows")


if __name__ == "__main__":
    main()
