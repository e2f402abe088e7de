"""Calibration of the mode/corridor/route choice model against observed counts and times.

Load observations (:func:`load_observations`), build the route set
(:func:`corridors.assignment.sue.build_problem`) and call :func:`calibrate`; the result holds the
parameters (with provenance), the equilibrium at them and the observed-vs-modelled table of the
fit and holdout splits. The objective (counts, times, a congestion penalty, a prior) is in
:mod:`corridors.calibration.objective`; :func:`plot_calibration` draws the scatter,
:func:`done_when` checks the issue's criteria and :func:`calibration_markdown` writes the docs
page (``docs/calibration.md``).
"""

from __future__ import annotations

from corridors.calibration.fit import CalibrationResult, calibrate, evaluate
from corridors.calibration.objective import DEFAULT_FREE, Objective, ObjectiveSpec
from corridors.calibration.observations import (
    OBSERVATIONS_FILE,
    Observations,
    load_observations,
    observations_from_frame,
)
from corridors.calibration.page import calibration_markdown
from corridors.calibration.report import done_when, grain_for_iran, plot_calibration
from corridors.calibration.targets import Predictor, geh, observation_table, predict

__all__ = [
    "DEFAULT_FREE",
    "OBSERVATIONS_FILE",
    "CalibrationResult",
    "Objective",
    "ObjectiveSpec",
    "Observations",
    "Predictor",
    "calibrate",
    "calibration_markdown",
    "done_when",
    "evaluate",
    "geh",
    "grain_for_iran",
    "load_observations",
    "observation_table",
    "observations_from_frame",
    "plot_calibration",
    "predict",
]
