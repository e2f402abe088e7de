"""The public error and warning hierarchy of corridors.

Every error corridors raises on purpose is a :class:`CorridorsError`. Each subclass also
inherits the closest builtin exception, so ``except LookupError`` keeps working for code that
does not know corridors. Messages follow one form: *what* is wrong, *why* it matters, and *how to
fix it*; build them with :func:`explain`.

The REST API maps each class to an HTTP status through :attr:`CorridorsError.http_status`.
"""

from __future__ import annotations

__all__ = [
    "ContradictoryOptionsError",
    "ConvergenceWarning",
    "CorridorsError",
    "CorridorsWarning",
    "DataFileError",
    "DemandError",
    "InvalidSpecError",
    "JobError",
    "JobNotReadyError",
    "LimitExceededError",
    "MissingDependencyError",
    "NetworkValidationError",
    "NoRouteError",
    "ScenarioError",
    "ServiceUnavailableError",
    "UnknownPlaceError",
    "explain",
]


def explain(what: str, why: str | None = None, fix: str | None = None) -> str:
    """Build a what/why/how-to-fix message.

    Parameters
    ----------
    what
        The problem, naming the offending value.
    why
        Why it is a problem (optional).
    fix
        What the user can do about it (optional).

    Returns
    -------
    str
        One message, sentences separated by spaces.

    Examples
    --------
    >>> explain("Unknown place 'Aktu'.", fix="Did you mean 'Aktau' (KZAAU)?")
    "Unknown place 'Aktu'. Did you mean 'Aktau' (KZAAU)?"
    """
    parts = [what.strip()]
    if why:
        parts.append(why.strip())
    if fix:
        parts.append(fix.strip())
    return " ".join(parts)


class CorridorsError(Exception):
    """Base class of every error corridors raises on purpose."""

    http_status: int = 400


class UnknownPlaceError(LookupError, CorridorsError):
    """A place (node id or name) that is not in the network."""

    http_status = 404


class NoRouteError(CorridorsError):
    """No itinerary connects origin and destination under the given constraints."""

    http_status = 422


class ContradictoryOptionsError(ValueError, CorridorsError):
    """Options that cannot hold together (e.g. avoiding the origin's own country)."""

    http_status = 422


class InvalidSpecError(ValueError, CorridorsError):
    """A specification object (route, assignment, sweep) with an invalid field."""

    http_status = 422


class DataFileError(ValueError, CorridorsError):
    """A data file that cannot be read: missing, malformed, wrong columns."""

    http_status = 422


class NetworkValidationError(ValueError, CorridorsError):
    """A network whose tables break the data model; carries every problem found.

    Parameters
    ----------
    problems
        One line per problem, each naming file, row and the fix.
    """

    http_status = 422

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        head = f"The network has {len(self.problems)} problem(s):"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))


class DemandError(ValueError, CorridorsError):
    """An origin-destination demand matrix that is malformed or names unknown zones."""

    http_status = 422


class ScenarioError(ValueError, CorridorsError):
    """A scenario that cannot be parsed or applied."""

    http_status = 422


class JobError(CorridorsError):
    """A background job that does not exist or failed."""

    http_status = 404


class JobNotReadyError(JobError):
    """A job that exists but has no result (still queued or running, or failed)."""

    http_status = 409


class LimitExceededError(InvalidSpecError):
    """A request or input larger than a stated limit (samples, runs, changes, bytes, jobs).

    Parameters
    ----------
    message
        What/why/fix text; it states the limit.
    field
        The offending field (``"n"``, ``"changes"``, ``"body"``…).
    limit
        The limit's value.
    status
        HTTP status for the REST API (422 by default; 413 for bodies, 429 for load).
    """

    http_status = 422

    def __init__(
        self, message: str, *, field: str, limit: float | int, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.field = field
        self.limit = limit
        if status is not None:
            self.http_status = status


class ServiceUnavailableError(CorridorsError):
    """A service the call needs (the database) is down or read-only for now; retry later."""

    http_status = 503

    def __init__(self, message: str, *, retry_after_s: int = 5) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class MissingDependencyError(ImportError, CorridorsError):
    """An optional dependency (extra) needed for this call is not installed."""

    http_status = 501


class CorridorsWarning(UserWarning):
    """Input that is legal but suspicious, with the domain reason."""


class ConvergenceWarning(CorridorsWarning):
    """An iterative algorithm stopped before reaching its target gap."""
