"""The network: tables as the truth (nodes, links, crossings, transfers, parameters, sources),
validated, resolved and compiled into CSR arrays for routing and assignment.

Modes are rows of one table (:mod:`corridors.network.modes`): add one with
:func:`register_mode`."""

from corridors.network.enums import Cargo, CargoClass, Mode, NodeKind, TransferKind, Wagon
from corridors.network.model import (
    Network,
    bundled_network_path,
    great_circle_km,
    load_network,
    validate_network,
)
from corridors.network.modes import ModeSpec, register_mode, unregister_mode

__all__ = [
    "Cargo",
    "CargoClass",
    "Mode",
    "ModeSpec",
    "Network",
    "NodeKind",
    "TransferKind",
    "Wagon",
    "bundled_network_path",
    "great_circle_km",
    "load_network",
    "register_mode",
    "unregister_mode",
    "validate_network",
]
