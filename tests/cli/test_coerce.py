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
