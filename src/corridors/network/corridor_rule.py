"""The corridor of a route: one rule for routing's corridor names and the choice model.

Kept in the network layer, free of pandas and numba, so that naming a cached route stays
light; :mod:`corridors.assignment.choice` re-exports it with its alternatives and nests.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

__all__ = ["CASPIAN_FERRY", "CORRIDOR_LABELS", "route_alternative"]

CORRIDOR_LABELS: Mapping[str, str] = {
    "sea_suez": "Sea via Suez",
    "sea_cape": "Sea via Cape",
    "sea_other": "Sea (other lane)",
    "rail_northern": "Northern (via Russia)",
    "rail_middle": "Middle Corridor (Trans-Caspian)",
    "rail_southern": "Southern (Turkmenistan-Iran)",
    "rail_direct": "Regional rail (not via Russia, the Caspian or Iran)",
    "road": "Road",
    "air": "Air",
}
"""Alternative (a key of :data:`corridors.assignment.choice.ALTERNATIVES`) → the corridor
name used in tables."""

CASPIAN_FERRY = "ferry_caspian"
"""Link class of the Caspian ferries (Aktau/Kuryk to Baku/Alat, Turkmenbashi and the Iranian
ports)."""


def route_alternative(
    km_by_mode: Mapping[str, float],
    countries: Collection[str],
    *,
    caspian_ferry: bool,
    passages: Collection[str] = (),
) -> str:
    """The alternative (corridor) of a route: the one rule routing and the choice model share.

    Parameters
    ----------
    km_by_mode
        Kilometres of the route per mode value (``"rail"``, ``"sea"``, ...).
    countries
        ISO codes of the countries the route's links start or end in.
    caspian_ferry
        Whether the route crosses the Caspian by ferry (a link of class :data:`CASPIAN_FERRY`).
    passages
        Sea passages of its sea links (``"Suez"``, ``"Cape"``, ...).

    Returns
    -------
    str
        An alternative of the choice model (a key of :data:`CORRIDOR_LABELS`). First match
        wins: any air → ``air``; a deep-sea lane via Suez or the Cape → that sea alternative;
        more than half the km at sea → ``sea_other``; more than half by road → ``road``;
        Russia/Belarus → ``rail_northern``; a Caspian ferry, Azerbaijan or Georgia →
        ``rail_middle``; Iran, or Turkmenistan together with Turkey → ``rail_southern``;
        else ``rail_direct`` (regional rail: China–Kazakhstan, and Central Asia including
        Uzbekistan, Turkmenistan and Afghanistan).

    Notes
    -----
    The Southern corridor is the through corridor of the Kazakhstan–Turkmenistan–Iran railway
    (Bolashak–Serhetyaka, Etrek–Incheh Borun, or Sarakhs) to Iran, the Gulf and on to Turkey:
    a rail route is Southern when it enters Iran, or joins
    Turkmenistan to Turkey overland (which, without the Caucasus, runs through Iran; small
    test networks may leave Iran out). A route that only reaches Turkmenistan, Uzbekistan or
    Afghanistan by rail (Kazakh grain for Turkmenistan, Chinese containers for Ashgabat or
    Herat) is regional rail, ``rail_direct``, like China–Kazakhstan and Kazakhstan–Uzbekistan
    traffic. A Caspian ferry route to Iran (Aktau/Kuryk to Anzali, Amirabad or Astara) is a
    Trans-Caspian variant, hence ``rail_middle``, like the ferries to Baku/Alat and
    Turkmenbashi.
    """
    total = float(sum(km_by_mode.values())) or 1.0
    cs, via = set(countries), set(passages)
    if km_by_mode.get("air", 0.0) > 0:
        return "air"
    if "Suez" in via:
        return "sea_suez"
    if "Cape" in via:
        return "sea_cape"
    if km_by_mode.get("sea", 0.0) > 0.5 * total:
        return "sea_other"
    if km_by_mode.get("road", 0.0) > 0.5 * total:
        return "road"
    if cs & {"RU", "BY"}:
        return "rail_northern"
    if caspian_ferry or cs & {"AZ", "GE"}:
        return "rail_middle"
    if "IR" in cs or {"TM", "TR"} <= cs:
        return "rail_southern"
    return "rail_direct"
