from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corridors.assignment.demand import ODMatrices
from corridors.errors import DataFileError, DemandError
from corridors.io.demand import (
    read_demand,
    read_demand_csv,
    read_demand_omx,
    read_demand_parquet,
    write_demand_omx,
)

CSV = """# test fixture
origin,destination,class,value,unit
CNXIA,DEHAM,containers,100,TEU/year
CNXIA,KZALA,containers,50,TEU/year
KZKOS,IRBND,grain,2000,t/year
"""
ZONES = ["CNXIA", "DEHAM", "IRBND", "KZALA", "KZKOS"]


def test_csv_long_table(tmp_path: Path) -> None:
    p = tmp_path / "od.csv"
    p.write_text(CSV)
    od = read_demand_csv(p, zones=ZONES)
    assert od.classes == ("containers", "grain")
    assert od.zones == tuple(ZONES)
    assert od.matrices["containers"][0, 1] == 100
    assert od.units == {"containers": "TEU/year", "grain": "t/year"}
    assert od.total("grain") == 2000


def test_parquet_roundtrip(tmp_path: Path) -> None:
    p = tmp_path / "od.csv"
    p.write_text(CSV)
    od = read_demand(p, zones=ZONES)
    od.to_long().to_parquet(tmp_path / "od.parquet")
    od2 = read_demand_parquet(tmp_path / "od.parquet", zones=ZONES)
    for c in od.classes:
        np.testing.assert_array_equal(od.matrices[c], od2.matrices[c])


def test_omx_roundtrip(tmp_path: Path) -> None:
    pytest.importorskip("openmatrix")
    od = ODMatrices(("A", "B", "C"), {"containers": [[0, 1, 2], [3, 0, 4], [0, 0, 0]]})
    write_demand_omx(od, tmp_path / "od.omx")
    back = read_demand_omx(tmp_path / "od.omx")
    assert back.zones == ("A", "B", "C")
    np.testing.assert_array_equal(back.matrices["containers"], od.matrices["containers"])
    wider = read_demand(tmp_path / "od.omx", zones=["Z", "A", "B", "C"])
    assert wider.matrices["containers"][1, 3] == 2
    with pytest.raises(DemandError, match="not network zones"):
        read_demand_omx(tmp_path / "od.omx", zones=["A", "B"])


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (CSV.replace("KZALA", "KZALX"), "unknown zone.*KZALX.*KZALA"),
        (CSV.replace(",50,", ",-5,"), "negative"),
        (CSV.replace(",50,", ",lots,"), "non-numeric"),
        (CSV.replace("value", "volume"), "missing column"),
        (CSV + "CNXIA,DEHAM,containers,1,TEU/year\n", "more than once"),
    ],
)
def test_bad_csv(tmp_path: Path, text: str, match: str) -> None:
    p = tmp_path / "od.csv"
    p.write_text(text)
    with pytest.raises(DemandError, match=match):
        read_demand_csv(p, zones=ZONES)


def test_wrong_shape_and_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(DemandError, match="shape"):
        ODMatrices(("A", "B"), {"x": np.zeros((3, 3))})
    with pytest.raises(DataFileError, match="suffix"):
        read_demand(tmp_path / "od.xlsx")
    with pytest.raises(DataFileError, match="does not exist"):
        read_demand(tmp_path / "nope.csv")


def test_scaling_by_class_and_pairs() -> None:
    od = ODMatrices(("CN", "KZ", "DE"), {"containers": np.ones((3, 3)), "grain": np.ones((3, 3))})
    s = od.scaled(
        classes={"grain": 0.5}, pairs=[(["CN"], ["KZ"], 2.6)], pair_classes=["containers"]
    )
    assert s.matrices["containers"][0, 1] == pytest.approx(2.6)
    assert s.matrices["grain"][0, 1] == pytest.approx(0.5)
    assert s.matrices["containers"][1, 0] == 1.0
    with pytest.raises(DemandError, match="Unknown zone"):
        od.scaled(pairs=[(["XX"], ["KZ"], 2.0)])
    with pytest.raises(DemandError, match="Unknown demand class"):
        od.scaled(classes={"oil": 2.0})
    assert isinstance(od.to_long(), pd.DataFrame)
