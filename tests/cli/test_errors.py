"""Every bad input: one what/why/fix message, a documented exit code, never a traceback.

The ``run`` fixture (conftest) asserts that no output contains "Traceback".
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from corridors.cli._app import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_MISSING_EXTRA,
    EXIT_NO_ROUTE,
    EXIT_PROBLEMS,
    EXIT_UNAVAILABLE,
    EXIT_USAGE,
)
from tests.cli.conftest import Run

BINARY = bytes(range(256)) * 4


def _never(*_a: object, **_k: object) -> None:
    raise AssertionError("the computation ran although the input was already known to be bad")


@pytest.mark.parametrize(
    ("date", "says"),
    [
        ("01/12/2026", "YYYY-MM-DD"),
        ("2026/12/01", "YYYY-MM-DD"),
        ("2026-02-30", "not a calendar day"),
        ("tomorrow", "YYYY-MM-DD"),
    ],
)
def test_bad_dates_are_usage_errors(run: Run, date: str, says: str) -> None:
    code, _, err = run("route", "Almaty", "Baku", "--depart", date)
    assert code == EXIT_USAGE and says in err and "--depart" in err
    code, _, err = run("reliability", "Almaty", "Baku", "--depart", date)
    assert code == EXIT_USAGE and says in err


def test_usage_errors(run: Run) -> None:
    code, _, err = run("route", "Xian", "Duisburg", "--bogus")
    assert code == EXIT_USAGE and "No such option" in err
    code, _, err = run("route", "Xian")
    assert code == EXIT_USAGE and "Missing argument" in err
    code, _, err = run("route", "Xian", "Duisburg", "--teu", "nan")
    assert code == EXIT_USAGE and "not a finite number" in err
    code, _, err = run("route", "Xian", "Duisburg", "--top", "-1")
    assert code == EXIT_USAGE and "--top" in err
    code, _, err = run("sweep", "x.yaml", "--workers", "0")
    assert code == EXIT_USAGE and "--workers" in err
    code, _, err = run("reliability", "Almaty", "Baku", "--n", "1000000000")
    assert code == EXIT_USAGE and "--n" in err


def test_unknown_place_and_no_route(run: Run) -> None:
    code, _, err = run("route", "Xian", "Duisbrug")
    assert code == EXIT_INPUT and "Did you mean Duisburg (DEDUI)?" in err
    code, _, err = run("route", "Almaty", "Baku", "--avoid", "KZ")
    assert code == EXIT_INPUT and "which the query avoids" in err
    code, _, err = run("route", "Almaty", "Duisburg", "--max-days", "1")
    assert code == EXIT_NO_ROUTE and "within 1 days" in err


def test_negative_quantity_is_an_input_error(run: Run) -> None:
    code, _, err = run("route", "Almaty", "Baku", "--teu", "-3")
    assert code == EXIT_INPUT and "positive" in err


def test_plot_name_checked_before_the_simulation(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    import corridors.reliability

    monkeypatch.setattr(corridors.reliability, "simulate_itinerary", _never)
    code, _, err = run("reliability", "Almaty", "Baku", "--plot", "out.xyz")
    assert code == EXIT_USAGE and ".png" in err
    code, _, err = run("compare", "bundled", "caspian-x2", "--chart", "chart.xyz")
    assert code == EXIT_USAGE and ".svg" in err


def test_compare_pair_typo_is_an_error_not_an_empty_row(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import corridors.scenarios.compare

    monkeypatch.setattr(corridors.scenarios.compare, "compare_scenarios", _never)
    code, _, err = run("compare", "bundled", "caspian-x2", "--pairs", "Xian:Duisbrug")
    assert code == EXIT_INPUT and "Did you mean Duisburg" in err
    code, _, err = run("compare", "bundled", "caspian-x2", "--pairs", "Xian-Duisburg")
    assert code == EXIT_INPUT and "not FROM:TO" in err
    code, _, err = run("compare", "bundled", "no-such-scenario")
    assert code == EXIT_INPUT and "no such file or shipped scenario" in err


def test_scale_od_by_country_name_is_an_error_with_the_code(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import corridors.assignment._from_network as fn

    monkeypatch.setattr(fn, "assign_network", _never)
    code, _, err = run("flows", "--scale-od", "China:*=2.6")
    assert code == EXIT_INPUT and "Did you mean CN (China)?" in err
    code, _, err = run("flows", "--scale-od", "XX:*=2")
    assert code == EXIT_INPUT and "matches no demand zone" in err
    code, _, err = run("flows", "--scale-od", "CN:KZ=lots")
    assert code == EXIT_INPUT and "KEY=FACTOR" in err
    code, _, err = run("flows", "--scale-class", "containers=nan")
    assert code == EXIT_INPUT and "finite" in err


def test_flows_out_unwritable_or_a_file_fails_first(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import corridors.assignment._from_network as fn

    monkeypatch.setattr(fn, "assign_network", _never)
    code, _, err = run("flows", "--out", "/proc/corridors-out")  # unwritable, even for root
    assert code == EXIT_INPUT and "cannot write in /proc" in err
    f = tmp_path / "file"
    f.write_text("x")
    code, _, err = run("flows", "--out", f)
    assert code == EXIT_INPUT and "is a file" in err
    code, _, err = run("flows", "--out", tmp_path / "no" / "such")
    assert code == EXIT_INPUT and "does not exist" in err


def test_flows_demand_files_binary_and_corrupt_omx(run: Run, tmp_path: Path) -> None:
    pytest.importorskip("openmatrix")
    for name in ("demand.csv", "demand.omx", "demand.parquet"):
        p = tmp_path / name
        p.write_bytes(BINARY)
        code, _, err = run("flows", "--demand", p)
        assert code == EXIT_INPUT, (name, err)
        assert name in err
    code, _, err = run("flows", "--demand", tmp_path / "missing.csv")
    assert code == EXIT_INPUT and "does not exist" in err


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (b"name: [unclosed\n", "not valid YAML"),
        (b"- just\n- a list\n", "holds a list, not a mapping"),
        (b"name: s\ngrid: 3\n", "'grid' must map knobs"),
        (b"name: s\nsample: {n: 2}\n", "'sample' is malformed"),
        (b"name: s\n", "neither 'grid' nor 'sample'"),
        (BINARY, "not UTF-8"),
    ],
)
def test_sweep_file_problems(run: Run, tmp_path: Path, text: bytes, says: str) -> None:
    p = tmp_path / "sweep.yaml"
    p.write_bytes(text)
    code, _, err = run("sweep", p, "--out", tmp_path / "s.csv")
    assert code == EXIT_INPUT and says in err
    assert not (tmp_path / "s.csv").exists()


def test_sweep_ctrl_c_keeps_finished_runs(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd

    import corridors.scenarios.sweep as sw

    def interrupted(spec: sw.SweepSpec, **kw: object) -> pd.DataFrame:
        table = pd.DataFrame({"run": [0, 1], "error": ["", ""]})
        table.to_csv(kw["out"], index=False)  # type: ignore[arg-type]
        raise sw.SweepInterrupted(table)

    monkeypatch.setattr(sw, "run_sweep", interrupted)
    code, _, err = run("sweep", "demand-ferries-customs", "--out", tmp_path / "s.csv")
    assert code == EXIT_INTERRUPTED
    assert "2 of 12 runs had finished and are kept in" in err


def test_ctrl_c_anywhere_is_exit_130(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    import corridors.routing

    def interrupt(*_a: object, **_k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(corridors.routing, "pareto_routes", interrupt)
    code, _, err = run("route", "Almaty", "Baku")
    assert code == EXIT_INTERRUPTED and "interrupted" in err


def test_scenario_validate_lists_every_problem(run: Run, tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(
        "name: bad\nchanges:\n  - op: close_link\n  - op: scale_demand\n    factor: -2\n"
        "  - op: remove_link\n    link_id: no-such\n  - op: remove_link\n    link_id: also-no\n"
    )
    code, _, err = run("scenario", "validate", p)
    assert code == EXIT_PROBLEMS and "4 problem(s)" in err
    for word in ("close_links", "negative", "'no-such'", "'also-no'"):
        assert word in err
    p.write_bytes(BINARY)
    code, _, err = run("scenario", "validate", p)
    assert code == EXIT_PROBLEMS and "not UTF-8" in err
    p.write_text("[1, 2]\n")
    code, _, err = run("scenario", "validate", p)
    assert code == EXIT_PROBLEMS and "a scenario is a mapping" in err


def test_network_validate_binary_table(run: Run, tmp_path: Path) -> None:
    from corridors.network import bundled_network_path

    folder = tmp_path / "net"
    folder.mkdir()
    for f in bundled_network_path().iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    (folder / "nodes.csv").write_bytes(BINARY)
    code, _, err = run("network", "validate", folder)
    assert code in (EXIT_PROBLEMS, EXIT_INPUT) and "nodes.csv" in err
    code, _, err = run("route", "Almaty", "Baku", "--network", folder)
    assert code == EXIT_INPUT and "nodes.csv" in err


def test_serve_with_unreachable_database(run: Run) -> None:
    pytest.importorskip("fastapi")
    pytest.importorskip("psycopg")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    code, _, err = run("serve", "--database", f"postgresql://corridors:secret@127.0.0.1:{port}/db")
    assert code == EXIT_UNAVAILABLE and "Cannot use the database" in err
    assert "secret" not in err and "***" in err
    code, _, err = run("serve", "--database", "not a url")
    assert code == EXIT_INPUT and "not a database URL" in err


def test_missing_extra_hint_keeps_brackets(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn now raises ImportError
    code, _, err = run("serve")
    assert code == EXIT_MISSING_EXTRA and "pip install 'corridors[api]'" in err


def test_internal_error_is_one_line_and_exit_70(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    import corridors.routing

    def bug(*_a: object, **_k: object) -> None:
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(corridors.routing, "pareto_routes", bug)
    code, _, err = run("route", "Almaty", "Baku")
    assert code == EXIT_INTERNAL and "This is a bug" in err and "-v" in err


def test_json_output_is_strict_json(run: Run) -> None:
    def strict(text: str) -> object:
        def bad(c: str) -> None:
            raise ValueError(c)

        return json.loads(text, parse_constant=bad)

    code, out, _ = run("route", "Almaty", "Baku", "--json", "--top", "2")
    assert code == 0 and strict(out)


def test_print_json_replaces_non_finite(capsys: pytest.CaptureFixture[str]) -> None:
    import numpy as np

    from corridors.cli._app import print_json

    print_json({"a": float("inf"), "b": [float("nan"), 1.5], "c": np.float64("nan")})
    assert json.loads(capsys.readouterr().out) == {"a": None, "b": [None, 1.5], "c": None}


def test_sweep_unreachable_scheduler_is_service_unavailable(run: Run, tmp_path: Path) -> None:
    dask = pytest.importorskip("dask")
    pytest.importorskip("dask.distributed")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        code, _, err = run(
            "sweep",
            "demand-ferries-customs",
            "--scheduler",
            f"tcp://127.0.0.1:{port}",
            "--out",
            tmp_path / "s.csv",
        )
    assert code == EXIT_UNAVAILABLE and "Cannot reach the Dask scheduler" in err
    assert not (tmp_path / "s.csv").exists()


def test_negative_seed_and_binary_scenario(run: Run, tmp_path: Path) -> None:
    code, _, err = run("reliability", "Almaty", "Baku", "--seed", "-5")
    assert code == EXIT_USAGE and "--seed" in err
    p = tmp_path / "s.yaml"
    p.write_bytes(BINARY)
    code, _, err = run("route", "Almaty", "Baku", "--scenario", p)
    assert code == EXIT_INPUT and f"{p}: cannot be read as UTF-8 text" in err
