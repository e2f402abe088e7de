"""Calibration of the mode/corridor/route choice model against observed counts and times.

Load observations (:func:`load_observations`), build the route set
(:func:`corridors.assignment.sue.build_problem`) and call :func:`calibrate`; the result holds the
parameters (with provenance), the equilibrium at them and the observed-vs-modelled table of the
fit and holdout splits. :func:`plot_calibration` draws the scatter and
:func:`calibration_markdown` the docs page (``docs/calibration.md``).
"""

from __future__ import annotations

from corridors.calibration.fit import (
    CalibrationResult,
    calibrate,
    calibration_markdown,
    evaluate,
    geh,
    plot_calibration,
    predict,
)
from corridors.calibration.observations import (
    OBSERVATIONS_FILE,
    Observations,
    load_observations,
    observations_from_frame,
)

__all__ = [
    "OBSERVATIONS_FILE",
    "CalibrationResult",
    "Observations",
    "calibrate",
    "calibration_markdown",
    "evaluate",
    "geh",
    "load_observations",
    "observations_from_frame",
    "plot_calibration",
    "predict",
]
