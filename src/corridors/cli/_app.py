"""The typer application object, global options, exit codes and shared console helpers.

Import-light on purpose: ``corridors --help`` and usage errors load typer and rich only; each
command imports the library inside its body.
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

import typer

from corridors.cli import _coerce

_coerce.install()  # plain options without pydantic: usage errors stay fast

# Exit codes (documented in ``corridors --help`` and docs/cli.md).
EXIT_OK = 0
EXIT_PROBLEMS = 1  # a check ran and found problems (validate), or sweep runs failed
EXIT_USAGE = 2  # unknown option, missing argument, malformed option value
EXIT_INPUT = 3  # input data or file: unreadable, malformed, unknown place, bad scenario
EXIT_NO_ROUTE = 4  # no itinerary satisfies the constraints
EXIT_UNAVAILABLE = 5  # a service is unreachable (database, Dask scheduler)
EXIT_MISSING_EXTRA = 6  # an optional dependency (extra) is not installed
EXIT_INTERNAL = 70  # a bug in corridors (run with -v for the traceback)
EXIT_INTERRUPTED = 130  # Ctrl-C

EPILOG = (
    "Exit codes: 0 ok; 1 a check found problems (validate) or sweep runs failed; "
    "2 usage error; 3 bad input data or file; 4 no route under the constraints; "
    "5 service unavailable (database, Dask scheduler); 6 optional extra not installed; "
    "70 internal error (a bug: rerun with -v and report it); 130 interrupted (Ctrl-C)."
)

CONTEXT = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    name="corridors",
    help="Plan freight on the Eurasian corridors centred on Kazakhstan.",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings=CONTEXT,
    rich_markup_mode=None,
)


class _LazyConsole:
    """A rich ``Console`` made on first use (``--help`` and usage errors never load rich)."""

    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Any = None

    @property
    def rich(self) -> Any:
        """The ``rich.console.Console`` itself (for rich objects that take one)."""
        if self._console is None:
            from rich.console import Console

            stream = sys.stderr if self._stderr else sys.stdout
            self._console = Console(stderr=self._stderr, width=None if stream.isatty() else 160)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.rich, name)


def escape(text: str) -> str:
    """``text`` with rich markup escaped (shown verbatim)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


console: Any = _LazyConsole(stderr=False)
console_err: Any = _LazyConsole(stderr=True)


@dataclass
class State:
    """Global options: ``verbosity`` -1 (quiet), 0, 1 (-v: info, tracebacks), 2 (-vv: debug)."""

    verbosity: int = 0
    interrupt_reported: bool = False  # a command already said what Ctrl-C left behind

    @property
    def quiet(self) -> bool:
        return self.verbosity < 0


state = State()


def sub_app(help_text: str) -> typer.Typer:
    """A command group with the same -h/--help and markup settings as the main app."""
    return typer.Typer(
        help=help_text,
        no_args_is_help=True,
        context_settings=CONTEXT,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
    )


def _version(value: bool) -> None:
    if value:
        from corridors import __version__

        typer.echo(f"corridors {__version__}")
        raise typer.Exit(0)


@app.callback()
def _global_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose",
            "-v",
            count=True,
            help="More output: -v info messages and tracebacks of internal errors, -vv debug.",
        ),
    ] = 0,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Only results and errors: no progress, no notes.")
    ] = False,
) -> None:
    """Plan freight on the Eurasian corridors centred on Kazakhstan."""
    state.verbosity = -1 if quiet else verbose
    state.interrupt_reported = False
    if verbose:
        import logging

        logging.basicConfig(
            level=logging.DEBUG if verbose > 1 else logging.INFO,
            format="%(levelname)s %(name)s: %(message)s",
        )


def note(text: str) -> None:
    """A status line on stderr (not with -q); ``text`` is plain, never markup."""
    if not state.quiet:
        console_err.print(text, markup=False, highlight=False, soft_wrap=True)


def status(text: str) -> Any:
    """A transient spinner on stderr while a slow step runs (silent with -q or no tty)."""
    if state.quiet:
        return contextlib.nullcontext()
    if not console_err.is_terminal:
        console_err.print(text, markup=False, highlight=False, soft_wrap=True)
        return contextlib.nullcontext()
    return console_err.status(escape(text))


def error(text: str) -> None:
    """Print ``error: text`` on stderr; the text is shown verbatim (``[api]`` stays)."""
    console_err.print("[bold red]error:[/] " + escape(text), highlight=False, soft_wrap=True)


def problem_list(where: str, problems: list[str]) -> None:
    """``N problem(s) in WHERE:`` then one ``  - problem`` line each, on stderr, unwrapped."""
    console_err.print(
        f"[bold red]{len(problems)} problem(s)[/] in {escape(where)}:", soft_wrap=True
    )
    for p in problems:
        console_err.print(f"  - {p}", highlight=False, markup=False, soft_wrap=True)


