"""Build ``src/corridors/data/network/capacities.csv`` (per-element, per-direction capacities).

Each row states the published figure it comes from and the method (M43-M47, see
``src/corridors/data/network/CAPACITIES.md``) that turns it into trains per day, TEU per day and
tonnes per day. Run from the repository root::

    python tools/build_capacities.py
"""

from __future__ import annotations

import csv
from pathlib import Path

from corridors.network._capacity import BULK_T_PER_TRAIN, TEU_PER_TRAIN

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "corridors" / "data" / "network" / "capacities.csv"
LINKS = ROOT / "src" / "corridors" / "data" / "network" / "links.csv"

# Sections whose link ids differ between network versions (a line split at new junctions):
# the first alternative whose links all exist in links.csv is written.
ALTERNATIVES = {
    "rail-zhezkazgan-beyneu": [
        ["rail-zhezkazgan-beyneu"],
        ["rail-zhezkazgan-saksaulskaya", "rail-shalkar-beyneu"],
    ],
    "rail-kyzylorda-kandyagash": [
        ["rail-kyzylorda-kandyagash"],
        ["rail-kyzylorda-saksaulskaya", "rail-saksaulskaya-shalkar", "rail-shalkar-kandyagash"],
    ],
    "rail-saryagash-tashkent": [
        ["rail-saryagash-tashkent"],
        ["rail-saryagash-keles", "rail-keles-tashkent"],
    ],
    "rail-samarkand-bukhara": [
        ["rail-samarkand-bukhara"],
        ["rail-samarkand-navoi", "rail-navoi-bukhara"],
    ],
}

# One train path carries 86 TEU (parameters.csv global teu_per_train, B20/S58c) or one bulk
# train of 3,700 t (M150): the constants of corridors.network._capacity, defined there only.
T_PER_TRAIN = round(BULK_T_PER_TRAIN)
SINGLE_TRACK = 24.0  # M45 trains/day per direction
DOUBLE_TRACK = 60.0  # M46 trains/day per direction
COLS = [
    "element_type",
    "element_id",
    "direction",
    "ports",
    "trains_per_day",
    "net_load_teu_per_train",
    "net_load_t_per_train",
    "capacity_teu_per_day",
    "capacity_t_per_day",
    "shared",
    "source",
    "year",
    "method",
    "note",
]


def trains(
    link: str, n: float, source: str, year: str, method: str, note: str, direction: str = "both"
) -> dict[str, object]:
    """A line or crossing row from train paths per day and direction (shared by all cargo)."""
    return {
        "element_type": "link",
        "element_id": link,
        "direction": direction,
        "ports": "",
        "trains_per_day": round(n, 2),
        "net_load_teu_per_train": TEU_PER_TRAIN,
        "net_load_t_per_train": T_PER_TRAIN,
        "capacity_teu_per_day": round(round(n, 2) * TEU_PER_TRAIN, 1),
        "capacity_t_per_day": round(round(n, 2) * T_PER_TRAIN),
        "shared": "true",
        "source": source,
        "year": year,
        "method": method,
        "note": note,
    }


def mt_per_year(mt: float, per_direction_share: float = 0.5) -> float:
    """Trains/day per direction of an annual tonnage capacity (M44)."""
    return mt * 1e6 * per_direction_share / 365.0 / T_PER_TRAIN


def facility(
    element_type: str,
    element: str,
    ports: str,
    teu_year: float | None,
    t_year: float | None,
    shared: bool,
    source: str,
    year: str,
    method: str,
    note: str,
    direction: str = "both",
) -> dict[str, object]:
    """A port, ferry line or transfer row from annual TEU and tonne capacities."""
    return {
        "element_type": element_type,
        "element_id": element,
        "direction": direction,
        "ports": ports,
        "trains_per_day": "",
        "net_load_teu_per_train": "",
        "net_load_t_per_train": "",
        "capacity_teu_per_day": "" if teu_year is None else round(teu_year / 365.0, 1),
        "capacity_t_per_day": "" if t_year is None else round(t_year / 365.0),
        "shared": "true" if shared else "false",
        "source": source,
        "year": year,
        "method": method,
        "note": note,
    }


