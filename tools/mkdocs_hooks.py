"""MkDocs hooks: pages that are generated from the code, so they cannot drift from it.

Markers replaced in a page's Markdown:

- ``<!-- cli-reference -->``: every ``corridors`` command with its options (from the typer app);
- ``<!-- scenario-ops -->``: the scenario operations and their fields (``corridors.scenarios.OPS``);
- ``<!-- sweep-knobs -->``: the sweep knobs and the changes each makes (``KNOBS``);
- ``<!-- benchmark-results -->``: every ``benchmarks/results/*.md`` as written by the runs;
- a line ``::: dotted.name``: that function's or class's signature and docstring summary.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def on_page_markdown(markdown: str, **_: Any) -> str:
    if "<!-- cli-reference -->" in markdown:
        markdown = markdown.replace("<!-- cli-reference -->", cli_reference())
    if "<!-- scenario-ops -->" in markdown:
        markdown = markdown.replace("<!-- scenario-ops -->", scenario_ops())
    if "<!-- sweep-knobs -->" in markdown:
        markdown = markdown.replace("<!-- sweep-knobs -->", sweep_knobs())
    if "<!-- benchmark-results -->" in markdown:
        markdown = markdown.replace("<!-- benchmark-results -->", benchmark_results())
    return re.sub(r"^::: ([\w.]+)\s*$", lambda m: api_entry(m.group(1)), markdown, flags=re.M)


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def cli_reference() -> str:
    import typer

    from corridors.cli import app

    root = typer.main.get_command(app)
    out: list[str] = []

    def walk(cmd: Any, path: list[str]) -> None:
        if hasattr(cmd, "commands"):  # a group (typer may bring its own click)
            for name in sorted(cmd.commands):
                walk(cmd.commands[name], [*path, name])
            return
        out.append(f"### `{' '.join(path)}`\n")
        out.append(inspect.cleandoc(cmd.help or "").split("\n\n")[0] + "\n")
        args = [p for p in cmd.params if type(p).__name__.endswith("Argument")]
        if args:
            out.append("Arguments: " + ", ".join(f"`{a.name.upper()}`" for a in args) + "\n")
        opts = [p for p in cmd.params if type(p).__name__.endswith("Option") and p.name != "help"]
        if opts:
            out.append("| option | default | what |\n|---|---|---|")
            for p in opts:
                names = ", ".join(f"`{o}`" for o in [*p.opts, *p.secondary_opts])
                default = "" if p.default in (None, (), [], False, "") else f"`{p.default}`"
                out.append(f"| {names} | {_cell(default)} | {_cell(p.help or '')} |")
            out.append("")
        out.append("")

    walk(root, ["corridors"])
    return "\n".join(out)


def scenario_ops() -> str:
    from corridors.scenarios import OPS

    def fields(spec: dict[str, Any]) -> str:
        return ", ".join(f"`{k}`" for k in spec) or "—"

    rows = ["| op | what it does | required fields | optional fields |", "|---|---|---|---|"]
    for name, op in OPS.items():
        extra = " (plus any column of the table)" if op.free_fields else ""
        rows.append(
            f"| `{name}` | {_cell(op.doc)} | {fields(dict(op.required))}{extra} | "
            f"{fields(dict(op.optional))} |"
        )
    return "\n".join(rows) + "\n"


def sweep_knobs() -> str:
    import json

    from corridors.scenarios.sweep import KNOBS

    rows = ["| knob | scenario changes for a value `v` (shown for v = 2) |", "|---|---|"]
    for name, fn in KNOBS.items():
        if name == "fail":
            continue
        rows.append(f"| `{name}` | `{_cell(json.dumps(fn(2.0)))}` |")
    return "\n".join(rows) + "\n"


def benchmark_results() -> str:
    parts = []
    for path in sorted((ROOT / "benchmarks" / "results").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"^(#+) ", lambda m: "#" * (len(m.group(1)) + 2) + " ", text, flags=re.M)
        parts.append(f"## `{path.name}`\n\n{text}\n")
    return "\n".join(parts)


def api_entry(dotted: str) -> str:
    module, _, name = dotted.rpartition(".")
    obj = getattr(importlib.import_module(module), name)
    try:
        sig = str(inspect.signature(obj))
    except (TypeError, ValueError):
        sig = "(...)"
    doc = inspect.cleandoc(obj.__doc__ or "").split("\n\n")[0]
    kind = "class" if inspect.isclass(obj) else "def"
    return f"#### `{name}`\n\n```python\n{kind} {dotted}{sig}\n```\n\n{doc}\n"