def _finite(value: Any) -> Any:
    """JSON-safe copy: NaN and ±inf become ``null`` (strict JSON has neither)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return _finite(value.item())
    return value


def print_json(data: Any) -> None:
    """Write machine output to stdout as strict JSON (no NaN/Infinity, no rich markup)."""
    typer.echo(
        json.dumps(_finite(data), indent=2, default=str, ensure_ascii=False, allow_nan=False)
    )


def finite(value: Any) -> Any:
    """Option callback: refuse NaN and infinity (``--teu nan`` is not a quantity)."""
    values = value if isinstance(value, list | tuple) else [value]
    for v in values:
        if isinstance(v, float) and not math.isfinite(v):
            raise typer.BadParameter(f"{v} is not a finite number; give a plain number.")
    return value


def task_bar(*, disable: bool, counted: bool = False) -> Any:
    """A transient progress bar on stderr: task name, bar, the latest message, elapsed time.

    Add a task with a ``msg`` field (``bar.add_task(name, total=None, msg="")``) and feed it
    the library's progress updates; ``counted`` adds a "done/total" column.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns: list[ProgressColumn] = [TextColumn("[bold]{task.description}"), BarColumn()]
    if counted:
        columns.append(MofNCompleteColumn())
    columns += [TextColumn("{task.fields[msg]}"), TimeElapsedColumn()]
    return Progress(*columns, console=console_err.rich, transient=True, disable=disable)


@contextlib.contextmanager
def drawn_progress(
    name: str, *, disable: bool = False, total: float | None = None, counted: bool = False
) -> Iterator[Callable[[Any], None]]:
    """Draw the library's :class:`~corridors._progress.Progress` updates while the block runs.

    Yields the callback to pass as ``progress=``; silent with ``disable`` or ``-q``.
    """
    with task_bar(disable=disable or state.quiet, counted=counted) as bar:
        task = bar.add_task(name, total=total, msg="")

        def tick(u: Any) -> None:
            bar.update(task, completed=u.done, total=u.total or total, msg=u.message)

        yield tick


def compiling_notice(*kernels: str) -> None:
    """Say "compiling kernels (first run only)" when numba's cache lacks any of ``kernels``.

    Each kernel is ``package.module.function`` below ``corridors`` (e.g.
    ``"assignment._kernels.dijkstra"``): the ones the command is about to run.
    """
    from corridors._cache import kernels_compiled
    from corridors._jit import interpreted

    for kernel in kernels:
        package, module, function = kernel.split(".")
        if interpreted(f"corridors.{package}.{module}"):
            continue
        if not kernels_compiled(package, module, function):
            note("compiling kernels (first run only; later runs reuse them) ...")
            return


INTERPRET_MAX_ARCS = 5_000
"""Largest graph (arcs) on which a one-shot routing command runs its kernel interpreted."""


def _one_query_kernels(net: Any) -> None:
    """A command that routes once on a small network runs the routing kernel as plain Python.

    The bundled network (~750 arcs) answers a Pareto query in 2-10 ms interpreted, against
    ~0.5 s CPU to import numba and load the compiled kernel (~6 s to compile it on a first
    run). Same code, same results; ``CORRIDORS_JIT=1`` forces the compiled kernel.
    """
    import logging
    import os

    from corridors import _jit
    from corridors.network.enums import Cargo

    module = "corridors.routing._kernels"
    if os.environ.get("CORRIDORS_JIT") == "1" or module in sys.modules:
        return
    arcs = max(net.graph(c).n_arcs for c in Cargo)
    if arcs <= INTERPRET_MAX_ARCS:
        _jit.interpret(module)
        logging.getLogger(__name__).info("routing kernel interpreted (graph of %d arcs)", arcs)


def load_net(path: Any = None, scenario: str | None = None, *, one_query: bool = False) -> Any:
    """The network a command works on: cached base network, then the scenario if given.

    ``one_query``: the command routes once (``route``, ``reliability``); see
    :func:`_one_query_kernels`.
    """
    from corridors.network._cache import load_network_cached

    def prepare(fresh: Any) -> None:  # on a cache miss: store the default cost figures too
        if one_query:
            _one_query_kernels(fresh)  # before routing is imported
        from corridors.routing.search import warm_figures

        warm_figures(fresh)

    net = load_network_cached(path, prepare=prepare)
    if scenario:
        from corridors.scenarios import apply_scenario

        net = apply_scenario(net, scenario)[0]
    if one_query:
        _one_query_kernels(net)
    return net


def parse_date(text: str | None, option: str = "--depart") -> Any:
    """An ISO date ``YYYY-MM-DD`` (a real calendar day), or a usage error saying what is wrong."""
    if text is None:
        return None
    import datetime as dt
    import re

    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        raise typer.BadParameter(
            f"{text!r} is not a date in the form YYYY-MM-DD (e.g. 2026-12-01); "
            "other forms (01/12/2026, 2026/12/01) are ambiguous.",
            param_hint=option,
        )
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise typer.BadParameter(
            f"{text!r} is not a calendar day ({exc}). Give a real date, e.g. 2026-02-28.",
            param_hint=option,
        ) from None
