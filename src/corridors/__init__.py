"""corridors: plan freight on the Eurasian overland corridors centred on Kazakhstan.

Modules are namespaces: ``corridors.network``, ``corridors.routing``, ``corridors.assignment``,
``corridors.scenarios``, ``corridors.reliability``, ``corridors.io``. Importing corridors runs
nothing and prints nothing.
"""

from corridors import errors, network
from corridors.network import Network, load_network

__version__ = "0.1.0"
__all__ = ["Network", "__version__", "errors", "load_network", "network"]
