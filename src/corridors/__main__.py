"""``python -m corridors`` runs the CLI."""

from corridors.cli import main

main()
