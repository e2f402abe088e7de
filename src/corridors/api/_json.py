"""JSON plumbing: make library dicts safe for strict JSON (no NaN, numpy scalars as Python)."""

from __future__ import annotations

import math
from typing import Any


def json_safe(value: Any) -> Any:
    """Copy ``value`` with NaN/inf as ``None`` and numpy scalars/arrays as Python values."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str | int | bool) or value is None:
        return value
    if hasattr(value, "tolist"):
        return json_safe(value.tolist())
    if hasattr(value, "item"):
        return json_safe(value.item())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
