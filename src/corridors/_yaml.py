"""Bounded YAML reading for user documents (scenarios, sweeps).

``yaml.safe_load`` is safe from code execution but not from size: aliases let a few hundred
bytes expand into gigabytes once the document is copied (the "billion laughs" bomb), and deep
nesting exhausts the stack. :func:`load_yaml` refuses aliases and caps the text size, the
nesting depth and the number of nodes *while composing*, before any object is built, so a
hostile document is refused in milliseconds.
"""

from __future__ import annotations

from typing import Any

import yaml

from corridors.errors import LimitExceededError, ScenarioError, explain

__all__ = ["MAX_DEPTH", "MAX_NODES", "MAX_YAML_BYTES", "load_yaml"]

MAX_YAML_BYTES = 1_000_000
"""Largest YAML document accepted (bytes of text)."""
MAX_DEPTH = 32
"""Deepest nesting of mappings and lists."""
MAX_NODES = 200_000
"""Most scalars, mappings and lists in one document."""


class _BoundedLoader(yaml.SafeLoader):
    """A SafeLoader that rejects aliases and counts depth and nodes while composing."""

    what = "document"

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            mark = event.start_mark
            raise ScenarioError(
                explain(
                    f"The {self.what} uses a YAML alias (*{event.anchor}) at line "
                    f"{mark.line + 1}, column {mark.column + 1}.",
                    why="Aliases can expand a few bytes into gigabytes; they are not accepted.",
                    fix="Write the repeated values out in full.",
                )
            )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise LimitExceededError(
                explain(
                    f"The {self.what} has more than {MAX_NODES:,} YAML nodes.",
                    fix="Split it into smaller documents.",
                ),
                field="yaml",
                limit=MAX_NODES,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise LimitExceededError(
                    explain(
                        f"The {self.what} nests deeper than {MAX_DEPTH} levels.",
                        fix="Flatten it; scenarios need only a few levels.",
                    ),
                    field="yaml",
                    limit=MAX_DEPTH,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load_yaml(text: str, *, what: str = "document") -> Any:
    """Parse YAML text with the limits of this module.

    Parameters
    ----------
    text
        The YAML text.
    what
        Name of the document for messages (``"scenario 'x'"``).

    Returns
    -------
    object
        The parsed document (plain Python objects, as ``yaml.safe_load``).

    Raises
    ------
    corridors.errors.ScenarioError
        When the text does not parse or uses an alias.
    corridors.errors.LimitExceededError
        When it is larger, deeper or has more nodes than the limits.

    Examples
    --------
    >>> load_yaml("a: [1, 2]")
    {'a': [1, 2]}
    >>> load_yaml("a: &x [1]\\nb: *x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    corridors.errors.ScenarioError: The document uses a YAML alias (*x) ...
    """
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_YAML_BYTES:
        raise LimitExceededError(
            explain(
                f"The {what} is {size:,} bytes, above the limit of {MAX_YAML_BYTES:,}.",
                fix="Split it into smaller documents.",
            ),
            field="yaml",
            limit=MAX_YAML_BYTES,
            status=413,
        )
    loader = _BoundedLoader(text)
    loader.what = what
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise ScenarioError(explain(f"The {what} is not valid YAML: {exc}.")) from exc
    finally:
        loader.dispose()
