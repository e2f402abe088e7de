"""Sourced reliability parameters (``data/reliability.csv``) and their lookup."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from corridors.errors import DataFileError, explain

__all__ = ["ReliabilityParameters", "load_reliability_parameters", "reliability_csv_path"]

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
COLUMNS = ("scope", "parameter", "value", "source", "year", "note")


def reliability_csv_path() -> Path:
    """Path of the bundled ``reliability.csv``."""
    return Path(str(resources.files("corridors") / "data" / "reliability.csv"))


@dataclass(frozen=True)
class ReliabilityParameters:
    """Figures that drive the Monte Carlo (coefficients of variation, cancellation odds).

    Parameters
    ----------
    values
        ``(scope, parameter) → value``; scope is ``"global"`` or ``"class:<link_class>"``.
        A class figure overrides the global one; a figure absent from both is 0.

    Parameters used: ``run_time_cv`` (coefficient of variation of running time),
    ``handling_cv`` (terminal handling and transfers, global only), ``sailing_cancel_prob``
    (probability that a sailing is cancelled, annual) and ``sailing_cancel_prob_<mon>``
    (the same for one month, ``jan`` … ``dec``).

    Examples
    --------
    >>> p = ReliabilityParameters({("global", "run_time_cv"): 0.1,
    ...                            ("class:rail_eu", "run_time_cv"): 0.2})
    >>> p.get("rail_eu", "run_time_cv"), p.get("rail_cn", "run_time_cv"), p.get("x", "nothing")
    (0.2, 0.1, 0.0)
    """

    values: Mapping[tuple[str, str], float] = field(default_factory=dict)

    def get(self, link_class: str, parameter: str) -> float:
        """The figure for a link class, else the global one, else 0."""
        key = (f"class:{link_class}", parameter)
        if link_class and key in self.values:
            return float(self.values[key])
        return float(self.values.get(("global", parameter), 0.0))

    def cancel_prob(self, link_class: str, when: dt.date | None) -> float:
        """Probability that one sailing of ``link_class`` is cancelled (month-specific if known)."""
        if when is not None:
            key = (f"class:{link_class}", f"sailing_cancel_prob_{MONTHS[when.month - 1]}")
            if key in self.values:
                return float(self.values[key])
        return self.get(link_class, "sailing_cancel_prob")

    def with_values(self, values: Mapping[tuple[str, str], float]) -> ReliabilityParameters:
        """A copy with some figures replaced or added."""
        return ReliabilityParameters({**self.values, **values})


def load_reliability_parameters(path: str | Path | None = None) -> ReliabilityParameters:
    """Read reliability figures from a CSV (default: the bundled ``reliability.csv``).

    Parameters
    ----------
    path
        CSV with columns ``scope, parameter, value, source, year, note``.

    Raises
    ------
    DataFileError
        For a missing file, missing columns, a value that is not a number, a CV or probability
        out of range, or a row without provenance.
    """
    file = reliability_csv_path() if path is None else Path(path)
    if not file.is_file():
        raise DataFileError(explain(f"{file}: no such reliability file."))
    table = pd.read_csv(file, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise DataFileError(explain(f"{file.name}: missing columns {missing}."))
    values: dict[tuple[str, str], float] = {}
    problems = []
    for i, row in table.iterrows():
        line = int(str(i)) + 2
        try:
            v = float(row["value"])
        except ValueError:
            problems.append(f"line {line}: value {row['value']!r} is not a number")
            continue
        if not (0.0 <= v <= (1.0 if "prob" in row["parameter"] else 5.0)):
            problems.append(f"line {line}: {row['parameter']} = {v} is out of range")
        if not row["source"] or (row["source"] == "estimate" and not row["note"]):
            problems.append(f"line {line}: give a source id, or 'estimate' with a method note")
        values[(row["scope"], row["parameter"])] = v
    if problems:
        raise DataFileError(
            explain(
                f"{file.name} has problems: " + "; ".join(problems) + ".",
                fix="Fix the rows; see corridors/data/RELIABILITY.md.",
            )
        )
    return ReliabilityParameters(values)
