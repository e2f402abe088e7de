"""Hostile scenario and sweep files: refused fast with a clear, limit-stating error."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridors._yaml import MAX_DEPTH, load_yaml
from corridors.errors import InvalidSpecError, LimitExceededError, ScenarioError
from corridors.scenarios import load_scenario
from corridors.scenarios.model import MAX_CHANGES, scenario_from_dict, shipped_resolver
from corridors.scenarios.sweep import MAX_RUNS, SweepSpec, failed_runs, load_sweep
from tests.hostile import hostile


def test_alias_bomb_refused_before_expansion() -> None:
    text = hostile("alias_bomb.yaml").read_text()
    assert len(text) < 320  # the 312-byte class of bomb: 9**7 strings once expanded
    with pytest.raises(ScenarioError, match=r"YAML alias \(\*a\).*not accepted"):
        load_yaml(text)
    with pytest.raises(ScenarioError, match="alias"):
        load_scenario(hostile("alias_bomb.yaml"))


def test_deep_nesting_refused_with_limit() -> None:
    with pytest.raises(LimitExceededError) as e:
        load_scenario(hostile("deep.yaml"))
    assert e.value.limit == MAX_DEPTH and str(MAX_DEPTH) in str(e.value)


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("scenario_nan_factor.yaml", "factor.*not a finite number"),
        ("scenario_inf_capacity.yaml", "capacity_teu_per_day = inf is not a finite number"),
        ("scenario_empty_required.yaml", "required field 'link_id' is empty"),
    ],
)
def test_non_finite_or_empty_fields(name: str, match: str) -> None:
    with pytest.raises(ScenarioError, match=match):
        load_scenario(hostile(name))


def test_too_many_changes_states_the_limit() -> None:
    doc = {"name": "big", "changes": [{"op": "scale_demand", "factor": 1}] * (MAX_CHANGES + 1)}
    with pytest.raises(LimitExceededError, match=f"{MAX_CHANGES:,}") as e:
        scenario_from_dict(doc)
    assert e.value.field == "changes"


def test_bare_name_is_shipped_never_a_file_in_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file in the working directory must not shadow the shipped scenario of that name.
    (tmp_path / "red-sea-closed").write_text("name: evil\nchanges: []\n")
    (tmp_path / "red-sea-closed.yaml").write_text("name: evil\nchanges: []\n")
    monkeypatch.chdir(tmp_path)
    sc = load_scenario("red-sea-closed")
    assert sc.name == "red-sea-closed" and sc.changes
    assert load_scenario("./red-sea-closed.yaml").name == "evil"  # explicit path: the file


def test_service_resolver_reads_no_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "secret.yaml").write_text("name: secret\nchanges: []\n")
    monkeypatch.chdir(tmp_path)
    doc = {"name": "x", "inherits": "secret.yaml", "changes": []}
    with pytest.raises(ScenarioError, match="not a shipped scenario"):
        scenario_from_dict(doc, resolver=shipped_resolver)
    with pytest.raises(ScenarioError, match="not a shipped scenario"):
        scenario_from_dict(
            {**doc, "inherits": str(hostile("scenario_nan_factor.yaml"))}, resolver=shipped_resolver
        )
    ok = scenario_from_dict({**doc, "inherits": "caspian-x2"}, resolver=shipped_resolver)
    assert ok.parents == ("caspian-x2",) and ok.changes


@pytest.mark.parametrize(
    ("name", "error", "match"),
    [
        ("sweep_huge_sample.yaml", LimitExceededError, f"above the limit of {MAX_RUNS:,}"),
        ("sweep_huge_grid.yaml", LimitExceededError, "10,500 runs"),
        ("sweep_inf_knob.yaml", InvalidSpecError, "demand = inf is not a finite number"),
        ("sweep_wrong_shape.yaml", InvalidSpecError, "holds a list, not a mapping"),
    ],
)
def test_hostile_sweeps(name: str, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        load_sweep(hostile(name))


def test_failed_runs_are_reported() -> None:
    import pandas as pd

    table = pd.DataFrame({"run": [0, 1, 2], "error": ["", "ScenarioError: x", ""]})
    assert failed_runs(table)["run"].tolist() == [1]
    spec = SweepSpec.from_dict({"grid": {"demand": [1.0]}})
    assert len(spec.runs) == 1
