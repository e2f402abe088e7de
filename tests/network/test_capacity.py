"""Per-element, per-direction capacities (capacities.csv): validation and compiled arrays."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from corridors.errors import NetworkValidationError
from corridors.network import bundled_network_path, load_network, validate_network
from corridors.network._capacity import BULK_TEU_EQ_PER_T, CAPACITY_COLUMNS
from corridors.network._csr import ARC_GAUGE, ARC_LINK
from tests.tiny import gauge_break, write_network


def _cap_row(**kw: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(CAPACITY_COLUMNS, "")
    row.update(source="estimate", method="test", shared="true")
    row.update(kw)
    return row


def _write(folder: Path, rows: list[dict[str, object]]) -> Path:
    with (folder / "capacities.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(CAPACITY_COLUMNS))
        w.writeheader()
        w.writerows(rows)
    return folder


def _arcs(g, node_ids: np.ndarray, kind: int) -> dict[tuple[str, str, str, str], int]:
    out = {}
    for a in np.flatnonzero(g.kind == kind):
        t, h = g.tail[a], g.head[a]
        key = (
            str(node_ids[g.vertex_node[t]]),
            str(g.vertex_port[t]),
            str(node_ids[g.vertex_node[h]]),
            str(g.vertex_port[h]),
        )
        out[key] = int(a)
    return out


def test_link_and_transfer_capacity_per_direction(tmp_path: Path) -> None:
    folder = write_network(gauge_break(), tmp_path / "net")
    _write(
        folder,
        [
            _cap_row(
                element_type="link",
                element_id="cn-line",
                direction="forward",
                trains_per_day=5,
                net_load_teu_per_train=100,
                capacity_teu_per_day=500,
            ),
            _cap_row(
                element_type="transfer",
                element_id="BRD",
                direction="rail1435>rail1520",
                capacity_teu_per_day=300,
                capacity_t_per_day=1000,
                shared="false",
            ),
        ],
    )
    assert validate_network(folder) == []
    net = load_network(folder)
    g = net.graph("container")
    ids = g.node_ids
    links = _arcs(g, ids, ARC_LINK)
    fwd = links[("CNX", "rail1435", "BRD", "rail1435")]
    rev = links[("BRD", "rail1435", "CNX", "rail1435")]
    assert g.capacity_teu_per_day[fwd] == 500
    # the reverse direction keeps the class figure (none in the tiny parameters: uncongested)
    assert not np.isfinite(g.capacity_teu_per_day[rev]) or g.capacity_teu_per_day[rev] != 500
    # a border link queues with one train's service time at the new capacity
    assert g.vdf[fwd] == 2 and g.vdf_alpha[fwd] == pytest.approx(24 * 86 / 500)
    tr = _arcs(g, ids, ARC_GAUGE)
    west = tr[("BRD", "rail1435", "BRD", "rail1520")]
    east = tr[("BRD", "rail1520", "BRD", "rail1435")]
    # separate container and bulk facilities add up in TEU-equivalent
    assert g.capacity_teu_per_day[west] == pytest.approx(300 + 1000 * BULK_TEU_EQ_PER_T)
    assert g.vdf[west] == 2 and g.vdf_alpha[west] == pytest.approx(
        24 * 86 / g.capacity_teu_per_day[west]
    )
    assert np.isnan(g.capacity_teu_per_day[east]) and g.vdf[east] == 0


def test_shared_capacity_uses_the_teu_figure_and_bulk_only_rows_convert(tmp_path: Path) -> None:
    folder = write_network(gauge_break(), tmp_path / "net")
    _write(
        folder,
        [
            _cap_row(
                element_type="link",
                element_id="kz-line",
                direction="both",
                capacity_teu_per_day=400,
                capacity_t_per_day=5000,
            ),
            _cap_row(
                element_type="transfer",
                element_id="BRD",
                direction="both",
                ports="rail1435|rail1520",
                capacity_t_per_day=3700,
            ),
        ],
    )
    g = load_network(folder).graph("bulk")
    caps = g.capacity_teu_per_day
    links = _arcs(g, g.node_ids, ARC_LINK)
    for key in (("BRD", "rail1520", "KZA", "rail1520"), ("KZA", "rail1520", "BRD", "rail1520")):
        assert caps[links[key]] == 400
    for a in np.flatnonzero(g.kind == ARC_GAUGE):
        # one bulk train of 3,700 t takes the path of one 86-TEU container train (M150)
        assert caps[a] == pytest.approx(86.0)


def test_every_capacity_problem_is_reported(tmp_path: Path) -> None:
    folder = write_network(gauge_break(), tmp_path / "net")
    lk, tr = "link", "transfer"
    both = "rail1435|rail1520"
    rows = [
        _cap_row(element_type=lk, element_id="nope", direction="forward", capacity_teu_per_day=1),
        _cap_row(element_type=tr, element_id="ZZZ", direction="both", ports=both),
        _cap_row(element_type=tr, element_id="BRD", direction="rail1435>rail999"),
        _cap_row(element_type=lk, element_id="cn-line", direction="sideways"),
        _cap_row(element_type=lk, element_id="kz-line", direction="forward"),
        _cap_row(element_type=lk, element_id="kz-line", direction="reverse"),
        _cap_row(element_type=lk, element_id="cn-line", direction="forward"),
        _cap_row(element_type=lk, element_id="cn-line", direction="reverse", source=""),
        _cap_row(element_type=tr, element_id="BRD", direction="rail1520>rail1435", method=""),
        _cap_row(element_type=tr, element_id="BRD", direction="rail1435>rail1520"),
        _cap_row(element_type="wagon", element_id="x", direction="both"),
        _cap_row(element_type=lk, element_id="kz-line", direction="forward", source="S999"),
    ]
    caps = [1, 1, 1, 1, "inf", -3, "lots", 10, 10, 500, 1, 5]
    for r, c in zip(rows, caps, strict=True):
        r["capacity_teu_per_day"] = c
    rows[9].update(trains_per_day=5, net_load_teu_per_train=86)
    rows[11]["year"] = "2024"
    _write(folder, rows)
    problems = validate_network(folder)
    text = "\n".join(problems)
    for expected in (
        "line 2 (link 'nope'): link_id 'nope' is not in links.csv",
        "line 3 (transfer 'ZZZ'): node 'ZZZ' is not in nodes.csv",
        "ports ['rail999'] unknown",
        "direction 'sideways' must be forward, reverse or both",
        "capacity_teu_per_day = inf must be a finite number > 0",
        "capacity_teu_per_day = -3.0 must be a finite number > 0",
        "capacity_teu_per_day = 'lots' is not a number",
        "line 9 (link 'cn-line'): the capacity has no source",
        "line 10 (transfer 'BRD'): an estimate without a method",
        "differs from trains_per_day x net load = 430",
        "element_type 'wagon' must be link or transfer",
        "cites unknown source(s) S999",
        "direction forward given twice",
    ):
        assert expected in text, (expected, problems)
    with pytest.raises(NetworkValidationError):
        load_network(folder)
    from corridors.cli import app

    res = CliRunner().invoke(app, ["network", "validate", str(folder), "--json"])
    assert res.exit_code == 1
    out = json.loads(res.stdout)
    assert not out["valid"] and any("not in links.csv" in p for p in out["problems"])


def test_bundled_capacities_reach_the_compiled_graph() -> None:
    net = load_network()
    assert net.validate() == []
    cap = pd.read_csv(bundled_network_path() / "capacities.csv")
    row = cap[cap["element_id"] == "rail-alashankou-dostyk"].iloc[0]
    links = net.links
    for d in ("f", "r"):
        got = links.at[f"rail-alashankou-dostyk:{d}", "capacity_teu_per_day"]
        assert got == pytest.approx(row["capacity_teu_per_day"])
    g = net.graph("container")
    aktau = cap[(cap["element_type"] == "transfer") & (cap["element_id"] == "KZAAU")].iloc[0]
    expected = aktau["capacity_teu_per_day"] + aktau["capacity_t_per_day"] * BULK_TEU_EQ_PER_T
    node = int(np.flatnonzero(g.node_ids == "KZAAU")[0])
    hits = [
        a
        for a in np.flatnonzero(g.kind == 2)  # mode changes
        if g.vertex_node[g.tail[a]] == node
        and {g.vertex_port[g.tail[a]], g.vertex_port[g.head[a]]} == {"rail1520", "ferry"}
    ]
    assert len(hits) == 2
    assert all(g.capacity_teu_per_day[a] == pytest.approx(expected) for a in hits)


def test_network_without_capacities_file_loads(tmp_path: Path) -> None:
    folder = tmp_path / "net"
    shutil.copytree(bundled_network_path(), folder)
    (folder / "capacities.csv").unlink()
    net = load_network(folder)
    assert net.links.at["rail-alashankou-dostyk:f", "capacity_teu_per_day"] == 760  # links.csv


def test_scenarios_scale_or_drop_table_rows() -> None:
    from corridors.scenarios import apply_scenario

    base = load_network()
    x2, _ = apply_scenario(base, "caspian-x2")
    key = "ferry-aktau-alat:f"
    assert x2.links.at[key, "capacity_teu_per_day"] == pytest.approx(
        2 * base.links.at[key, "capacity_teu_per_day"]
    )
    cut, _ = apply_scenario(
        base,
        {
            "name": "close-brest",
            "changes": [{"op": "remove_link", "link_id": "rail-brest-malaszewicze"}],
        },
    )
    assert "rail-brest-malaszewicze" not in set(cut.tables["capacities"]["element_id"])


def test_bulk_equivalence_matches_the_assignment() -> None:
    from corridors.assignment._from_network import BULK_PCE_TEU_PER_T

    assert BULK_TEU_EQ_PER_T == BULK_PCE_TEU_PER_T


def test_bulk_equivalence_is_one_train_path_everywhere() -> None:
    """A bulk train takes one train path: classes.csv, parameters.csv and capacities.csv agree."""
    from corridors.assignment.classes import load_class_profiles
    from corridors.network._capacity import BULK_T_PER_TRAIN, TEU_PER_TRAIN

    assert abs(BULK_TEU_EQ_PER_T - TEU_PER_TRAIN / BULK_T_PER_TRAIN) < 1e-15
    net = load_network(bundled_network_path())
    assert net.parameter("global", "teu_per_train") == TEU_PER_TRAIN
    profiles = load_class_profiles()
    for name in ("grain", "dry_bulk"):
        assert profiles[name].pce_teu_per_unit == pytest.approx(BULK_TEU_EQ_PER_T, rel=1e-3)
    # tank trains are lighter (3,300 t) on the same path: a tonne of liquid takes more of it
    assert profiles["liquid_bulk"].pce_teu_per_unit == pytest.approx(TEU_PER_TRAIN / 3300, rel=1e-3)
    cap = net.tables["capacities"]
    trains = cap[pd.to_numeric(cap["trains_per_day"], errors="coerce") > 0]
    assert len(trains) > 50
    assert (pd.to_numeric(trains["net_load_teu_per_train"]) == TEU_PER_TRAIN).all()
    assert (pd.to_numeric(trains["net_load_t_per_train"]) == BULK_T_PER_TRAIN).all()


def test_table_is_what_its_generator_writes() -> None:
    """capacities.csv is generated (tools/build_capacities.py): edits belong in the script."""
    import importlib.util
    import io

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location(
        "build_capacities", root / "tools" / "build_capacities.py"
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
    w = csv.DictWriter(buf, fieldnames=mod.COLS, lineterminator="\n")
    w.writeheader()
    w.writerows(mod.build_rows())
    assert buf.getvalue() == (bundled_network_path() / "capacities.csv").read_text(encoding="utf-8")
