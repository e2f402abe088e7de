"""``python -m corridors.cli`` runs the CLI (as ``python -m corridors`` and ``corridors`` do)."""

from corridors.cli import main

main()
