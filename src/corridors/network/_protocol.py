"""What the network's lower layers read of a network, as a protocol (no import of the model).

Resolution (``_resolve``), compilation (``_arcs``, ``_csr``), capacities (``_capacity``), the
cost model (``costs``) and the data-quality report take any object with these members;
:class:`corridors.network.model.Network` is the one that has them. So the model imports the
layers below it and none of them imports the model: the package's import graph has no cycle
(``tests/network/test_imports.py`` checks it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["ArcStructure", "NetworkTables", "Tables"]

Tables = dict[str, "pd.DataFrame"]
"""The tables of a network by file stem (``"nodes"``, ``"links"``…), numbers parsed."""


class NetworkTables(Protocol):
    """A network as the layers below the model see it: tables, resolved views, parameters."""

    @property
    def tables(self) -> Tables:
        """The raw tables as read (see :class:`~corridors.network.model.Network`)."""

    @property
    def name(self) -> str:
        """A label for the network."""

    @property
    def nodes(self) -> pd.DataFrame:
        """Node table indexed by ``node_id``."""

    @property
    def links(self) -> pd.DataFrame:
        """Directed, resolved link table (one row per usable direction)."""

    def parameter(self, scope: str, name: str, default: float | None = None) -> float:
        """Value of a parameter of ``parameters.csv`` (``default`` when absent)."""

    def _parameter_table(self, prefix: str) -> dict[tuple[str, str], float]:
        """Parameters of one scope family keyed by (target, parameter)."""


class ArcStructure(Protocol):
    """The arc structure of a compiled graph (or of the skeleton ``compile_graph`` figures):
    what :meth:`~corridors.network.costs.CostModel.arc_figures` and cost terms read."""

    @property
    def kind(self) -> np.ndarray: ...
    @property
    def link(self) -> np.ndarray: ...
    @property
    def transfer(self) -> np.ndarray: ...
    @property
    def tail(self) -> np.ndarray: ...
    @property
    def head(self) -> np.ndarray: ...
    @property
    def vertex_node(self) -> np.ndarray: ...
    @property
    def vertex_port(self) -> np.ndarray: ...
