"""The bundled base-year demand: loader, validation, and totals against the published figures.

Totals are computed from the table and compared with the published aggregates the markets
were built from (DEMAND.md); a failing total means the table or its generator drifted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from corridors.errors import DemandError
from corridors.io.demand import (
    DEMAND_YEARS,
    bundled_demand_path,
    load_demand,
    read_demand_table,
    validate_demand_table,
)
from corridors.network import bundled_network_path
from corridors.network.enums import CargoClass

T_PER_TEU = 10.0  # M17

NODES = pd.read_csv(bundled_network_path() / "nodes.csv").set_index("node_id")["country"]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    df = read_demand_table(bundled_demand_path(2024))
    df["tonnes"] = np.where(
        df["class"].str.startswith("container"), df["value"] * T_PER_TEU, df["value"]
    )
    df["o_cc"] = df["origin"].map(NODES)
    df["d_cc"] = df["destination"].map(NODES)
    return df


def test_default_year_is_2024_with_every_cargo_class() -> None:
    od = load_demand()
    assert set(od.classes) == {c.value for c in CargoClass}
    for c in CargoClass:
        assert od.units[c.value] == f"{c.unit}/year"
        assert od.total(c.value) > 0


def test_2021_baseline_still_loads_with_cargo_class_names() -> None:
    od = load_demand(year=2021)
    raw = pd.read_csv(bundled_demand_path(2021), comment="#")
    assert set(od.classes) == {"container_std", "grain"}
    assert od.total("container_std") == raw.loc[raw["class"] == "containers", "value"].sum()
    assert od.total("grain") == raw.loc[raw["class"] == "grain", "value"].sum()


def test_unknown_year_says_which_exist() -> None:
    with pytest.raises(DemandError, match=r"year 2019.*\[2021, 2024\]"):
        load_demand(year=2019)
    assert sorted(DEMAND_YEARS) == [2021, 2024]


def test_zones_order_and_cells_summed_over_markets(table: pd.DataFrame) -> None:
    zones = list(NODES.index)
    od = load_demand(zones=zones)
    assert od.zones == tuple(zones)
    shared = table[table.duplicated(["origin", "destination", "class"], keep=False)]
    assert len(shared) > 0  # cells several markets feed
    o, d, c = shared.iloc[0][["origin", "destination", "class"]]
    want = table.loc[
        (table["origin"] == o) & (table["destination"] == d) & (table["class"] == c), "value"
    ].sum()
    assert od.matrices[c][zones.index(o), zones.index(d)] == pytest.approx(want)


def test_every_row_has_provenance(table: pd.DataFrame) -> None:
    assert (table["source"].str.len() > 0).all()
    assert table["method"].str.match(r"^M\d+(;M\d+)*$").all()
    assert (table["market"].str.len() > 0).all()


# -- validation on small broken tables ------------------------------------------------------

GOOD = {
    "origin": "A",
    "destination": "B",
    "class": "grain",
    "value": "10",
    "unit": "t/year",
    "source": "S1",
    "year": "2024",
    "method": "M1",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"origin": "Q"}, "origin 'Q' is not a node"),
        ({"origin": "A"}, "origin equals destination"),
        ({"value": "-1"}, "not a finite number >= 0"),
        ({"value": "nan"}, "not a finite number >= 0"),
        ({"value": "inf"}, "not a finite number >= 0"),
        ({"value": "many"}, "not a finite number >= 0"),
        ({"unit": "TEU/year"}, "unit 'TEU/year' does not match class 'grain'. Write 't/year'"),
        ({"class": "containers"}, "class 'containers' is not a cargo class"),
        ({"source": ""}, "no source"),
        ({"source": "estimate", "method": ""}, "an estimate without a method"),
        ({"source": "S9"}, "unknown source id(s) ['S9']"),
        ({"year": ""}, "without a year"),
    ],
)
def test_each_validation_error(change: dict[str, str], message: str) -> None:
    df = pd.DataFrame([GOOD, {**GOOD, "origin": "B", "destination": "A", **change}])
    problems = validate_demand_table(df, nodes=["A", "B"], source_ids=["S1"], name="t.csv")
    assert len(problems) >= 1
    assert all("t.csv line 3" in p for p in problems), problems
    assert any(message in p for p in problems), problems


def test_valid_table_and_figure_ids() -> None:
    df = pd.DataFrame([GOOD, {**GOOD, "source": "V42;S1", "origin": "B", "destination": "A"}])
    assert validate_demand_table(df, nodes=["A", "B"], source_ids=["S1"]) == []


def test_read_raises_with_lines_and_fix(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    pd.DataFrame([GOOD, {**GOOD, "value": "-5"}, {**GOOD, "origin": "Z", "class": "coal"}]).to_csv(
        p, index=False
    )
    with pytest.raises(DemandError) as exc:
        read_demand_table(p, nodes=["A", "B"], source_ids=["S1"])
    msg = str(exc.value)
    assert "bad.csv: 3 problem(s)" in msg and "line 3" in msg and "line 4" in msg
    assert "DEMAND.md" in msg
    pd.DataFrame([{k: v for k, v in GOOD.items() if k != "unit"}]).to_csv(p, index=False)
    with pytest.raises(DemandError, match=r"missing column\(s\) \['unit'\]"):
        read_demand_table(p, nodes=["A", "B"], source_ids=["S1"])


# -- totals against the published aggregates (2024) -----------------------------------------


def _mt(df: pd.DataFrame) -> float:
    return float(df["tonnes"].sum()) / 1e6


def test_kazakhstan_china_rail_total_within_published_range(table: pd.DataFrame) -> None:
    """KZ-China rail 2024: 32 Mt (S403/S132), of which Chinese transit 15.3 Mt (S132)."""
    bilateral = _mt(table[table["market"].isin(["cn-kz", "kz-cn"])])
    published_bilateral = 32.0 - 15.3
    # road (Khorgos, Bakhty, Nur Zholy) carries part of the bilateral trade: at most 30 %
    assert published_bilateral <= bilateral <= published_bilateral / 0.7
    captive_transit = _mt(
        table[table["market"].isin(["cn-ca", "ca-cn", "cn-ru-via-kz", "cn-caucasus"])]
    )
    rail_cn_eu = (412_000 * 1.15 + 27_600 * 1.2) * T_PER_TEU / 1e6  # M30's rail part
    assert 0.75 * 15.3 <= captive_transit + rail_cn_eu <= 1.25 * 15.3
    total = bilateral + captive_transit + rail_cn_eu
    assert 28.0 <= total <= 32.0 / 0.8, total


def test_trans_caspian_total_is_4_5_mt(table: pd.DataFrame) -> None:
    titr = _mt(table[table["market"].isin(["kz-titr-export", "titr-import", "cn-caucasus"])])
    titr += 27_600 * 1.2 * T_PER_TEU / 1e6  # China-Europe boxes inside the cn-eu markets
    assert titr == pytest.approx(4.5, rel=0.02)
    exports = _mt(table[table["market"] == "kz-titr-export"])
    assert exports == pytest.approx(4.5 * 0.72, rel=0.01)


def test_turkmenbashi_ferry_markets_add_up_to_the_counted_wagons(table: pd.DataFrame) -> None:
    # M60/M160: Baku port counted 18,600 rail wagons to or from Turkmenbashi in 2023 (S426);
    # a bulk or tank wagon carries 60 t net, a container flat wagon 2 TEU (not 60 t of boxes)
    m60 = table[table["market"].isin(["ca-caucasus", "caucasus-ca"])]
    box = m60["class"].str.startswith("container")
    wagons = m60.loc[box, "value"].sum() / 2.0 + m60.loc[~box, "value"].sum() / 60.0
    assert wagons == pytest.approx(18_600, rel=0.01)
    # containers: 0.2 of the westbound wagons (0.6 of all) and 0.5 of the eastbound ones
    assert m60.loc[box, "value"].sum() == pytest.approx(
        18_600 * 2 * (0.6 * 0.2 + 0.4 * 0.5), rel=0.01
    )


def test_kazakh_grain_exports_match_2024_total(table: pd.DataFrame) -> None:
    grain = table[(table["class"] == "grain") & (table["o_cc"] == "KZ") & (table["d_cc"] != "KZ")]
    # 8.1 Mt grain + 2.4 Mt flour by rail (S405); Kyrgyz grain ends at Shu (KZ node)
    kg = table[table["market"] == "kz-kg-grain"]
    assert _mt(grain) + _mt(kg) == pytest.approx(10.5, rel=0.02)
    iran = _mt(
        table[(table["class"] == "grain") & (table["d_cc"] == "IR") & (table["o_cc"] == "KZ")]
    )
    assert 0.299 <= iran <= 0.718  # between the Sep-Nov and Sep-Mar published figures


def test_kazakh_rail_exports_match_ktz_2024(table: pd.DataFrame) -> None:
    """KTZ: >41 Mt exported by rail in H1 2024 (S429); coal exports 25.4 Mt/yr of which two
    thirds (Ekibastuz to Russia) are left out of the table (M42)."""
    from_kz = table[(table["o_cc"] == "KZ") & ~table["market"].str.endswith("transit")]
    abroad = from_kz[from_kz["d_cc"] != "KZ"]
    kyrgyz = from_kz[from_kz["destination"] == "kz-shu"]  # Kyrgyz markets end at a KZ node
    coal_left_out = (47.5 - 34.8) * 2 * 2 / 3
    assert _mt(abroad) + _mt(kyrgyz) + coal_left_out == pytest.approx(82.0, rel=0.10)
    ore = table[(table["market"] == "kz-other-export") & table["note"].str.startswith("iron and")]
    ore_cn = table[(table["market"] == "kz-cn") & table["note"].str.contains("iron ore")]
    assert _mt(ore) + _mt(ore_cn) == pytest.approx(4.7 * 12 / 5, rel=0.01)  # S430


def test_china_europe_market_includes_sea_and_rail(table: pd.DataFrame) -> None:
    west = table[(table["o_cc"] == "CN") & (table["market"] == "cn-eu")]
    teu = west["value"].sum()
    sea = 12.5e6 * 1.09  # CTS 2023 x 2024 growth (S400, S401)
    assert 0.8 * sea < teu < sea + 412_000 + 33_120
    hv = west.loc[west["class"] == "container_hv", "value"].sum() / teu
    assert 0.08 < hv < 0.35
    east = table[(table["d_cc"] == "CN") & (table["market"] == "eu-cn")]["value"].sum()
    assert east > 412_000 * 0.15  # more than the rail back-haul alone


def test_seed_trades_are_present(table: pd.DataFrame) -> None:
    nor = table[(table["destination"] == "NOOSL") | (table["origin"] == "NOOSL")]
    nor = nor[nor["market"].str.contains("norway")]
    assert {"kz-norway", "norway-kz", "kz-norway-grain"} <= set(nor["market"])
    shandong = table[table["origin"].isin(["CNJNA", "CNQIN"]) & (table["market"] == "cn-kz")]
    assert shandong["value"].sum() > 0
    # Kazakh grain and flour for Afghanistan (M38: 1.33 Mt), split between Mazar-i-Sharif and Herat
    af = table[table["destination"].isin(["AFMZR", "AFHEA"]) & (table["market"] == "kz-af-grain")]
    assert 1.2 < _mt(af[af["class"] == "grain"]) < 1.5


def _generator() -> Any:
    import importlib.util
    import sys

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location(
        "build_demand_2024", root / "tools" / "build_demand_2024.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.modules.pop(spec.name, None)
    return mod


def test_generator_uses_finer_nodes_once_the_network_has_them() -> None:
    gen = _generator()
    known = {"AFMZR", "KZALA", "IRTHR"}  # a network without the finer nodes
    same, notes = gen.refine({"AFMZR": 0.5, "KZALA": 0.5}, known)
    assert same == {"AFMZR": 0.5, "KZALA": 0.5} and notes == []
    finer, notes = gen.refine({"AFMZR": 0.5, "KZALA": 0.5}, known | {"AFHEA"})
    west = gen.AF_WEST_SHARE
    assert finer == pytest.approx({"AFMZR": 0.5 * (1 - west), "AFHEA": 0.5 * west, "KZALA": 0.5})
    assert sum(finer.values()) == pytest.approx(1.0) and "Herat" in notes[0]
    partial, _ = gen.refine({"IRTHR": 1.0}, known | {"IRQAZ"})  # Rasht missing: kept
    assert partial == {"IRTHR": 1.0}


def test_table_is_what_its_generator_writes() -> None:
    """The CSV is generated (tools/build_demand_2024.py): edits belong in the script."""
    import csv
    import importlib.util
    import io

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location(
        "build_demand_2024", root / "tools" / "build_demand_2024.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    import sys

    sys.modules[spec.name] = mod  # dataclasses look their module up
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.modules.pop(spec.name, None)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=mod.COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(mod.build_rows())
    assert buf.getvalue() == bundled_demand_path(2024).read_text(encoding="utf-8")


def test_afghan_markets_split_by_2024_rail_ports(table: pd.DataFrame) -> None:
    """M165: Herat gets what Torghundi and Khaf-Herat carried of Afghanistan's 4.37 Mt of
    rail freight in 2024 (S1070: Hairatan 3.4 Mt, Aqina 0.386, Torghundi 0.565, Khaf-Herat
    0.022), not the 0.4 the table assumed before."""
    grain = table[table["market"] == "kz-af-grain"]
    herat = _mt(grain[grain["destination"] == "AFHEA"]) / _mt(grain)
    assert herat == pytest.approx((0.565 + 0.022) / 4.373, abs=0.002)
    refined = grain[grain["destination"] == "AFHEA"]
    assert refined["source"].str.contains("S1070").all()
    assert refined["method"].str.contains("M165").all()


def test_no_afghan_origin_in_northbound_bulk_transit(table: pd.DataFrame) -> None:
    """M166: Afghanistan exported 92,000 t by rail in 2024 to every destination (S1070); the
    M41 northbound transit gave it ~0.3 Mt to Russia alone."""
    from_af = table[table["o_cc"] == "AF"]
    assert from_af[~from_af["class"].str.startswith("container")].empty


def test_russia_turkmenistan_trade_matches_published_tonnage(table: pd.DataFrame) -> None:
    """M167: Russia-Turkmenistan trade 2023 in tonnes (S1071): 542,000 t south, 136,000 t
    north, all classes together; M41 kept ~1.3 Mt south and ~0.4 Mt north."""
    ru_tm = table[(table["o_cc"] == "RU") & (table["d_cc"] == "TM")]
    tm_ru = table[(table["o_cc"] == "TM") & (table["d_cc"] == "RU")]
    assert _mt(ru_tm) == pytest.approx(0.542, rel=0.01)
    assert _mt(tm_ru) == pytest.approx(0.136, rel=0.01)
    # Turkmenistan exports oil products (S1075): no tank-wagon cells into it from RU or KZ (M168)
    into_tm = table[(table["d_cc"] == "TM") & table["o_cc"].isin(["RU", "KZ"])]
    assert (into_tm["class"] != "liquid_bulk").all()


def test_non_chinese_transit_total_unchanged_by_the_turkmen_cells(table: pd.DataFrame) -> None:
    """M41's total (34.6 - 15.3 Mt minus the M36 Russia<->Central Asia boxes; no grain
    northbound) is kept: M166/M167 move tonnes between destinations, not out of the table."""
    boxes = table[table["market"].isin(["ru-ca-containers", "ca-ru-containers"])]
    other = 34.6 - 15.3 - _mt(boxes)
    markets = ["ru-ca", "ru-tm", "ru-ir", "ca-ru", "tm-ru"]
    transit = _mt(table[table["market"].isin([f"{m}-transit" for m in markets])])
    assert transit == pytest.approx(other * (0.76 + 0.24 * 0.70), rel=0.005)
