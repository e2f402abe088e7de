"""Option values converted without pydantic: same checks, same messages, exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from corridors.cli._app import EXIT_USAGE
from tests.cli.conftest import Run


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--teu", "lots"), "Input should be a valid number"),
        (("--teu", "nan"), "not a finite number"),
        (("--top", "0"), "greater than or equal to 1"),
        (("--eps", "2"), "less than or equal to 1"),
        (("--max-transshipments", "1.5"), "valid integer"),
    ],
)
def test_bad_values_are_usage_errors(run: Run, args: tuple[str, ...], message: str) -> None:
    code, _, err = run("route", "Almaty", "Baku", *args)
    assert code == EXIT_USAGE and message in err and args[0] in err


def test_good_values_convert(run: Run) -> None:
    code, out, _ = run("route", "Almaty", "Baku", "--teu", "2.5", "--top", "2", "--json")
    got = json.loads(out)
    assert code == 0 and got["quantity"] == 2.5 and got["unit"] == "TEU"
    assert 1 <= len(got["options"]) <= 2


def test_usage_error_and_help_import_neither_pydantic_nor_rich() -> None:
    code = (
        "import sys\n"
        "from corridors.cli import main\n"
        "for argv in (['route', 'Almaty', '--teu', 'x'], ['route', '--help'], ['route']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit as e:\n"
        "        assert e.code in (0, 2), e.code\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'rich', 'numba'}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr


FALLBACK_CASES = [
    (["--teu", "lots"], "Input should be a valid number"),
    (["--teu", "nan"], "not a finite number"),
    (["--top", "0"], "greater than or equal to 1"),
    (["--eps", "2"], "less than or equal to 1"),
    (["--max-transshipments", "1.5"], "valid integer"),
]


def test_without_the_private_hook_typer_gives_the_same_errors() -> None:
    """The fallback: install() leaves typer alone (as with a typer lacking the hook), and
    typer's own converter gives the same usage errors and exit code 2."""
    code = (
        "import contextlib, io, json, sys\n"
        "import typer.core as core\n"
        "core.build_runtime_param.corridors_plain = True  # install() must leave typer alone\n"
        "from corridors.cli import main\n"
        "from corridors.cli import _coerce\n"
        "out = []\n"
        f"for argv, _ in {FALLBACK_CASES!r} + [(['--teu', '2.5', '--top', '2'], '')]:\n"
        "    err = io.StringIO()\n"
        "    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):\n"
        "        try:\n"
        "            main(['-q', 'route', 'Almaty', 'Baku', *argv])\n"
        "        except SystemExit as e:\n"
        "            out.append([e.code, err.getvalue()])\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    got = json.loads(done.stdout.strip().splitlines()[-1])
    for (argv, message), (exit_code, err) in zip(FALLBACK_CASES, got, strict=False):
        assert exit_code == EXIT_USAGE and message in err and argv[0] in err, (argv, err)
        assert "Traceback" not in err
    assert got[-1][0] in (0, None)  # good values still convert


def test_install_leaves_an_unknown_typer_layout_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer import _coercion, core

    from corridors.cli import _coerce

    def sentinel(descriptor: object) -> object:
        return descriptor

    monkeypatch.setattr(core, "build_runtime_param", sentinel)
    monkeypatch.setattr(_coercion, "RuntimeParam", type("RuntimeParam", (), {}))  # no hook
    _coerce.install()
    assert core.build_runtime_param is sentinel
    monkeypatch.delattr(_coercion, "RuntimeParam")
    _coerce.install()
    assert core.build_runtime_param is sentinel
