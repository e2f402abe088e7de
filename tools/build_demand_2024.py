"""Build the base-year 2024 demand table ``src/corridors/data/demand/base-2024.csv``.

Every market below is one published aggregate (or a value converted to tonnes) with its source,
year and method id (methods M30+ are described in ``src/corridors/data/demand/DEMAND.md``), split
over origin and destination nodes by stated shares. Each output row is one cell of one market, so
a cell keeps the provenance of the market it came from; the loader sums a cell's rows across
markets. Run from the repository root::

    python tools/build_demand_2024.py

The script checks that every node exists in the bundled ``nodes.csv`` and that shares sum to 1.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "corridors" / "data" / "demand" / "base-2024.csv"
NODES = ROOT / "src" / "corridors" / "data" / "network" / "nodes.csv"

T_PER_TEU = 10.0  # M17 (SOURCES.md): average cargo per loaded TEU
TEU_PER_FLAT_WAGON = 2.0  # M160: one 40-ft (or two 20-ft) boxes per 1520 mm flat wagon
T_PER_BULK_WAGON = 60.0  # M60: net load of a bulk or tank wagon on the Caspian rail ferries


@dataclass
class Market:
    """One OD market: ``total`` units/year of ``cls`` from ``origins`` to ``dests`` (shares)."""

    market: str
    cls: str
    total: float
    source: str
    year: int
    method: str
    origins: dict[str, float]
    dests: dict[str, float]
    note: str
    node_notes: dict[str, str] = field(default_factory=dict)


# --- Shares used by several markets (estimates, DEMAND.md) ------------------------------------
# M31: Chinese origin hubs of China-Europe container trade, by provincial export shares. The
# Yangtze delta, Zhejiang (Ningbo) and South China (Pearl River Delta, Fujian) have no other
# port node: their shares are put on Shanghai. Yiwu keeps only its own rail-hub trade.
CN_HUBS = {
    "CNSGH": 0.72,
    "CNYIU": 0.03,
    "CNQIN": 0.09,
    "CNLYG": 0.03,
    "CNJNA": 0.01,
    "CNZGZ": 0.03,
    "CNCQI": 0.03,
    "CNCDU": 0.03,
    "cn-xian-port": 0.02,
    "CNLAZ": 0.005,
    "CNURM": 0.005,
}
# M32: European destinations with a node (share of the CTS "Europe" total they stand for).
EU_HUBS = {
    "NLRTM": 0.22,
    "DEHAM": 0.14,
    "DEDUI": 0.08,
    "DEHAJ": 0.03,
    "DEBER": 0.03,
    "DENUE": 0.04,
    "PLLOD": 0.03,
    "PLWAW": 0.03,
    "pl-poznan": 0.01,
    "at-vienna": 0.02,
    "hu-budapest": 0.03,
    "ro-bucharest": 0.01,
    "ROCND": 0.02,
    "BGSOF": 0.01,
    "rs-belgrade": 0.01,
    "TRIST": 0.07,
    "TRMER": 0.04,
    "tr-ankara": 0.02,
    "NOOSL": 0.01,
    "FIVSS": 0.01,
    "lv-riga": 0.01,
}
EU_COVERAGE = sum(EU_HUBS.values())  # 0.88: UK, Iberia, France, Italy have no node
# M33: share of time-sensitive high-value containers by Chinese hub (electronics clusters inland).
HV_SHARE_CN = {
    "CNCQI": 0.35,
    "CNCDU": 0.35,
    "CNZGZ": 0.30,
    "cn-xian-port": 0.25,
    "CNSGH": 0.12,
    "CNYIU": 0.12,
}
HV_SHARE_DEFAULT = 0.08
HV_SHARE_EASTBOUND = 0.15
# M8 (DEMAND.md): Kazakh grain regions.
KZ_GRAIN = {"kz-kostanay": 0.40, "kz-astana": 0.35, "KZPPK": 0.25}

NEAREST = {
    "UZTER": "Tajikistan (Dushanbe) has no node; nearest existing node Termez (UZTER)",
    "kz-shu": "Kyrgyzstan (Bishkek) has no node; nearest existing node Shu (kz-shu)",
    "kz-beyneu": "Atyrau (refinery, oil terminal) has no node; nearest existing node Beyneu",
    "kz-ayagoz": "Ust-Kamenogorsk (East Kazakhstan smelters) has no node; nearest existing node "
    "Ayagoz",
    "AFMZR": "Afghan markets (Kabul, Herat) have no node; nearest existing node Mazar-i-Sharif",
}


# Finer nodes used when the network has them (added by the network branches): a node's share is
# split over the candidates if all of them exist in nodes.csv, else the node is kept. Re-run this
# script after nodes are added.
# M165: Afghan rail freight in 2024 by border port (Ministry of Public Works via Pajhwok, S1070):
# Hairatan (Uzbekistan) and Aqina (Turkmenistan, road on to Mazar) serve the north; Torghundi
# (Turkmenistan) and Khaf-Herat (Iran) serve Herat.
AF_RAIL_PORTS_2024_T = {
    "Hairatan": 3_400_000,
    "Aqina": 386_000,
    "Torghundi": 565_000,
    "Khaf-Herat": 22_000,
}
AF_WEST_SHARE = (AF_RAIL_PORTS_2024_T["Torghundi"] + AF_RAIL_PORTS_2024_T["Khaf-Herat"]) / sum(
    AF_RAIL_PORTS_2024_T.values()
)  # 0.134
REFINE = {
    # Afghanistan: the north via Hairatan and Aqina, the west (Herat) via Torghundi (M165)
    "AFMZR": {"AFMZR": 1 - AF_WEST_SHARE, "AFHEA": AF_WEST_SHARE},
    # Iran: the north-west (Qazvin, Rasht: Caspian ports of Anzali and Amirabad) beside Tehran
    "IRTHR": {"IRTHR": 0.7, "IRQAZ": 0.15, "IRRAS": 0.15},
}
# Provenance a split adds to the rows it touches (source ids, method ids).
REFINE_PROVENANCE = {"AFMZR": ("S1070", "M165")}
REFINE_NOTES = {
    "AFMZR": f"Afghan markets split north (Mazar-i-Sharif {1 - AF_WEST_SHARE:.3f}: Hairatan, Aqina) "
    f"and west (Herat {AF_WEST_SHARE:.3f}: Torghundi, Khaf-Herat) by 2024 rail freight per port "
    "(S1070, M165); Kabul has no node",
    "IRTHR": "Iranian markets split Tehran 0.7, Qazvin and Rasht 0.15 each",
}


def refine(shares: dict[str, float], known: set[str]) -> tuple[dict[str, float], list[str]]:
    """Split shares over finer nodes that exist (REFINE); the notes of the splits made."""
    out: dict[str, float] = {}
    notes = []
    for node, share in shares.items():
        cand = REFINE.get(node)
        if cand and all(c in known for c in cand):
            for c, f in cand.items():
                out[c] = out.get(c, 0.0) + share * f
            notes.append(REFINE_NOTES[node])
        else:
            out[node] = out.get(node, 0.0) + share
    return out, notes


def normalise(shares: dict[str, float]) -> dict[str, float]:
    s = sum(shares.values())
    return {k: v / s for k, v in shares.items()}


def markets() -> list[Market]:  # noqa: C901 (one flat list of markets, easier to audit)
    out: list[Market] = []

    # ---- 1. China <-> Europe containers, all modes (M30) ------------------------------------
    cts_cn_eu_2023 = 12_500_000  # S400: CTS via JIFFA, China -> Europe 2023
    growth_2024 = 1.09  # S401: CTS 2024, Far East -> Europe +9 %
    cts_eu_cn_2023 = 3_200_000  # S400: Europe -> China 2023 (kept flat: back-haul fell in 2024)
    rail_cn_eu = 412_000  # S402: UTLC ERA China -> EU 2024
    rail_eu_cn = rail_cn_eu * 0.15  # S402: ~15 boxes back per 100
    titr_cn_eu = 27_600 * 12 / 10  # V07 (S10): Jan-Oct 2024, annualised, both directions
    west = cts_cn_eu_2023 * growth_2024 * EU_COVERAGE + rail_cn_eu + titr_cn_eu * 0.8
    east = cts_eu_cn_2023 * EU_COVERAGE + rail_eu_cn + titr_cn_eu * 0.2
    eu = normalise(EU_HUBS)
    for o, so in CN_HUBS.items():
        hv = HV_SHARE_CN.get(o, HV_SHARE_DEFAULT)
        for cls, f in (("container_std", 1 - hv), ("container_hv", hv)):
            out.append(
                Market(
                    "cn-eu",
                    cls,
                    west * so * f,
                    "S400;S401;S402;S10",
                    2024,
                    "M30;M31;M32;M33",
                    {o: 1.0},
                    eu,
                    f"China->Europe all modes: CTS sea 12.5 M TEU (2023) x 1.09 (2024) x node "
                    f"coverage {EU_COVERAGE:.2f} + rail 412,000 (UTLC ERA 2024) + TITR; origin "
                    f"share {so}, {cls} share {f:.2f}"
                    + (
                        "; South China has no node: its share is on Shanghai"
                        if o == "CNSGH"
                        else ""
                    ),
                )
            )
    for cls, f in (("container_std", 1 - HV_SHARE_EASTBOUND), ("container_hv", HV_SHARE_EASTBOUND)):
        out.append(
            Market(
                "eu-cn",
                cls,
                east * f,
                "S400;S402;S10",
                2024,
                "M30;M31;M32;M33",
                eu,
                CN_HUBS,
                f"Europe->China all modes: CTS sea 3.2 M TEU (2023, flat) x coverage "
                f"{EU_COVERAGE:.2f} + rail back-haul 15 % of 412,000 + TITR; {cls} share {f:.2f}",
            )
        )

    # ---- 2. China <-> Russia containers routed via Kazakhstan (M35) --------------------------
    cn_ru = 69_000 * 1_400_000 / 1_066_000  # V42 (S136) 2021 scaled by KZ transit TEU (S403)
    cn_inland = {"cn-xian-port": 0.3, "CNCQI": 0.2, "CNCDU": 0.2, "CNZGZ": 0.2, "CNYIU": 0.1}
    ru = {"ru-moscow": 0.7, "RULED": 0.15, "ru-chelyabinsk": 0.15}
    for o, d, share in ((cn_inland, ru, 0.533), (ru, cn_inland, 0.467)):
        for cls, f in (("container_std", 0.8), ("container_hv", 0.2)):
            out.append(
                Market(
                    "cn-ru-via-kz",
                    cls,
                    cn_ru * share * f,
                    "S136;S403;S39",
                    2024,
                    "M35;M33",
                    o,
                    d,
                    f"China<->Russia via KZ: 69,000 TEU (V42 2021) x 1.4 M / 1.066 M TEU KZ "
                    f"transit growth to 2024; direction share {share} (V32); {cls} {f}",
                )
            )

    # ---- 3. China <-> Central Asia / Afghanistan / Iran containers in transit (M36) ----------
    titr_other = 56_500 - titr_cn_eu  # V09 (S05) KZ+AZ seaports TEU minus China-Europe part
    residual = 1_400_000 - rail_cn_eu - rail_eu_cn - titr_cn_eu - cn_ru - titr_other
    cn_ca_o = {
        "CNYIU": 0.30,
        "cn-xian-port": 0.25,
        "CNURM": 0.15,
        "CNZGZ": 0.10,
        "CNCQI": 0.10,
        "CNLYG": 0.10,
    }
    ca_d = {
        "uz-tashkent": 0.45,
        "uz-samarkand": 0.10,
        "uz-bukhara": 0.05,
        "UZTER": 0.10,
        "kz-shu": 0.10,
        "TMAGT": 0.08,
        "AFMZR": 0.05,
        "IRTHR": 0.07,
    }
    ru_o = {"ru-moscow": 0.6, "ru-chelyabinsk": 0.2, "RUKUF": 0.2}
    for name, o, d, share in (
        ("cn-ca", cn_ca_o, ca_d, 0.75 * 0.75),
        ("ca-cn", ca_d, cn_ca_o, 0.75 * 0.25),
        ("ru-ca-containers", ru_o, ca_d, 0.25 * 0.6),
        ("ca-ru-containers", ca_d, ru_o, 0.25 * 0.4),
    ):
        out.append(
            Market(
                name,
                "container_std",
                residual * share,
                "S403;S402;S05;S136",
                2024,
                "M36",
                o,
                d,
                f"residual of 1.4 M TEU KZ container transit 2024 after China-Europe rail, "
                f"TITR and China-Russia ({residual:,.0f} TEU) x market share {share:.4f}",
            )
        )

    # ---- 4. China -> Caucasus containers on the TITR (M37) ----------------------------------
    out.append(
        Market(
            "cn-caucasus",
            "container_std",
            titr_other,
            "S05;S10",
            2024,
            "M37",
            {"cn-xian-port": 0.6, "CNURM": 0.2, "CNLYG": 0.2},
            {"AZALA": 0.4, "az-baku": 0.2, "GETBS": 0.2, "ge-poti": 0.1, "tr-ankara": 0.1},
            "KZ+AZ seaports 56,500 TEU 2024 (V09) minus the China-Europe TITR part (V07)",
        )
    )

    # ---- 5. Kazakhstan <-> China bilateral, value -> tonnes (M34) ---------------------------
    kzcn_value = 43.8e9  # R06 (S125) China customs 2024 (seed: $41 bn 2023, S119)
    kz_share_imports = 1 - 14.7 / 31.4  # R02 (S120): KZ statistics 2023
    cn_to_kz = kzcn_value * kz_share_imports
    kz_to_cn = kzcn_value - cn_to_kz
    shandong = 2 * 1.1e9  # S414: $1.1 bn per half-year (2023)
    sd = shandong / kzcn_value
    cn_kz_o = normalise(
        {
            "CNURM": 0.30,
            "CNYIU": 0.15,
            "cn-xian-port": 0.12,
            "CNSGH": 0.12,
            "CNZGZ": 0.08,
            "CNCQI": 0.08,
            "CNLYG": 0.04,
            "CNLAZ": 0.04,
        }
    )
    cn_kz_o = {k: v * (1 - sd) for k, v in cn_kz_o.items()} | {"CNJNA": sd * 0.6, "CNQIN": sd * 0.4}
    kz_d = {"KZALA": 0.45, "kz-astana": 0.30, "kz-shymkent": 0.10, "KZKGF": 0.10, "kz-aktobe": 0.05}
    # (class, value share, USD per t, description)
    cn_kz_goods = (
        ("container", 0.80, 7000.0, "manufactures in containers"),
        ("dry_bulk", 0.15, 900.0, "steel, metal products, building materials"),
        ("liquid_bulk", 0.05, 900.0, "chemicals and fuels in tank wagons"),
    )
    for cls, vs, usd_t, what in cn_kz_goods:
        tonnes = cn_to_kz * vs / usd_t
        base_note = (
            f"China->KZ ${cn_to_kz / 1e9:.1f} bn (R06 2024 x KZ import share R02) x {vs} "
            f"({what}) / {usd_t:,.0f} USD/t"
        )
        if cls == "container":
            teu = tonnes / T_PER_TEU
            for c2, f in (("container_std", 0.8), ("container_hv", 0.2)):
                out.append(
                    Market(
                        "cn-kz",
                        c2,
                        teu * f,
                        "S125;S120;S414",
                        2024,
                        "M34;M33",
                        cn_kz_o,
                        kz_d,
                        base_note + f" / 10 t per TEU (M17); {c2} {f}; Shandong share {sd:.3f}",
                    )
                )
        else:
            out.append(
                Market(
                    "cn-kz",
                    cls,
                    tonnes,
                    "S125;S120;S414",
                    2024,
                    "M34",
                    cn_kz_o,
                    kz_d,
                    base_note + f"; Shandong share {sd:.3f}",
                )
            )
    cn_d_ore = {"CNURM": 0.45, "CNLAZ": 0.35, "cn-xian-port": 0.2}
    cn_d_metal = {"CNURM": 0.2, "cn-xian-port": 0.2, "CNZGZ": 0.2, "CNLYG": 0.2, "CNSGH": 0.2}
    cn_d_metal = {k: v * (1 - sd) for k, v in cn_d_metal.items()} | {"CNJNA": sd}
    kz_to_cn_goods = (
        (
            "dry_bulk",
            0.20,
            6000.0,
            "copper cathode and concentrate",
            {"kz-zhezkazgan": 0.5, "KZKGF": 0.3, "kz-moyynty": 0.2},
            cn_d_metal,
        ),
        (
            "dry_bulk",
            0.15,
            1300.0,
            "ferroalloys and other metals",
            # Aktobe and Aksu (Pavlodar region) ferroalloy plants; Pavlodar has a node since
            # issue 9 (M151: its China traffic runs via Semey-Aktogay, not Karaganda)
            {"kz-aktobe": 0.5, "kz-pavlodar": 0.5},
            cn_d_metal,
        ),
        ("dry_bulk", 0.02, 110.0, "iron ore and pellets", {"kz-kostanay": 1.0}, cn_d_ore),
        (
            "dry_bulk",
            0.05,
            600.0,
            "zinc, lead and other ores and concentrates",
            {"kz-astana": 0.5, "KZALA": 0.5},
            cn_d_ore,
        ),
        ("dry_bulk", 0.005, 100.0, "sulphur", {"kz-beyneu": 1.0}, cn_d_ore),
        (
            "liquid_bulk",
            0.05,
            700.0,
            "oil products and chemicals by rail",
            {"kz-pavlodar": 0.5, "kz-shymkent": 0.5},  # Pavlodar and Shymkent refineries (M151)
            {"CNURM": 0.6, "CNLAZ": 0.4},
        ),
    )
    for cls, vs, usd_t, what, o, d in kz_to_cn_goods:
        out.append(
            Market(
                "kz-cn",
                cls,
                kz_to_cn * vs / usd_t,
                "S125;S120;S414",
                2024,
                "M34",
                o,
                d,
                f"KZ->China ${kz_to_cn / 1e9:.1f} bn (R06 2024 x KZ export share R02) x {vs} "
                f"({what}) / {usd_t:,.0f} USD/t; pipeline crude and gas (~35 % of value) excluded",
            )
        )
    out.append(
        Market(
            "kz-cn",
            "grain",
            2_227_000,
            "S130",
            2023,
            "M38",
            KZ_GRAIN,
            {"CNURM": 0.4, "cn-xian-port": 0.3, "CNZGZ": 0.1, "CNJNA": 0.1, "CNLYG": 0.1},
            "KZ grain and oilseeds to China by rail, 2,227,000 t (R13, 2023 level kept for 2024)",
        )
    )

    # ---- 6. Kazakh grain and flour to other markets (M38) ----------------------------------
    grain_total = 8_100_000 + 2_400_000  # S405: 2024 grain + flour exports by rail
    grain_markets = {
        # market: (t/year, destinations, source, year, note)
        "kz-uz-grain": (
            3_300_000,
            {"uz-tashkent": 0.6, "uz-samarkand": 0.25, "uz-bukhara": 0.15},
            "S405;S131",
            2024,
            "Uzbekistan: 2.3 Mt grain Sep 2024-Mar 2025 (S405) and 944,000 t Sep-Nov (S131) "
            "annualised with flour",
        ),
        "kz-tj-grain": (
            1_400_000,
            {"UZTER": 1.0},
            "S405;S131",
            2024,
            "Tajikistan: 899,000 t grain Sep-Mar (S405) annualised with flour",
        ),
        "kz-af-grain": (
            1_330_000,
            {"AFMZR": 1.0},
            "S411;S412;S413",
            2023,
            "Afghanistan: KZ exports $547 m (2023) x 0.8 food / 330 USD/t (seed: $1 bn turnover "
            "2022, which matched 1.3 Mt flour + 0.69 Mt wheat)",
        ),
        "kz-kg-grain": (
            300_000,
            {"kz-shu": 1.0},
            "S405",
            2024,
            "Kyrgyzstan: 233,000 t Sep-Mar (S405) annualised",
        ),
        "kz-tm-grain": (
            400_000,
            {"TMAGT": 0.5, "TMTK5": 0.5},
            "S417",
            2023,
            "Turkmenistan: 259,000 t in H1 2023 (S417) annualised, rounded down",
        ),
        "kz-ir-grain": (
            450_000,
            {"IRTHR": 0.5, "IRGBT": 0.2, "ir-mashhad": 0.3},
            "S131;S405",
            2024,
            "Iran: 299,000 t new crop to end-Nov 2024 (S131), 718,000 t Sep-Mar (S405)",
        ),
        "kz-norway-grain": (
            33_000,
            {"NOOSL": 1.0},
            "S126",
            2019,
            "Norway seed: ~$60 m trade (R08) x 1/6 grain / 300 USD/t",
        ),
    }
    used = 2_227_000 + 500_000 + sum(v[0] for v in grain_markets.values())  # + TITR grain below
    grain_markets["kz-baltic-grain"] = (
        grain_total - used,
        {"RULED": 0.5, "lv-riga": 0.5},
        "S405",
        2024,
        "rest of 10.5 Mt grain+flour exports (S405) after the markets above: Baltic and Black "
        "Sea ports (Russian Black Sea ports have no node: nearest export ports St Petersburg, Riga)",
    )
    for name, (t, d, src, yr, note) in grain_markets.items():
        out.append(Market(name, "grain", t, src, yr, "M38;M8", KZ_GRAIN, d, note))

    # ---- 7. Trans-Caspian: Kazakh exports 72 % of 4.5 Mt (M39) ------------------------------
    titr_kz_exports = 4_500_000 * 0.72  # S404
    metals_o = {"kz-zhezkazgan": 0.3, "KZKGF": 0.3, "kz-aktobe": 0.4}
    oil_o = {"kz-beyneu": 0.5, "kz-shymkent": 0.25, "kz-astana": 0.25}
    titr = (
        (
            "grain",
            500_000,
            KZ_GRAIN,
            {"AZALA": 0.5, "az-baku": 0.25, "GETBS": 0.25},
            "grain: 379,000 t to Azerbaijan Sep-Mar (S405) + Georgia",
        ),
        (
            "dry_bulk",
            1_500_000,
            metals_o,
            {
                "ge-poti": 0.35,
                "ge-batumi": 0.10,
                "TRMER": 0.15,
                "tr-ankara": 0.10,
                "ROCND": 0.15,
                "AZALA": 0.15,
            },
            "metals, ferroalloys, fertiliser",
        ),
        (
            "liquid_bulk",
            1_000_000,
            oil_o,
            {"ge-batumi": 0.6, "AZALA": 0.2, "ge-poti": 0.2},
            "oil products in tank wagons (rail ferries)",
        ),
    )
    rest_t = titr_kz_exports - sum(x[1] for x in titr)
    for cls, t, o, d, what in titr:
        out.append(
            Market(
                "kz-titr-export",
                cls,
                t,
                "S404;S405",
                2024,
                "M39",
                o,
                d,
                f"TITR 4.5 Mt 2024 x 72 % Kazakh exports (S404): {what}",
            )
        )
    out.append(
        Market(
            "kz-titr-export",
            "container_std",
            rest_t / T_PER_TEU,
            "S404",
            2024,
            "M39",
            {"KZALA": 0.6, "kz-astana": 0.4},
            {"TRIST": 0.3, "GETBS": 0.2, "AZALA": 0.3, "ROCND": 0.2},
            f"TITR 4.5 Mt x 72 % exports minus bulk above ({rest_t:,.0f} t) / 10 t per TEU",
        )
    )
    titr_imports_t = 4_500_000 * 0.28 - (titr_other + titr_cn_eu) * T_PER_TEU
    out.append(
        Market(
            "titr-import",
            "container_std",
            titr_imports_t * 0.6 / T_PER_TEU,
            "S404;S05;S10",
            2024,
            "M39",
            {"TRIST": 0.4, "AZALA": 0.2, "GETBS": 0.2, "ROCND": 0.2},
            {"KZALA": 0.6, "kz-astana": 0.4},
            "TITR 4.5 Mt x 28 % (transit+imports) minus China transit containers x 10 t; "
            "60 % of the rest containerised imports",
        )
    )
    out.append(
        Market(
            "titr-import",
            "dry_bulk",
            titr_imports_t * 0.4,
            "S404;S05;S10",
            2024,
            "M39",
            {"AZALA": 0.5, "GETBS": 0.3, "TRMER": 0.2},
            {"KZALA": 0.4, "kz-astana": 0.3, "kz-mangistau": 0.3},
            "TITR imports, 40 % bulk (building materials, equipment)",
        )
    )

    # ---- 8. Afghanistan (rest of the seed) and Norway seed (M40) ----------------------------
    out += [
        Market(
            "kz-af",
            "liquid_bulk",
            547e6 * 0.10 / 800,
            "S411",
            2023,
            "M40",
            {"kz-shymkent": 1.0},
            {"AFMZR": 1.0},
            "KZ->Afghanistan $547 m (2023) x 0.10 fuels / 800 USD/t",
        ),
        Market(
            "kz-af",
            "dry_bulk",
            547e6 * 0.10 / 1000,
            "S411",
            2023,
            "M40",
            {"KZKGF": 0.5, "kz-shymkent": 0.5},
            {"AFMZR": 1.0},
            "KZ->Afghanistan $547 m (2023) x 0.10 metals and fertiliser / 1,000 USD/t",
        ),
        Market(
            "af-kz",
            "container_std",
            20e6 / 1000 / T_PER_TEU,
            "S411",
            2023,
            "M40",
            {"AFMZR": 1.0},
            {"KZALA": 0.6, "kz-astana": 0.4},
            "Afghanistan->KZ $20 m (2023; fruit, mineral water) / 1,000 USD/t / 10 t per TEU",
        ),
        Market(
            "kz-norway",
            "dry_bulk",
            60e6 / 3 * 0.5 / 1500,
            "S126",
            2019,
            "M40",
            {"kz-aktobe": 1.0},
            {"NOOSL": 1.0},
            "Norway seed ~$60 m (R08): KZ exports 1/3; half of them ferroalloys / 1,500 USD/t",
        ),
        Market(
            "norway-kz",
            "container_hv",
            60e6 * 2 / 3 / 6000 / T_PER_TEU,
            "S126",
            2019,
            "M40",
            {"NOOSL": 1.0},
            {"KZALA": 0.5, "kz-astana": 0.5},
            "Norway seed ~$60 m (R08): Norwegian exports 2/3 (fish, machinery) / 6,000 USD/t "
            "/ 10 t per TEU",
        ),
    ]

    # ---- 9. Non-Chinese transit via Kazakhstan (M41; Turkmenistan M167, Afghanistan M166) ---
    out += non_chinese_transit(out)

    # ---- 9a. Iran <-> Central Asia through Sarakhs (M144) -------------------------------------
    # S1005 (IRNA via nCa): 1.05 Mt crossed the Sarakhs rail border in the first five months of
    # the Iranian year 1403 (21 Mar - 21 Aug 2024): ~0.6 Mt transit, of which 526,000 t came in
    # from the Turkmen side for the Sarakhs-Bandar Abbas corridor (mostly sulphur, S1006), and
    # 400,000 t of Iranian exports (cement, building materials) loaded in Razavi Khorasan for
    # Turkmenistan, Tajikistan and the rest of Central Asia. x 12/5 for a year.
    out += [
        Market(
            "ca-ir-transit",
            "dry_bulk",
            526_000 * 12 / 5,
            "S1005;S1006",
            2024,
            "M144",
            {"TMMYP": 0.5, "uz-bukhara": 0.5},
            {"IRSRP": 1.0},
            "Central Asian transit through Sarakhs to Bandar Abbas: 526,000 t in Mar-Aug 2024 "
            "(S1005) x 12/5, mostly sulphur (S1006); origins Turkmen and Uzbek gas-processing "
            "regions (Mary, Bukhara) half each (estimate)",
        ),
        Market(
            "ir-ca",
            "dry_bulk",
            400_000 * 12 / 5,
            "S1005",
            2024,
            "M144",
            {"ir-mashhad": 1.0},
            {"TMAGT": 0.4, "uz-tashkent": 0.3, "UZTER": 0.3},
            "Iranian rail exports through Sarakhs (cement, building materials): 400,000 t in "
            "Mar-Aug 2024 (S1005) x 12/5; Turkmenistan 0.4, Uzbekistan 0.3, Tajikistan 0.3 "
            "(node: Termez) (estimate)",
        ),
    ]

    # ---- 9b. Central Asia <-> Caucasus/Turkey via the Turkmenbashi rail ferries (M60, M160) --
    # S426: Baku port 2023, 18,600 rail wagons to/from Turkmenbashi. Bulk wagons carry 60 t net;
    # a container wagon carries TEU_PER_FLAT_WAGON boxes (M160), not 60 t: the class shares are
    # shares of wagons.
    tm_wagons = 18_600
    ca_w = {
        "TMKRW": 0.3,
        "TMAGT": 0.2,
        "TMTK5": 0.1,
        "uz-tashkent": 0.2,
        "uz-bukhara": 0.1,
        "uz-samarkand": 0.1,
    }
    cauc = {"TRIST": 0.3, "TRMER": 0.1, "GETBS": 0.2, "ge-poti": 0.2, "az-baku": 0.2}
    for name, o, d, share, classes_m in (
        (
            "ca-caucasus",
            ca_w,
            cauc,
            0.6,
            (("dry_bulk", 0.6), ("liquid_bulk", 0.2), ("container_std", 0.2)),
        ),
        ("caucasus-ca", cauc, ca_w, 0.4, (("dry_bulk", 0.5), ("container_std", 0.5))),
    ):
        for cls, cs in classes_m:
            wagons = tm_wagons * share * cs
            box = cls.startswith("container")
            out.append(
                Market(
                    name,
                    cls,
                    wagons * (TEU_PER_FLAT_WAGON if box else T_PER_BULK_WAGON),
                    "S426",
                    2023,
                    "M60;M160" if box else "M60",
                    o,
                    d,
                    f"Baku port: 18,600 rail wagons to/from Turkmenbashi (2023); direction share "
                    f"{share}, wagon share {cs}"
                    + (
                        f" x {TEU_PER_FLAT_WAGON:g} TEU per flat wagon (M160)"
                        if box
                        else f" x {T_PER_BULK_WAGON:g} t net"
                    )
                    + (
                        "; Turkmenbashi (TMKRW) also stands for the Garabogaz and Kiyanly plants"
                        if "TMKRW" in o
                        else ""
                    ),
                )
            )

    # ---- 10. Other Kazakh exports by commodity, from KTZ's 2024 figures (M42) ----------------
    # KTZ H1 2024 (S429) x 2 and Jan-May 2024 (S430) x 12/5: rail exports by commodity, minus what
    # the markets above already carry of each commodity.
    kz_rail_exports = 41e6 * 2  # S429: >41 Mt exported by rail in H1 2024
    published = {
        "coal": (47.5e6 - 34.8e6) * 2,  # S429: 47.5 Mt loaded, 34.8 Mt within the country
        "iron and manganese ore": 4.7e6 * 12 / 5,  # S430
        "non-ferrous ore and sulphur": (10.0e6 - 8.5e6) * 12 / 5,  # S430: loaded - domestic
        "ferrous metals": 1.6e6 * 2,  # S429
        "oil cargo": 2.7e6 * 2,  # S429
        "chemical fertiliser": 0.648e6 * 2,  # S429
        "construction cargo": 0.267e6 * 2,  # S429
    }
    cn = {what: kz_to_cn * vs / usd_t for _, vs, usd_t, what, _, _ in kz_to_cn_goods}
    titr_dry = 1_500_000  # M39 metals, ferroalloys, fertiliser: 2/3 metals, 1/3 fertiliser
    counted = {
        "coal": 0.0,
        "iron and manganese ore": cn["iron ore and pellets"],
        "non-ferrous ore and sulphur": cn["zinc, lead and other ores and concentrates"]
        + cn["sulphur"],
        "ferrous metals": cn["ferroalloys and other metals"]
        + titr_dry * 2 / 3
        + 547e6 * 0.10 / 1000 / 2
        + 60e6 / 3 * 0.5 / 1500,
        "oil cargo": cn["oil products and chemicals by rail"] + 1_000_000 + 547e6 * 0.10 / 800,
        "chemical fertiliser": titr_dry / 3 + 547e6 * 0.10 / 1000 / 2,
        "construction cargo": 0.0,
    }
    kz_grain_exports = 10_500_000  # S405 (grain + flour), all in the grain markets above
    copper = cn["copper cathode and concentrate"]
    titr_boxes_t = (titr_kz_exports - sum(x[1] for x in titr)) * 1.0
    other_t = kz_rail_exports - sum(published.values()) - kz_grain_exports - copper - titr_boxes_t
    ekibastuz_share = 2 / 3  # coal from Ekibastuz to Russian power plants: no network path
    plan = {
        # commodity: (class, origins, destinations)
        "coal": (
            "dry_bulk",
            {"KZKGF": 0.6, "kz-astana": 0.4},
            {
                "RULED": 0.3,
                "lv-riga": 0.2,
                "ru-chelyabinsk": 0.2,
                "uz-tashkent": 0.15,
                "kz-shu": 0.15,
            },
        ),
        "iron and manganese ore": (
            "dry_bulk",
            {"kz-kostanay": 0.8, "KZKGF": 0.2},
            {"ru-chelyabinsk": 0.8, "ru-orenburg": 0.2},
        ),
        "non-ferrous ore and sulphur": (
            "dry_bulk",
            {"kz-beyneu": 0.5, "kz-ayagoz": 0.5},
            {"ru-chelyabinsk": 0.5, "uz-tashkent": 0.3, "RULED": 0.2},
        ),
        "ferrous metals": (
            "dry_bulk",
            {"KZKGF": 0.6, "kz-aktobe": 0.4},
            {"RULED": 0.4, "lv-riga": 0.2, "ru-moscow": 0.2, "uz-tashkent": 0.2},
        ),
        "oil cargo": (
            "liquid_bulk",
            {"kz-beyneu": 0.4, "kz-shymkent": 0.3, "kz-astana": 0.3},
            # M168: no Turkmen share (was 0.10): Turkmenistan exports oil products (S1075)
            normalise({"uz-tashkent": 0.35, "kz-shu": 0.2, "lv-riga": 0.2, "RULED": 0.15}),
        ),
        "chemical fertiliser": (
            "dry_bulk",
            {"kz-shymkent": 0.6, "kz-aktobe": 0.4},
            {
                "uz-tashkent": 0.3,
                "ru-moscow": 0.2,
                "RULED": 0.2,
                "lv-riga": 0.1,
                "ru-chelyabinsk": 0.2,
            },
        ),
        "construction cargo": (
            "dry_bulk",
            {"kz-shymkent": 0.5, "KZALA": 0.5},
            {"uz-tashkent": 0.5, "kz-shu": 0.3, "TMAGT": 0.2},
        ),
    }
    for what, (cls, o, d) in plan.items():
        rest = max(published[what] - counted[what], 0.0)
        keep = rest * (1 - ekibastuz_share) if what == "coal" else rest
        out.append(
            Market(
                "kz-other-export",
                cls,
                keep,
                "S429;S430;S1075" if what == "oil cargo" else "S429;S430",
                2024,
                "M42;M168" if what == "oil cargo" else "M42",
                o,
                d,
                f"{what}: KTZ 2024 rail exports {published[what] / 1e6:.2f} Mt/yr (H1 x 2 or "
                f"Jan-May x 12/5) minus {counted[what] / 1e6:.2f} Mt in the markets above"
                + (
                    "; one third kept: Ekibastuz coal to Russian power plants has no path"
                    if what == "coal"
                    else ""
                )
                + (
                    "; none to Turkmenistan, an exporter of oil products (S1075, M168)"
                    if what == "oil cargo"
                    else ""
                ),
            )
        )
    other_d = {"ru-moscow": 0.3, "ru-chelyabinsk": 0.2, "uz-tashkent": 0.2, "RULED": 0.15}
    other_d["lv-riga"] = 0.15
    other_o = {"KZKGF": 0.3, "kz-astana": 0.3, "kz-aktobe": 0.2, "kz-shymkent": 0.2}
    for cls, f in (("dry_bulk", 0.6), ("liquid_bulk", 0.2), ("container_std", 0.2)):
        t = other_t * f
        out.append(
            Market(
                "kz-other-export",
                cls,
                t / T_PER_TEU if cls.startswith("container") else t,
                "S429;S430;S405",
                2024,
                "M42",
                other_o,
                other_d,
                f"other rail exports (non-ferrous metals, chemicals, food, manufactures): 82 Mt "
                f"minus the commodities KTZ lists, grain, copper and TITR boxes = "
                f"{other_t / 1e6:.1f} Mt x class share {f} (estimate)",
            )
        )
    return out


# M167 (S1071): Russia-Turkmenistan trade in physical terms, 2023 (all modes): Russian exports
# 542,000 t, imports from Turkmenistan 136,000 t.
RU_TM_T_2023 = 542_000
TM_RU_T_2023 = 136_000


def non_chinese_transit(out: list[Market]) -> list[Market]:
    """M41 non-Chinese transit via Kazakhstan, with Turkmenistan sized by M167 and no
    Afghan origin northbound (M166); ``out`` holds the markets built so far (M36 boxes)."""
    # S404 total transit 2024 minus S132 Chinese transit, minus the Russia<->Central Asia
    # containers already in M36 (x 10 t per TEU)
    boxes = {m.market: m for m in out if m.market in ("ru-ca-containers", "ca-ru-containers")}
    ru_ca_teu = sum(m.total for m in boxes.values())
    other_transit = 34_600_000 - 15_300_000 - ru_ca_teu * T_PER_TEU
    ru_o2 = {"RUKUF": 0.4, "ru-chelyabinsk": 0.3, "ru-orenburg": 0.3}
    ca_d2 = {
        "uz-tashkent": 0.40,
        "uz-samarkand": 0.10,
        "uz-bukhara": 0.05,
        "UZTER": 0.15,
        "kz-shu": 0.10,
        "TMAGT": 0.10,
        "AFMZR": 0.10,
    }
    ir_d = {"IRTHR": 0.5, "IRGBT": 0.2, "ir-mashhad": 0.3}
    # M145: Russian grain in transit through Kazakhstan was 372,000 t in Jan-Oct 2022 (KTZ,
    # S1007), x 12/10 = 446,000 t/yr, and fell after KTZ's 2022-23 tariff rise (S1008), so the
    # 0.30 grain share of M41 (~4 Mt) is replaced by 446,000 t (an upper bound for 2024); the
    # rest of the southbound transit keeps the dry and liquid bulk proportions 0.40 : 0.30.
    ru_grain_t = 372_000 * 12 / 10
    south = other_transit * (0.70 + 0.06)
    g_share = ru_grain_t / south
    south_classes = (
        ("grain", g_share),
        ("dry_bulk", 0.40 + (0.30 - g_share) * 0.40 / 0.70),
        ("liquid_bulk", 0.30 + (0.30 - g_share) * 0.30 / 0.70),
    )
    north_classes = (("dry_bulk", 0.40), ("liquid_bulk", 0.30))  # no grain northbound (M41)
    # M167: Russia's exports to Turkmenistan are industrial and chemical products, food, metal
    # products, machinery and timber, its imports Turkmen chemicals, food and textiles (S1074);
    # Turkmenistan exports oil products (S1075) and Russian grain no longer reaches it by rail
    # (S1008): dry bulk only, both ways (estimate)
    tm_classes = (("dry_bulk", 1.0),)
    # M167: Turkmenistan's cells are its published trade with Russia minus the M36 boxes
    # (x 10 t); the rest of M41's Russia<->Central Asia total goes to the other destinations.
    ru_tm = RU_TM_T_2023 - boxes["ru-ca-containers"].total * 0.08 * T_PER_TEU  # M36 TMAGT 0.08
    tm_ru = TM_RU_T_2023 - boxes["ca-ru-containers"].total * 0.08 * T_PER_TEU
    south_ca = {k: v for k, v in ca_d2.items() if k != "TMAGT"}
    # M166: Afghanistan's rail exports were 92,000 t in 2024 to all destinations (S1070): no
    # Afghan origin in the northbound transit (M41 had 10 %, ~0.3 Mt)
    north_ca = {k: v for k, v in ca_d2.items() if k not in ("TMAGT", "AFMZR")}
    base_note = (
        f"non-Chinese transit via KZ 34.6 - 15.3 Mt (2024) minus Russia<->Central Asia "
        f"containers (M36) x 10 t = {other_transit / 1e6:.1f} Mt"
    )
    grain_note = " (grain: KTZ Russian grain transit 372,000 t Jan-Oct 2022 x 12/10, S1007; M145)"
    s_src, s_m = "S404;S132;S1007;S1008", "M41;M145"
    tm_note = (
        "Russia-Turkmenistan trade 2023 in tonnes (S1071, all modes): {t:,} t minus the M36 "
        "containers x 10 t = {bulk:,.0f} t"
    )
    # (market, origins, destinations, class shares, total t/yr in the table, source, method, note)
    specs = (
        (
            "ru-ca",
            ru_o2,
            normalise(south_ca),
            south_classes,
            other_transit * 0.70 - ru_tm,
            s_src + ";S1071",
            s_m + ";M167",
            base_note + f" x 0.70 minus Russia->Turkmenistan (M167) {ru_tm:,.0f} t",
        ),
        (
            "ru-tm",
            ru_o2,
            {"TMAGT": 1.0},
            tm_classes,
            ru_tm,
            "S1071;S1074;S1075;S1008",
            "M167",
            tm_note.format(t=RU_TM_T_2023, bulk=ru_tm),
        ),
        (
            "ru-ir",
            ru_o2,
            ir_d,
            south_classes,
            other_transit * 0.06,
            s_src,
            s_m,
            base_note + " x 0.06",
        ),
        (
            "ca-ru",
            normalise(north_ca),
            ru_o2,
            north_classes,
            other_transit * 0.24 * 0.70 - tm_ru,
            "S404;S132;S1070;S1071",
            "M41;M166;M167",
            base_note
            + f" x 0.24 x 0.70 (no grain) minus Turkmenistan->Russia (M167) {tm_ru:,.0f} t;"
            " no Afghan origin (M166: Afghan rail exports 92,000 t in 2024, S1070)",
        ),
        (
            "tm-ru",
            {"TMAGT": 1.0},
            ru_o2,
            tm_classes,
            tm_ru,
            "S1071;S1074;S1075",
            "M167",
            tm_note.format(t=TM_RU_T_2023, bulk=tm_ru),
        ),
    )
    res = []
    for name, o, d, classes, total, src, meth, note in specs:
        cls_sum = sum(cs for _, cs in classes)
        for cls, cs in classes:
            res.append(
                Market(
                    f"{name}-transit",
                    cls,
                    total * cs / cls_sum,
                    src,
                    2024 if name not in ("ru-tm", "tm-ru") else 2023,
                    meth,
                    o,
                    d,
                    note
                    + f"; class share {cs / cls_sum:.4f}"
                    + (grain_note if cls == "grain" else ""),
                )
            )
    return res


REFINED_NODES = {n for cand in REFINE.values() for n in cand}


def node_note(nodes: list[str], cls: str, skip: set[str] | None = None) -> str:
    """Notes on nodes standing for places without one (``skip``: nodes refined instead)."""
    notes = [NEAREST[n] for n in nodes if n in NEAREST and n not in (skip or set())]
    if "kz-astana" in nodes[:1] and cls in ("dry_bulk", "liquid_bulk"):
        notes.append(
            "kz-astana also stands for the Ekibastuz/Pavlodar/Aksu industrial region "
            "(only its China exports start at kz-pavlodar, M151)"
        )
    return "; ".join(notes)


COLUMNS = ["origin", "destination", "class", "value", "unit", "market", "source", "year"]
COLUMNS += ["method", "note"]


def build_rows() -> list[dict[str, object]]:
    """The table's rows (checks nodes, shares and totals)."""
    with NODES.open(encoding="utf-8") as f:
        known = {r["node_id"] for r in csv.DictReader(f)}
    rows: list[dict[str, object]] = []
    for m in markets():
        m.origins, o_notes = refine(m.origins, known)
        m.dests, d_notes = refine(m.dests, known)
        refined = set(o_notes + d_notes)
        for node, (src, meth) in REFINE_PROVENANCE.items():
            if REFINE_NOTES[node] in refined:
                m.source = ";".join(dict.fromkeys([*m.source.split(";"), src]))
                m.method = ";".join(dict.fromkeys([*m.method.split(";"), meth]))
        for shares in (m.origins, m.dests):
            missing = set(shares) - known
            if missing:
                raise SystemExit(f"{m.market}: unknown node(s) {sorted(missing)}")
            if abs(sum(shares.values()) - 1.0) > 1e-9:
                raise SystemExit(f"{m.market}: shares sum to {sum(shares.values())}")
        if m.total < 0:
            raise SystemExit(f"{m.market} {m.cls}: negative total {m.total}")
        unit = "TEU/year" if m.cls.startswith("container") else "t/year"
        for o, so in m.origins.items():
            for d, sd in m.dests.items():
                if o == d:
                    raise SystemExit(f"{m.market}: origin equals destination {o}")
                v = round(m.total * so * sd)
                if v <= 0:
                    continue
                extra = node_note([o, d], m.cls, skip=REFINED_NODES if refined else set())
                if refined and {o, d} & REFINED_NODES:
                    extra = "; ".join(x for x in [extra, *sorted(refined)] if x)
                rows.append(
                    {
                        "origin": o,
                        "destination": d,
                        "class": m.cls,
                        "value": v,
                        "unit": unit,
                        "market": m.market,
                        "source": m.source,
                        "year": m.year,
                        "method": m.method,
                        "note": m.note + (f"; {extra}" if extra else ""),
                    }
                )
    return rows


def main() -> None:
    rows = build_rows()
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
