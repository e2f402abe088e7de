"""Progress reporting as data: the library calls a callback, adapters draw it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Progress:
    """One progress update.

    Attributes
    ----------
    task
        Short name of the running task (e.g. ``"assignment"``).
    done
        Units done so far.
    total
        Units in all, or ``None`` when unknown.
    message
        Optional status line (e.g. ``"gap 3.2e-05"``).
    """

    task: str
    done: float
    total: float | None = None
    message: str = ""


class ProgressCallback(Protocol):
    """Callable that receives :class:`Progress` updates."""

    def __call__(self, update: Progress, /) -> None: ...


def no_progress(update: Progress, /) -> None:
    """Default progress callback: does nothing."""
