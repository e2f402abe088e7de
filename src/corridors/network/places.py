"""Place search for pickers and autocomplete: nodes whose id, name or alias contain a text.

Examples
--------
>>> from corridors.network import load_network
>>> hits = search_places(load_network(), "aktau")
>>> hits["name"].iloc[0]
'Aktau (port)'
>>> len(search_places(load_network(), "", country="KZ", limit=3))
3
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corridors.network.model import _fold

if TYPE_CHECKING:
    import pandas as pd

    from corridors.network.model import Network

__all__ = ["search_places"]


def search_places(
    network: Network,
    text: str = "",
    *,
    kind: str | None = None,
    country: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Rows of the nodes table matching a search text, best first.

    Matching ignores case, accents and punctuation (as :meth:`Network.find_place`); names
    that start with the text rank first, then names containing it, then ids and aliases.

    Parameters
    ----------
    network
        The network.
    text
        Text to look for in the id, name or aliases; empty keeps every node (table order).
    kind
        Keep only nodes of this ``kind`` (``city``, ``seaport``, ...).
    country
        Keep only nodes of this ISO alpha-2 country (any case).
    limit
        Most rows returned.

    Returns
    -------
    pandas.DataFrame
        Rows of ``network.tables["nodes"]`` (all columns).
    """
    tab = network.tables["nodes"]
    if kind:
        tab = tab[tab["kind"] == kind]
    if country:
        tab = tab[tab["country"].astype(str).str.upper() == country.upper()]
    key = _fold(text) if text.strip() else ""
    if key:
        ranks = []
        for name, node, aliases in zip(
            tab["name"].astype(str),
            tab["node_id"].astype(str),
            tab["aliases"] if "aliases" in tab.columns else [""] * len(tab),
            strict=True,
        ):
            folded = _fold(name)
            hay = " ".join([folded, _fold(node), _fold(str(aliases or ""))])
            rank = (
                -1 if key not in hay else 0 if folded.startswith(key) else 1 if key in folded else 2
            )
            ranks.append(rank)
        tab = tab.assign(_rank=ranks)
        tab = tab[tab["_rank"] >= 0].sort_values(["_rank", "name"], kind="stable")
        tab = tab.drop(columns="_rank")
    return tab if limit is None else tab.head(limit)
