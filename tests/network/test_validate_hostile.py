"""Hostile cells in a copy of the bundled network: each is reported, none passes silently."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
import yaml

from corridors.network import validate_network
from tests.hostile import hostile

CASES = yaml.safe_load(hostile("network_patches.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[f"{c['column']}={c['value']!r}" for c in CASES])
def test_hostile_cell_is_reported(case: dict, tmp_path: Path) -> None:
    src = Path(str(resources.files("corridors") / "data" / "network"))
    net = tmp_path / "net"
    shutil.copytree(src, net)
    path = net / case["file"]
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[case["row"], case["column"]] = case["value"]
    df.to_csv(path, index=False)
    problems = validate_network(net)
    hits = [p for p in problems if case["expect"] in p and case["column"] in p]
    assert hits, problems
    assert f"{case['file']} line {case['row'] + 2}" in hits[0]  # names file and line


def test_bundled_network_still_valid() -> None:
    src = Path(str(resources.files("corridors") / "data" / "network"))
    assert validate_network(src) == []
