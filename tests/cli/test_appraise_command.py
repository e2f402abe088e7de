"""``corridors appraise``: tables and files for a shipped project; bad files are input errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corridors.cli import main
from corridors.cli._app import EXIT_INPUT, EXIT_MISSING_EXTRA


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_appraise_prints_tables_and_writes_charts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = ("appraise", "customs-halved", "--years", "2026", "--demand-range", "")
    code, out, err = _run(
        capsys, *args, "--switching-runs", "0", "--gap", "1e-4", "--out", str(tmp_path)
    )
    assert code == 0, err
    for title in (
        "Decision figures",
        "by who gets it",
        "Sensitivity",
        "Operator revenue by country",
    ):
        assert title in out
    assert (tmp_path / "tornado.png").stat().st_size > 10_000
    assert (tmp_path / "cashflows.png").is_file()
    doc = json.loads((tmp_path / "appraisal.json").read_text())
    assert doc["project"]["name"] == "customs-halved"
    assert doc["summary"]["npv_usd_m"] is not None


def test_appraise_bad_project_file_is_an_input_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text("name: bad\nscenario: customs-halved\nlifetime_years: -3\n")
    code, _, err = _run(capsys, "appraise", str(p))
    assert code == EXIT_INPUT
    assert "lifetime_years = -3 is below 1" in err and "Traceback" not in err
    code, _, err = _run(capsys, "appraise", "no-such-project")
    assert code == EXIT_INPUT and "no such file or shipped project" in err


def test_appraise_out_without_plots_extra_fails_before_computing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import corridors.appraisal

    def _never(*_: object, **__: object) -> None:
        raise AssertionError("the appraisal ran although its charts cannot be written")

    monkeypatch.setitem(__import__("sys").modules, "matplotlib", None)  # import -> ImportError
    monkeypatch.setattr(corridors.appraisal, "appraise", _never)
    code, _, err = _run(capsys, "appraise", "customs-halved", "--out", str(tmp_path))
    assert code == EXIT_MISSING_EXTRA
    assert "corridors[plots]" in err and "Traceback" not in err
