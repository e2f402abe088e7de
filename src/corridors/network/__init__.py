"""The network: tables as the truth (nodes, links, crossings, transfers, parameters, sources),
validated, resolved and compiled into CSR arrays for routing and assignment."""

from corridors.network.enums import Cargo, CargoClass, Mode, NodeKind, TransferKind, Wagon
from corridors.network.model import (
    Network,
    bundled_network_path,
    great_circle_km,
    load_network,
    validate_network,
)

__all__ = [
    "Cargo",
    "CargoClass",
    "Mode",
    "Network",
    "NodeKind",
    "TransferKind",
    "Wagon",
    "bundled_network_path",
    "great_circle_km",
    "load_network",
    "validate_network",
]