def rows() -> list[dict[str, object]]:
    r: list[dict[str, object]] = []
    # -- China-Kazakhstan crossings -----------------------------------------------------------
    r.append(
        trains(
            "rail-alashankou-dostyk",
            22,
            "S29;S87b",
            "2024",
            "M43",
            "K02: Dostyk receives 14 trains/day (2022) and could take 22; K06: station capacity "
            "doubled by the 2024 upgrades (35 Mt/yr); 22 trains/day each way",
        )
    )
    r.append(
        trains(
            "rail-horgos-altynkol",
            22,
            "S32;S87b",
            "2024",
            "M43",
            "K10: 10-12 container trains/day at Khorgos Gateway in 2021 beside bulk trains; K06: "
            "Altynkol station capacity doubled (2024); taken equal to Dostyk, 22 trains/day each way",
        )
    )
    # -- gauge changes at the Chinese border (container terminals + bulk reloading) ----------
    r.append(
        facility(
            "transfer",
            "kz-dostyk",
            "rail1435|rail1520",
            760 * 365 + 320_000,
            22 * T_PER_TRAIN * 365,
            False,
            "S27;S29",
            "2022",
            "M44",
            "containers: Dostyk station transshipment 760 TEU/day (K01) + Dostyk TransTerminal "
            "320,000 TEU/yr (K03); bulk reloading and bogie exchange taken as the station's 22 "
            "trains/day x 3,700 t (estimate); the published figures cover named terminals only",
        )
    )
    r.append(
        facility(
            "transfer",
            "kz-altynkol",
            "rail1435|rail1520",
            540_000,
            22 * T_PER_TRAIN * 365,
            False,
            "S31;S32",
            "2021",
            "M44",
            "containers: KTZE Khorgos Gateway design 540,000 TEU/yr (K10); bulk reloading taken as "
            "the station's 22 trains/day x 3,700 t (estimate)",
        )
    )
    # -- Brest-Malaszewicze ----------------------------------------------------------------
    r.append(
        trains(
            "rail-brest-malaszewicze",
            14,
            "S35",
            "2018",
            "M43",
            "K11: 14 trains/day across Brest-Malaszewicze (2018; 8/day during works, PKP Cargo "
            "reported spare capacity)",
        )
    )
    # -- Kazakhstan-Turkmenistan-Iran --------------------------------------------------------
    r.append(
        trains(
            "rail-bolashak-serhetyaka",
            5,
            "S410",
            "2023",
            "M43",
            "Bolashak station receives and sends 5 trains/day",
        )
    )
    r.append(
        trains(
            "rail-etrek-inchehborun",
            mt_per_year(10),
            "S72b",
            "2013",
            "M44",
            "K25: Gorgan-Incheh Borun design 10 Mt/yr, half each way / 3,700 t per train",
        )
    )
    r.append(
        trains(
            "rail-sarahs-sarakhs",
            mt_per_year(7.5),
            "S415",
            "2022",
            "M44",
            "Sarahs-Sarakhs transshipment capacity 7.5 Mt/yr (S415), half each way (every train "
            "changes gauge there); the 200 wagons/day of S415 was the 2022 operating level after "
            "the reopening, which could rise to 400 (was used as the capacity before)",
        )
    )
    r.append(
        facility(
            "transfer",
            "ir-sarakhs",
            "rail1435|rail1520",
            None,
            7.5e6 / 2,
            True,
            "S415",
            "2022",
            "M44",
            "Sarahs-Sarakhs transshipment 7.5 Mt/yr in and out, half each way",
        )
    )
    # -- BTK -------------------------------------------------------------------------------
    r.append(
        trains(
            "rail-akhalkalaki-kars",
            mt_per_year(5),
            "S54",
            "2024",
            "M44",
            "K24: BTK 5 Mt/yr after the 2024 modernisation, half each way / 3,700 t per train",
        )
    )
    # -- Caspian ferry lines (M47) -----------------------------------------------------------
    system_t = 4.5e6  # K18 (S82): Caspian rail-ferry system ~4.5 Mt/yr
    r.append(
        facility(
            "link",
            "ferry-aktau-alat",
            "",
            89_000,
            system_t * 0.3,
            False,
            "S83;S82;S426",
            "2025",
            "M47",
            "container feeders 89,000 TEU/yr Aktau->Alyat (K16); rail ferries and dry-cargo ships "
            "30 % of the ~4.5 Mt/yr Caspian ferry system (K18, L); vessels serve both ways",
        )
    )
    # Kuryk-Alat (M141): the K18 share (30 % of 4.5 Mt = 1.35 Mt/yr) is below what Kuryk
    # handled in 2024 (2.2 Mt, K14/S12); the line takes the Kuryk railway berth capacity,
    # 4.1 Mt/yr, 5-8 ferries a day (S1011; K14 "4 Mt/yr", S80e), which a vessel pool serves
    # both ways.
    r.append(
        facility(
            "link",
            "ferry-kuryk-alat",
            "",
            None,
            4.1e6,
            True,
            "S1011;S80e;S12",
            "2021",
            "M141",
            "rail ferries (flat wagons and bulk wagons share the decks): Kuryk railway berth "
            "4.1 Mt/yr, 5-8 ferries a day (S1011; K14 4 Mt/yr, S80e); was 30 % of the ~4.5 Mt/yr "
            "Caspian ferry system (K18, L), below Kuryk's 2.2 Mt of 2024 (K14, S12)",
        )
    )
    for link, share in (("ferry-alat-turkmenbashi", 0.35), ("ferry-aktau-turkmenbashi", 0.05)):
        r.append(
            facility(
                "link",
                link,
                "",
                None,
                system_t * share,
                True,
                "S82;S426",
                "2023",
                "M47",
                f"{share:.0%} of the ~4.5 Mt/yr Caspian ferry system (K18, L): Baku port counted "
                "as many rail wagons to/from Turkmenbashi as to/from Aktau and Kuryk (2023)",
            )
        )
    # -- Seaports: berths (rail <-> ferry/sea transfers), full capacity each way (M44) -------
    r.append(
        facility(
            "transfer",
            "KZAAU",
            "rail1520|ferry",
            70_000,
            11e6 - 7.5e6,
            False,
            "S12;S408;S14c",
            "2024",
            "M44",
            "Aktau: >11 Mt/yr (K13) minus 7.5 Mt/yr oil berths = 3.5 Mt/yr dry cargo incl. the "
            "0.8 Mt grain terminal; ~70,000 TEU/yr before the 2025 container hub (K15)",
        )
    )
    r.append(
        facility(
            "transfer",
            "KZKUR",
            "rail1520|ferry",
            None,
            6e6,
            True,
            "S12",
            "2024",
            "M44",
            "Kuryk: design 6 Mt/yr (K14), rail and road ferry berths",
        )
    )
    r.append(
        facility(
            "transfer",
            "AZALA",
            "rail1520|ferry",
            100_000,
            15e6,
            False,
            "S15c",
            "2025",
            "M44",
            "Baku port (Alat): 15 Mt + 100,000 TEU/yr now (K19)",
        )
    )
    r.append(
        facility(
            "transfer",
            "TMKRW",
            "rail1520|ferry",
            400_000,
            17e6,
            False,
            "S17",
            "2018",
            "M44",
            "Turkmenbashi: 17 Mt/yr excl. oil products and 400,000 TEU (K21)",
        )
    )
    for ports in ("rail1520|sea", "rail1520|ferry"):
        r.append(
            facility(
                "transfer",
                "ge-poti",
                ports,
                400_000,
                6.8e6,
                False,
                "S18",
                "2015",
                "M44",
                "Poti: 400,000 TEU capacity (K22); 6.8 Mt handled in 2015 used as the bulk "
                "capacity (lower bound, L)",
            )
        )
    r.append(
        facility(
            "transfer",
            "ge-batumi",
            "rail1520|ferry",
            100_000,
            5.7e6,
            False,
            "S18",
            "2015",
            "M44",
            "Batumi: 100,000 TEU capacity (K23); 5.7 Mt handled in 2015 as bulk capacity (L)",
        )
    )
    # -- Main line sections (M45 single track, M46 double track) -----------------------------
    single = [
        ("rail-altynkol-zhetygen", "single-track line opened 2012 (D04)"),
        ("rail-moyynty-zharyk", "single track"),
        ("rail-zharyk-zhezkazgan", "single track"),
        ("rail-zhezkazgan-beyneu", "single-track desert line opened 2014 (D06)"),
        ("rail-beyneu-mangistau", "single track (D07)"),
        ("rail-mangistau-aktau", "single-track port branch"),
        ("rail-mangistau-kuryk", "single-track port branch"),
        ("rail-beyneu-kandyagash", "single track"),
        ("rail-mangistau-zhanaozen", "single track (KTI access)"),
        ("rail-zhanaozen-bolashak", "single track (KTI)"),
        ("rail-shu-moyynty", "single track"),
        ("rail-astana-kostanay", "single track"),
        # Turkestan-Siberia line north of Aktogay and the Pavlodar-Semey link (Aksu-Konechnaya,
        # 2001, S1025): Pavlodar/Ekibastuz traffic to China runs this way, not via Karaganda
        ("rail-aktogay-ayagoz", "single track (Turkestan-Siberia line)"),
        ("rail-semey-ayagoz", "single track (Turkestan-Siberia line)"),
        ("rail-pavlodar-semey", "single track (Aksu-Konechnaya line, 2001, S1025)"),
    ]
    for link, what in single:
        r.append(
            trains(
                link,
                SINGLE_TRACK,
                "estimate",
                "",
                "M45",
                f"{what}: 24 train paths/day each way (single track with passing loops)",
            )
        )
    # Dostyk-Moyynty (M43): 12 pairs of freight trains a day on the single track, 60 after the
    # second track (S1003); the second track opened from January 2025 (Moyynty-Balkhash), so the
    # 2024 base year has the single-track figure, half the M45 estimate.
    for link in ("rail-dostyk-aktogay", "rail-aktogay-moyynty"):
        r.append(
            trains(
                link,
                12.0,
                "S1003",
                "2023",
                "M43",
                "single track until the second track opened from January 2025 (D08, K07): 12 pairs "
                "of freight trains a day, 60 after doubling (S1003); M45 estimated 24",
            )
        )
    double = [
        ("rail-zhetygen-almaty", "double track"),
        ("rail-almaty-shu", "double-track electrified Turksib"),
        ("rail-shu-shymkent", "double track"),
        ("rail-shymkent-arys", "double track"),
        ("rail-arys-saryagash", "double track to Uzbekistan"),
        ("rail-arys-kyzylorda", "double track (Trans-Aral)"),
        ("rail-kyzylorda-kandyagash", "double track (Trans-Aral)"),
        ("rail-kandyagash-aktobe", "double track"),
        ("rail-aktobe-orenburg", "double track"),
        ("rail-karaganda-astana", "double-track electrified"),
        ("rail-zharyk-karaganda", "double-track electrified"),
        ("rail-astana-petropavlovsk", "double-track electrified"),
        ("rail-petropavlovsk-kurgan", "double-track electrified Trans-Siberian"),
        ("rail-kostanay-chelyabinsk", "double track"),
        ("rail-saryagash-tashkent", "double-track electrified (Uzbekistan)"),
        ("rail-tashkent-samarkand", "double-track electrified (Uzbekistan)"),
        ("rail-samarkand-bukhara", "double track (Uzbekistan)"),
        # Chinese trunk lines (freight freed by the parallel high-speed lines)
        ("rail-lianyungang-zhengzhou", "double-track electrified Longhai line"),
        ("rail-zhengzhou-xian", "double-track electrified Longhai line"),
        ("rail-xian-lanzhou", "double-track electrified Longhai line"),
        ("rail-lanzhou-urumqi", "double-track electrified Lanxin line"),
        ("rail-urumqi-jinghe", "double-track electrified (two parallel lines, D13)"),
        ("rail-shanghai-zhengzhou", "double-track electrified trunk"),
        ("rail-qingdao-jinan", "double-track electrified trunk"),
        ("rail-jinan-zhengzhou", "double-track electrified trunk"),
        ("rail-yiwu-zhengzhou", "double-track electrified trunk"),
        ("rail-chongqing-xian", "double-track electrified trunk"),
        ("rail-chengdu-xian", "double-track electrified trunk"),
        # European trunk lines of the port hinterlands
        ("rail-berlin-hamburg", "double-track electrified (DE)"),
        ("rail-hannover-hamburg", "double-track electrified (DE)"),
        ("rail-hannover-duisburg", "double-track electrified (DE)"),
        ("rail-berlin-hannover", "double-track electrified (DE)"),
        ("rail-poznan-berlin", "double-track electrified E20 (PL-DE)"),
        ("rail-warsaw-poznan", "double-track electrified E20 (PL)"),
        ("rail-malaszewicze-warsaw", "double-track electrified E20 (PL)"),
        ("rail-duisburg-nurnberg", "double-track electrified (DE)"),
        # Northern corridor trunk lines in Russia and Belarus (M140: same M46 line figure as
        # the Kazakh and Chinese double-track trunk lines instead of the rail_ru class default)
        ("rail-orenburg-samara", "double-track electrified (RU)"),
        ("rail-samara-moscow", "double-track electrified Kuibyshev line (RU)"),
        ("rail-moscow-smolensk", "double-track electrified Moscow-Brest line (RU)"),
        ("rail-smolensk-minsk", "double-track electrified Moscow-Brest line (RU-BY)"),
        ("rail-minsk-brest", "double-track electrified Moscow-Brest line (BY)"),
    ]
    for link, what in double:
        r.append(
            trains(
                link,
                DOUBLE_TRACK,
                "estimate",
                "",
                "M46",
                f"{what}: 60 freight train paths/day each way (double track)",
            )
        )
    # Rotterdam-Duisburg: the freight-only Betuweroute (double track, ETCS) is limited by its
    # mixed two-track German continuation to Oberhausen; the Dutch ministry put that limit at
    # no less than 100 freight trains per day and direction (S1000, 2008), the line itself is
    # built for up to 150 a day (S1001). The third track Emmerich-Oberhausen is not finished.
    r.append(
        trains(
            "rail-duisburg-rotterdam",
            100.0,
            "S1000;S1001;S1002",
            "2008",
            "M43",
            "Betuweroute (freight-only, double track) + German continuation: at least 100 freight "
            "trains/day per direction until the Emmerich-Oberhausen third track (S1000, 2008); "
            "line built for up to 150 trains/day (S1001); 60 trains/day ran on average in 2013 (S1002)",
        )
    )
    return r


def resolve_sections(out: list[dict[str, object]]) -> list[dict[str, object]]:
    """Replace section ids by the link ids of the current links.csv (see ALTERNATIVES)."""
    with LINKS.open(encoding="utf-8") as f:
        known = {r["link_id"] for r in csv.DictReader(f)}
    resolved = []
    for r in out:
        eid = str(r["element_id"])
        if r["element_type"] != "link" or eid not in ALTERNATIVES:
            resolved.append(r)
            continue
        alt = next((a for a in ALTERNATIVES[eid] if all(x in known for x in a)), None)
        if alt is None:
            raise SystemExit(f"{eid}: none of {ALTERNATIVES[eid]} is in links.csv")
        for link in alt:
            resolved.append({**r, "element_id": link})
    for r in resolved:
        if r["element_type"] == "link" and r["element_id"] not in known:
            raise SystemExit(f"{r['element_id']}: not in links.csv")
    return resolved


def build_rows() -> list[dict[str, object]]:
    """The table's rows with the link ids of the current links.csv."""
    return resolve_sections(rows())


def main() -> None:
    out = build_rows()
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLS, lineterminator="\n")
        w.writeheader()
        w.writerows(out)
    print(f"wrote {len(out)} rows to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
