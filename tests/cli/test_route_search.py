"""``corridors route``: a capped or approximate search says so; cargo classes with --congested."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import Run

Q = ("route", "Xi'an", "Duisburg", "--teu", "1")


def test_a_capped_search_prints_one_readable_line(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import corridors.routing.search as search

    monkeypatch.setattr(search, "MAX_LABELS", 20)
    code, out, err = run(*Q, "--eps", "0")
    assert code == 0 and "Xi'an" in out  # the options are still there
    lines = [ln for ln in err.splitlines() if "capped" in ln]
    assert len(lines) == 1, err
    line = lines[0]
    assert "Search capped at 20 labels" in line and "partial routes dropped" in line
    assert "--eps 0" in line and "--max-days" in line  # how to get an exact answer
    assert "ParetoReport(" not in err  # the library's log record stays off stderr
    assert "%" in line or "no bound" in line  # the guaranteed ε, or that none holds


def test_json_carries_the_search_report(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    import corridors.routing.search as search

    monkeypatch.setattr(search, "MAX_LABELS", 20)
    code, out, _ = run(*Q, "--eps", "0", "--json")
    assert code == 0
    s = json.loads(out)["search"]
    assert s["capped"] is True and s["max_labels"] == 20 and s["dropped"] > 0
    assert s["exact"] is False and s["labels"] >= 20
    assert s["dropped_at"] and all(d["labels"] > 0 for d in s["dropped_at"])
    assert sum(d["labels"] for d in s["dropped_at"]) <= s["dropped"]
    # place names, not node ids (a port's vertices are summed into one row)
    places = [d["place"] for d in s["dropped_at"]]
    assert len(places) == len(set(places)) and any(" " in p or p.istitle() for p in places)
    assert s["eps_bound"] is None or s["eps_bound"] >= 0.0


def test_an_uncapped_search_reports_its_eps(run: Run) -> None:
    code, out, _ = run(*Q, "--eps", "0.05", "--json")
    assert code == 0
    s = json.loads(out)["search"]
    assert s["capped"] is False and s["dropped"] == 0 and s["dropped_at"] == []
    assert s["eps"] == s["eps_bound"] == 0.05 and s["exact"] is False
    code, _, err = run(*Q, "--eps", "0.05")
    assert code == 0 and "within 5.0%" in err and "--eps 0 gives the exact set" in err
    code, out, err = run(*Q, "--eps", "0")
    assert code == 0 and "Approximate" not in err and "capped" not in err
    code, out, _ = run(*Q, "--eps", "0", "--json")
    assert json.loads(out)["search"]["exact"] is True


def test_route_congested_takes_a_cargo_class(run: Run) -> None:
    argv = ("route", "Urumqi", "Almaty", "--teu", "2", "--congested", "--no", "sea", "--no", "air")
    code, out, err = run(*argv, "--cargo", "container_hv", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["cargo"] == "container" and d["cargo_class"] == "container_hv"
    assert d["options"] and all("congested" in o["tags"] for o in d["options"])
    code, out, _ = run(*argv, "--cargo", "container", "--json")
    std = json.loads(out)
    assert std["cargo_class"] == "container_std"
    # same network and waits; a high-value class weighs time more in the ranking
    assert {o["corridor"] for o in d["options"]} == {o["corridor"] for o in std["options"]}
