"""CLI exports: ``network export --format``, ``flows --format/--omx``, ``flows --select-link``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corridors.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


@pytest.mark.parametrize(
    ("fmt", "files"),
    [
        ("geojson", ["net.geojson"]),
        ("gpkg", ["net.gpkg"]),
        ("parquet", ["net.nodes.parquet", "net.links.parquet"]),
        ("csv", ["net.nodes.csv", "net.links.csv"]),
    ],
)
def test_network_export_formats(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str, files: list[str]
) -> None:
    if fmt in ("gpkg", "parquet"):
        pytest.importorskip("geopandas")
    out_path = tmp_path / f"net.{fmt}"
    code, _, err = _run(capsys, "network", "export", "--out", str(out_path), "-f", fmt)
    assert code == 0, err
    for f in files:
        assert (tmp_path / f).is_file() and (tmp_path / f).stat().st_size > 1000, f
    if fmt == "geojson":
        data = json.loads(out_path.read_text())
        assert {f["properties"]["feature"] for f in data["features"]} == {"node", "link"}
    if fmt == "gpkg":
        import pyogrio

        layers = {str(n) for n, _ in pyogrio.list_layers(out_path)}
        assert layers == {"nodes", "links"}


def test_network_export_gmns_and_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, "network", "export", "--out", str(tmp_path / "g"), "-f", "gmns")
    assert code == 0, err
    assert (tmp_path / "g" / "node.csv").is_file() and (tmp_path / "g" / "link.csv").is_file()
    code, _, err = _run(capsys, "network", "export", "--out", str(tmp_path / "n.shp"))
    assert code == 2 and "'shp' is not an export format" in err and "Traceback" not in err
    code, _, err = _run(capsys, "network", "export")
    assert code == 2 and "--out" in err
    code, _, err = _run(capsys, "network", "export", "--geojson", str(tmp_path / "a.geojson"))
    assert code == 0 and (tmp_path / "a.geojson").is_file()  # the old spelling still works


def test_flows_formats_omx_and_select_link(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytest.importorskip("geopandas")
    pytest.importorskip("openmatrix")
    code, out, err = _run(
        capsys, "flows", "--model", "ue", "--gap", "1e-3", "--top", "3", "--json",
        "--out", str(tmp_path),
        "--format", "gpkg", "--format", "csv", "--omx", str(tmp_path / "skims.omx"),
        "--select-link", "rail-alashankou-dostyk",
    )  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    names = sorted(Path(f).name for f in report["files"])
    assert names == sorted(
        ["links.csv", "skims.csv", "bottlenecks.csv", "gap_history.csv", "links.gpkg", "skims.omx"]
    )
    rows = report["select_link"]
    assert rows and rows[0]["flow_per_year"] >= rows[-1]["flow_per_year"]
    assert {r["unit"] for r in rows} <= {"TEU", "t"} and all(0 < r["share"] <= 1 for r in rows)
    code, _, err = _run(
        capsys, "flows", "--model", "ue", "--gap", "1e-2", "--select-link", "rail-dostyk-nowhere"
    )
    assert code == 3 and "Unknown link 'rail-dostyk-nowhere'" in err and "Traceback" not in err
    code, _, err = _run(
        capsys, "flows", "--model", "ue", "--gap", "1e-2", "--out", str(tmp_path), "--format", "shp"
    )
    assert code == 2 and "shp; use parquet, csv, geojson or gpkg" in err


def test_choice_flows_formats_omx_and_select_link(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The default choice model takes --format, --omx and --select-link too."""
    pytest.importorskip("geopandas")
    omx = pytest.importorskip("openmatrix")
    code, out, err = _run(
        capsys, "flows", "--gap", "1e-3", "--top", "3", "--json", "--out", str(tmp_path),
        "--format", "geojson", "--format", "gpkg", "--omx", str(tmp_path / "skims.omx"),
        "--select-link", "rail-alashankou-dostyk",
    )  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    assert report["model"] == "choice"
    assert sorted(Path(f).name for f in report["files"]) == [
        "links.geojson",
        "links.gpkg",
        "skims.omx",
    ]
    fc = json.loads((tmp_path / "links.geojson").read_text())
    dostyk = [
        f["properties"]
        for f in fc["features"]
        if f["properties"]["link_id"] == ("rail-alashankou-dostyk")
    ]
    assert len(dostyk) == 2 and sum(p["flow_t_per_yr"] for p in dostyk) > 0
    rows = report["select_link"]
    assert {r["unit"] for r in rows} == {"TEU", "t"} and all(0 < r["share"] <= 1 for r in rows)
    for cls in {r["class"] for r in rows}:  # each class's select-link flow = the link's flow
        unit = next(r["unit"] for r in rows if r["class"] == cls)
        got = sum(r["flow_per_year"] for r in rows if r["class"] == cls)
        want = sum(p[f"flow_{cls}_{unit}_per_yr"] for p in dostyk)
        assert got == pytest.approx(want, rel=1e-6)
    with omx.open_file(str(tmp_path / "skims.omx")) as f:
        assert "container_std_time" in f.list_matrices()
    code, _, err = _run(capsys, "flows", "--gap", "1e-2", "--select-link", "rail-dostyk-nowhere")
    assert code == 3 and "Unknown link 'rail-dostyk-nowhere'" in err and "Traceback" not in err
    code, _, err = _run(capsys, "flows", "--out", str(tmp_path), "--format", "shp")
    assert code == 2 and "shp; use parquet, csv, geojson or gpkg" in err


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "parquet", "csv"])
def test_route_out_formats(capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str) -> None:
    gpd = pytest.importorskip("geopandas")
    path = tmp_path / f"opts.{fmt}"
    code, _, err = _run(capsys, "route", "Almaty", "Baku", "--teu", "2", "--out", str(path))
    assert code == 0, err
    assert f"wrote {path}" in err.replace("\n", "")  # notes go to stderr
    if fmt == "csv":
        back = gpd.pd.read_csv(path)
    elif fmt == "parquet":
        back = gpd.read_parquet(path)
    else:
        back = gpd.read_file(path)
    assert set(back["option"]) >= {1} and {"corridor", "mode", "days"} <= set(back.columns)
