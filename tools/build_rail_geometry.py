"""Measure every rail link of the bundled network along OpenStreetMap's railway graph.

Usage:  python tools/build_rail_geometry.py            # measure and print the report
        python tools/build_rail_geometry.py --write    # also write links.csv and the GeoJSON

Method M20 (see src/corridors/data/SOURCES.md). The railway graph is the one shipped by the
``scgraph_data`` package (code MIT; data (c) OpenStreetMap contributors, ODbL 1.0; source S230).
It is a simplified world graph in many disconnected pieces, so the tool

1. keeps the part of it inside the corridor box (``BOX``);
2. stitches its gaps: any two graph nodes of *different* connected pieces that lie within
   ``STITCH_KM`` of each other are joined by a straight edge of their great-circle length; then
   a dead end (one neighbour) is joined to the nearest node within ``DEAD_END_KM`` that is out
   of reach along the graph (another piece, or more than ``DETOUR_FACTOR`` x the gap +
   ``DETOUR_KM`` round), once per break; every stitch is logged to
   ``tools/output/rail_stitches.csv``;
3. snaps each end node of a rail link to its ``SNAP_K`` nearest graph nodes within ``SNAP_KM``
   (the access leg is counted at its great-circle length);
4. takes the shortest path between the two ends as the link's shape, and its length times a
   simplification correction as the link's length: the simplified graph draws curves as chords,
   so the correction is the median published / OSM ratio over the links that carry a published
   length (recomputed on every run, printed).

Each measurement is then checked before it is accepted:

- never below the great circle (raised to it, which only happens for border stubs);
- ratio to the great circle above ``MAX_RATIO`` -> refused as an implausible detour, unless the
  link is listed in ``ACCEPT`` with the reason it really bends that much;
- a link whose length already carries a published source keeps that figure; its OSM
  measurement is reported beside it and must agree within ``PUBLISHED_TOL`` for its shape to
  be drawn (a larger gap is flagged in the report);
- a path more than ``STITCHED_FLAG`` of which bridges stitched gaps is flagged;
- a link listed in ``KEEP`` keeps its figure for the reason given there (the OSM graph lacks
  the line); a link in ``DERIVED`` gets a published line total minus its other sections.

Accepted measurements replace estimated lengths in links.csv with source S230 and a note
"OSM via scgraph_data <version>, <date>"; shapes (simplified to ~1 km) are merged into
link_geometry.geojson next to the sea lanes of tools/build_link_geometry.py, with the OSM
attribution in its metadata. The per-link report goes to ``tools/output/rail_lengths.csv``,
a map to ``tools/output/rail_geometry.png``; the share of rail lengths that remain estimates is
printed at the end (tests/network/test_bundled.py recomputes it from links.csv and holds it
below 20 %). The same input gives the same output (rerunning changes nothing).

The package is a build-time tool only (dev dependency group): nothing at run time needs it.
"""

from __future__ import annotations

import csv
import heapq
import importlib.util
import itertools
import json
import math
import sys
import types
from importlib.metadata import version
from pathlib import Path

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parent.parent
NET = ROOT / "src" / "corridors" / "data" / "network"
OUT = ROOT / "tools" / "output"
SOURCE_ID = "S230"
DATA_DATE = "2024-04"  # release of scgraph_data 2.0.0, the OSM extract it ships
R_EARTH_KM = 6371.0088

BOX = (-12.0, 22.0, 135.0, 72.0)  # lon_min, lat_min, lon_max, lat_max
STITCH_KM = 2.0
DEAD_END_KM = 25.0
DETOUR_FACTOR = 3.0  # a dead end is a break when going round is > 3 x the gap + DETOUR_KM
DETOUR_KM = 10.0
SNAP_KM = 20.0
SNAP_K = 6
MAX_RATIO = 1.6
M1_FACTOR = 1.23  # fallback for a refused measurement (method M1)
PUBLISHED_TOL = 0.15
STITCHED_FLAG = 0.20  # flag a path more than 20 % of which bridges gaps

# Links whose figure is kept, and why (checked by hand against the OSM graph: these lines are
# missing from it, so any path it offers runs along other lines).
KEEP: dict[str, str] = {
    "rail-zhanaozen-bolashak": "Uzen-Bolashak (KTI line, 2014) absent from the OSM graph: published S71 kept",
    "rail-mangistau-kuryk": "Kuryk port spur absent from the OSM graph: M1 estimate kept",
    "rail-mangistau-zhanaozen": "Mangistau-Zhanaozen absent from the OSM graph: M1 estimate kept",
    "rail-zharyk-zhezkazgan": "Zharyk-Zhezkazgan absent from the OSM graph: M1 estimate kept",
    "rail-karakalpakstan-kungrad": "Beyneu-Kungrad line absent from the OSM graph: M1 estimate kept",
    "rail-bolashak-serhetyaka": "KTI border section absent from the OSM graph: M1 estimate kept",
}

# Measurements above MAX_RATIO accepted after a check by hand, and why.
ACCEPT: dict[str, str] = {
    "rail-irkutsk-ulanude": "the Trans-Siberian rounds the southern tip of Lake Baikal",
    "rail-tehran-amirabad": "the line climbs the Alborz by the Firuzkuh loops (Tehran-Gorgan on "
    "the same line measures 1.47 x great-circle)",
}

# Sections whose length is a published total minus the other modelled sections of the same
# line (method M2), recomputed after the measurement: link -> (total km, what, sections).
DERIVED: dict[str, tuple[float, str, list[str]]] = {
    "rail-zhezkazgan-saksaulskaya": (
        988.0,
        "D06 new lines Zhezkazgan-Saksaulskaya + Shalkar-Beineu 988 km (S85 2014)",
        ["rail-shalkar-beyneu"],
    ),
    "rail-serhetyaka-bereket": (
        925.0,
        "D31 Uzen-Gorgan railway 925 km (KZ 140 / TM 700 / IR 85; reported range 908-934.5 km, S67/S68 2014)",
        [
            "rail-zhanaozen-bolashak",
            "rail-bolashak-serhetyaka",
            "rail-bereket-etrek",
            "rail-etrek-inchehborun",
            "rail-gorgan-inchehborun",
        ],
    ),
}


def _load_scgraph_railways() -> tuple[list[dict[int, float]], list[list[float]]]:
    """Read scgraph_data's world railway graph without importing scgraph.

    scgraph_data 2.0.0 imports ``scgraph.core.GeoGraph``, which newer scgraph releases no longer
    have; only its two literals (adjacency dicts in km and [lat, lon] node positions) are used.
    """
    spec = importlib.util.find_spec("scgraph_data.world_railways")
    if spec is None or spec.origin is None:
        raise SystemExit("scgraph_data is not installed: pip install scgraph_data (dev group)")

    class _GeoGraph:
        def __init__(self, graph, nodes):
            self.graph, self.nodes = graph, nodes

    stub = types.ModuleType("scgraph.core")
    stub.GeoGraph = _GeoGraph  # type: ignore[attr-defined]
    saved = {k: sys.modules.get(k) for k in ("scgraph", "scgraph.core")}
    sys.modules.setdefault("scgraph", types.ModuleType("scgraph"))
    sys.modules["scgraph.core"] = stub
    try:
        ns: dict[str, object] = {}
        code = Path(spec.origin).read_text(encoding="utf-8")
        exec(compile(code, spec.origin, "exec"), ns)
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    g = ns["world_railways_geograph"]
    return g.graph, g.nodes  # type: ignore[attr-defined]


def _local_dijkstra(csr, src: int, limit: float) -> dict[int, float]:
    """Graph distances (km) from ``src`` to every vertex within ``limit`` km along the graph."""
    dist = {src: 0.0}
    heap = [(0.0, src)]
    while heap:
        d, x = heapq.heappop(heap)
        if d > dist.get(x, math.inf):
            continue
        for k in range(csr.indptr[x], csr.indptr[x + 1]):
            y, nd = int(csr.indices[k]), d + float(csr.data[k])
            if nd <= limit and nd < dist.get(y, math.inf):
                dist[y] = nd
                heapq.heappush(heap, (nd, y))
    return dist


def _unit(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def gc_km(lat1, lon1, lat2, lon2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * R_EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


class RailGraph:
    """The boxed, stitched OSM railway graph as a symmetric CSR matrix (km)."""

    def __init__(
        self, adj: list[dict[int, float]] | None = None, pos: list[list[float]] | None = None
    ) -> None:
        """Load scgraph_data's graph, or use ``adj`` (neighbour dicts) and ``pos`` ([lat, lon])."""
        if adj is None or pos is None:
            adj, pos = _load_scgraph_railways()
        xy = np.asarray(pos, dtype=float)  # lat, lon
        lo0, la0, lo1, la1 = BOX
        keep = (xy[:, 1] >= lo0) & (xy[:, 1] <= lo1) & (xy[:, 0] >= la0) & (xy[:, 0] <= la1)
        new = -np.ones(len(xy), dtype=np.int64)
        new[keep] = np.arange(int(keep.sum()))
        u, v = [], []
        for i in np.flatnonzero(keep):
            for j in adj[i]:
                if j != i and keep[j]:
                    u.append(new[i])
                    v.append(new[j])
        self.lat, self.lon = xy[keep, 0], xy[keep, 1]
        u_a, v_a = np.asarray(u), np.asarray(v)
        # Edge lengths recomputed as great circles between the (simplified) vertices, so that a
        # path is never shorter than the straight line between its ends.
        w = gc_km(self.lat[u_a], self.lon[u_a], self.lat[v_a], self.lon[v_a])
        self.n = int(keep.sum())
        self.stitches: list[dict[str, object]] = []
        n_pieces_before = self._components(u_a, v_a, np.maximum(w, 1e-6))[0]
        u_a, v_a, w = self._stitch(u_a, v_a, w)
        n_pieces, self.piece = self._components(u_a, v_a, w)
        # One entry per vertex pair (COO -> CSR would sum duplicates), both directions.
        lo_, hi_ = np.minimum(u_a, v_a), np.maximum(u_a, v_a)
        _, first = np.unique(lo_ * self.n + hi_, return_index=True)
        lo_, hi_, w = lo_[first], hi_[first], w[first]
        self.csr = coo_matrix(
            (np.r_[w, w], (np.r_[lo_, hi_], np.r_[hi_, lo_])), shape=(self.n, self.n)
        ).tocsr()
        self.tree = cKDTree(_unit(self.lat, self.lon))
        self.n_pieces = (n_pieces_before, n_pieces)
        self.summary = (
            f"OSM railway graph: {self.n} vertices in the "
            f"corridor box, {n_pieces_before} disconnected pieces before stitching, {n_pieces} after "
            f"{len(self.stitches)} stitches (<= {STITCH_KM} km between pieces; dead ends <= "
            f"{DEAD_END_KM} km across a break)"
        )

    def _components(self, u, v, w):
        a = coo_matrix((np.maximum(w, 1e-6), (u, v)), shape=(self.n, self.n))
        return connected_components(a, directed=False)

    def _stitch(self, u, v, w):
        _, piece = self._components(u, v, w)
        tree = cKDTree(_unit(self.lat, self.lon))
        pairs = tree.query_pairs(STITCH_KM / R_EARTH_KM, output_type="ndarray")
        pairs = pairs[piece[pairs[:, 0]] != piece[pairs[:, 1]]]
        su, sv = list(pairs[:, 0]), list(pairs[:, 1])
        for a, b in pairs:
            self._log(a, b, "pieces within stitch tolerance", piece)
        # A dead end (one neighbour, counting the stitches above) is a break in the line when a
        # vertex within DEAD_END_KM is out of reach along the graph (another piece, or far round
        # by the same piece). Each break is bridged once, from whichever of its ends comes first.
        pw = gc_km(
            self.lat[pairs[:, 0]],
            self.lon[pairs[:, 0]],
            self.lat[pairs[:, 1]],
            self.lon[pairs[:, 1]],
        )
        uu, vv = np.r_[u, pairs[:, 0]], np.r_[v, pairs[:, 1]]
        lo_, hi_ = np.minimum(uu, vv), np.maximum(uu, vv)
        _, first = np.unique(lo_ * self.n + hi_, return_index=True)
        lo_, hi_, ww = lo_[first], hi_[first], np.maximum(np.r_[w, pw][first], 1e-6)
        sym = coo_matrix(
            (np.r_[ww, ww], (np.r_[lo_, hi_], np.r_[hi_, lo_])), shape=(self.n, self.n)
        ).tocsr()
        deg = np.diff(sym.indptr)
        bridged: set[int] = set()
        for a in np.flatnonzero(deg == 1):
            if a in bridged:
                continue
            near = tree.query_ball_point(
                _unit(self.lat[[a]], self.lon[[a]])[0], DEAD_END_KM / R_EARTH_KM
            )
            near = [b for b in near if b != a]
            if not near:
                continue
            d = gc_km(self.lat[a], self.lon[a], self.lat[near], self.lon[near])
            reach = _local_dijkstra(sym, a, DETOUR_FACTOR * DEAD_END_KM + DETOUR_KM)
            best = None
            for b, db in zip(near, d, strict=True):
                if db <= STITCH_KM and piece[b] != piece[a]:
                    continue  # already stitched above
                along = reach.get(b, math.inf)
                if along > DETOUR_FACTOR * db + DETOUR_KM and (best is None or db < best[1]):
                    best = (b, db)
            if best is not None:
                su.append(a)
                sv.append(best[0])
                bridged.add(int(best[0]))
                self._log(a, best[0], "dead end joined across a break in the line", piece)
        su_a, sv_a = np.asarray(su, dtype=np.int64), np.asarray(sv, dtype=np.int64)
        self.stitched = {(min(a, b), max(a, b)) for a, b in zip(su_a, sv_a, strict=True)}
        sw = np.maximum(gc_km(self.lat[su_a], self.lon[su_a], self.lat[sv_a], self.lon[sv_a]), 1e-6)
        return np.r_[u, su_a], np.r_[v, sv_a], np.r_[np.maximum(w, 1e-6), sw]

    def _log(self, a: int, b: int, why: str, piece: np.ndarray) -> None:
        self.stitches.append(
            {
                "lat_a": round(float(self.lat[a]), 4),
                "lon_a": round(float(self.lon[a]), 4),
                "lat_b": round(float(self.lat[b]), 4),
                "lon_b": round(float(self.lon[b]), 4),
                "gap_km": round(
                    float(gc_km(self.lat[a], self.lon[a], self.lat[b], self.lon[b])), 2
                ),
                "why": why,
                "piece_a": int(piece[a]),
                "piece_b": int(piece[b]),
            }
        )

    def candidates(self, lat: float, lon: float) -> list[tuple[int, float]]:
        """Up to SNAP_K graph vertices within SNAP_KM of a point, with their distance (km)."""
        _, idx = self.tree.query(_unit(np.array([lat]), np.array([lon]))[0], k=SNAP_K)
        out = []
        for i in np.atleast_1d(idx):
            d = float(gc_km(lat, lon, self.lat[i], self.lon[i]))
            if d <= SNAP_KM:
                out.append((int(i), d))
        return out

    def measure(self, a: tuple[float, float], b: tuple[float, float]) -> dict | None:
        """Shortest path between two points (lat, lon); None when no path within the bound."""
        ca, cb = self.candidates(*a), self.candidates(*b)
        if not ca or not cb:
            return None
        gc = float(gc_km(a[0], a[1], b[0], b[1]))
        limit = 3.0 * gc + 2 * SNAP_KM + 50.0
        best = None
        for i, da in ca:
            dist, pred = dijkstra(self.csr, indices=i, limit=limit, return_predecessors=True)
            for t, db in cb:
                total = da + float(dist[t]) + db
                if np.isfinite(total) and (best is None or total < best[0]):
                    best = (total, i, t, pred, da, db)
        if best is None:
            return None
        total, i, t, pred, da, db = best
        path = [t]
        while path[-1] != i:
            path.append(int(pred[path[-1]]))
        path.reverse()
        stitched = sum(
            float(gc_km(self.lat[x], self.lon[x], self.lat[y], self.lon[y]))
            for x, y in itertools.pairwise(path)
            if (min(x, y), max(x, y)) in self.stitched
        )
        coords = [[a[1], a[0]], *([float(self.lon[k]), float(self.lat[k])] for k in path)]
        coords.append([b[1], b[0]])
        return {
            "km": total,
            "snap_a_km": da,
            "snap_b_km": db,
            "stitched_km": stitched,
            "coords": coords,
        }


def simplify(coords: list[list[float]], tol_km: float = 1.0) -> list[list[float]]:
    """Drop vertices closer than ``tol_km`` to the last kept one (ends always kept)."""
    out = [coords[0]]
    for p in coords[1:-1]:
        if gc_km(out[-1][1], out[-1][0], p[1], p[0]) >= tol_km:
            out.append(p)
    out.append(coords[-1])
    return [[round(x, 4), round(y, 4)] for x, y in out]


def curvature_factor(measured: list) -> tuple[float, int]:
    """Median published / OSM length over links that carry a published length.

    The simplified graph draws curves as chords, so its paths run short of the railways' own
    chainage; the median ratio over the lines with a published figure corrects that bias.
    Route totals (D01, D15, S46, S239) are not used here and stay independent checks.
    """
    ratios = [
        float(row["length_km"]) / m["km"]
        for row, m, gc, _rec in measured
        if m is not None
        and row["length_source"] not in ("estimate", SOURCE_ID)
        and row["link_id"] not in KEEP
        and m["km"] > 20
        and m["km"] <= MAX_RATIO * gc  # a refused (detour) path says nothing about curvature
    ]
    return (float(np.median(ratios)), len(ratios)) if ratios else (1.0, 0)


def provenance_note(m: dict, gc: float) -> str:
    return (
        f"OSM via scgraph_data {version('scgraph_data')}, {DATA_DATE}: shortest path on the "
        f"stitched OSM railway graph x {m['factor']:.3f} simplification correction (median "
        f"published/OSM over {m['n_pairs']} lines; method M20); ends snapped "
        f"{m['snap_a_km']:.1f} / {m['snap_b_km']:.1f} km; {m['km'] / gc:.2f} x great-circle"
    )


def _decide(row: dict, m: dict | None, gc: float, rec: dict, shapes: dict) -> None:
    """Accept, keep or flag one rail link's OSM measurement; update ``row`` and ``rec``."""
    old, old_src = float(row["length_km"]), row["length_source"]
    published = old_src not in ("estimate", SOURCE_ID)
    if row["link_id"] in KEEP:
        rec["decision"], rec["why"] = "kept", KEEP[row["link_id"]]
    elif m is None:
        rec["decision"], rec["why"] = "kept", "no OSM path within the snapping tolerance"
    elif m["km"] / gc > MAX_RATIO and gc > 20 and row["link_id"] not in ACCEPT:
        rec["decision"] = "kept"
        rec["why"] = f"OSM path {m['km'] / gc:.2f} x great-circle: implausible detour"
    elif published:
        diff = m["km"] / old - 1
        rec["decision"] = "published kept"
        rec["why"] = f"OSM {m['km']:.0f} km ({diff:+.0%} vs published)"
        if abs(diff) <= PUBLISHED_TOL:
            shapes[row["link_id"]] = simplify(m["coords"])
        else:
            rec["why"] += ": FLAG, shape not drawn"
    else:
        rec["decision"] = "measured"
        row["length_km"] = f"{m['km']:.1f}"
        row["length_source"], row["length_year"] = SOURCE_ID, DATA_DATE[:4]
        row["length_note"] = provenance_note(m, gc)
        if abs(m["km"] / old - 1) > 0.25:
            rec["why"] = f"FLAG: {m['km'] / old - 1:+.0%} vs the previous estimate {old:g} km"
        if m["stitched_km"] > STITCHED_FLAG * m["km"]:
            rec["why"] = (
                f"FLAG: {m['stitched_km']:.0f} km of the path bridge gaps of the OSM graph "
                f"{rec['why']}"
            ).strip()
        if row["link_id"] in ACCEPT:
            rec["why"] = f"accepted above {MAX_RATIO} x great-circle: {ACCEPT[row['link_id']]}"
        shapes[row["link_id"]] = simplify(m["coords"])
    if rec["decision"] == "kept" and old_src == SOURCE_ID:
        # measured by an earlier run but refused now: back to the M1 estimate
        km = max(gc * M1_FACTOR, 3.0)
        row["length_km"], row["length_source"], row["length_year"] = f"{km:.1f}", "estimate", ""
        row["length_note"] = (
            f"great-circle {gc:.0f} km x {M1_FACTOR} rail detour factor (method M1); "
            f"OSM measurement refused: {rec['why']}"
        )


def run(write: bool) -> list[dict[str, object]]:
    nodes = {r["node_id"]: r for r in csv.DictReader((NET / "nodes.csv").open(encoding="utf-8"))}
    with (NET / "links.csv").open(encoding="utf-8", newline="") as f:
        rd = csv.DictReader(f)
        cols, links = rd.fieldnames, list(rd)
    g = RailGraph()
    print(f"scgraph_data {version('scgraph_data')}: {g.summary}")
    report, shapes, measured = [], {}, []
    for row in links:
        if row["mode"] != "rail":
            continue
        a, b = nodes[row["from_node"]], nodes[row["to_node"]]
        pa = (float(a["lat_deg"]), float(a["lon_deg"]))
        pb = (float(b["lat_deg"]), float(b["lon_deg"]))
        gc = float(gc_km(*pa, *pb))
        m = g.measure(pa, pb)
        rec = {
            "link_id": row["link_id"],
            "great_circle_km": round(gc, 1),
            "old_km": float(row["length_km"]),
            "old_source": row["length_source"],
            "osm_km": "",
            "corrected_km": "",
            "osm_ratio": "",
            "stitched_km": "",
            "decision": "",
            "why": "",
        }
        if m is not None:
            rec["osm_km"] = round(m["km"], 1)
            rec["stitched_km"] = round(m["stitched_km"], 1)
        measured.append((row, m, gc, rec))
    factor, n_pairs = curvature_factor(measured)
    print(
        f"simplification correction: median published / OSM length over {n_pairs} lines with a "
        f"published figure = {factor:.3f}"
    )
    for row, m, gc, rec in measured:
        if m is not None:
            m["km"] = max(m["km"] * factor, gc)
            m["factor"], m["n_pairs"] = factor, n_pairs
            rec["corrected_km"] = round(m["km"], 1)
            rec["osm_ratio"] = round(m["km"] / gc, 2)
        _decide(row, m, gc, rec, shapes)
        report.append(rec)
    by_id = {r["link_id"]: r for r in links}
    for lid, (total, what, parts) in DERIVED.items():
        rest = sum(float(by_id[p]["length_km"]) for p in parts)
        row = by_id[lid]
        row["length_km"] = f"{total - rest:.1f}"
        row["length_source"], row["length_year"] = "estimate", ""
        row["length_note"] = (
            f"{what} minus the other modelled sections of the line ({' + '.join(parts)} = "
            f"{rest:.1f} km); the section is absent from the OSM graph (method M2)"
        )
        rec = next(r for r in report if r["link_id"] == lid)
        rec["decision"], rec["why"] = "derived", f"{total:g} km total minus {rest:.1f} km"
    OUT.mkdir(exist_ok=True)
    _write_csv(OUT / "rail_lengths.csv", report)
    _write_csv(OUT / "rail_stitches.csv", g.stitches)
    for r in report:
        print(
            f"{r['link_id']:34s} gc {r['great_circle_km']:7.1f}  old {r['old_km']:7.1f} "
            f"({r['old_source']:8s}) osm {r['osm_km']!s:>7s} x{r['osm_ratio']!s:5s} "
            f"{r['decision']:15s} {r['why']}"
        )
    rail = [r for r in links if r["mode"] == "rail"]
    est = sum(r["length_source"] == "estimate" for r in rail)
    print(
        f"rail links: {len(rail)}; lengths still estimated: {est} ({est / len(rail):.1%}); "
        f"measured on OSM: {sum(r['length_source'] == SOURCE_ID for r in rail)}"
    )
    if write:
        with (NET / "links.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
            w.writeheader()
            w.writerows(links)
        _write_shapes(shapes)
        _plot(links, nodes, shapes, OUT / "rail_geometry.png")
        print(f"wrote links.csv, {len(shapes)} rail shapes and {OUT / 'rail_geometry.png'}")
    return report


def _plot(links: list[dict], nodes: dict, shapes: dict, path: Path) -> None:
    """Map of the rail links: OSM-measured shapes, published links drawn along OSM, the rest."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(14, 7), dpi=110)
    seen = set()
    for r in links:
        if r["mode"] != "rail":
            continue
        if r["link_id"] in shapes:
            xy = np.asarray(shapes[r["link_id"]])
            measured = r["length_source"] == SOURCE_ID
            style = (
                ("tab:blue", "-", "OSM-measured")
                if measured
                else ("tab:green", "-", "published length, OSM shape")
            )
        else:
            a, b = nodes[r["from_node"]], nodes[r["to_node"]]
            xy = np.array(
                [
                    [float(a["lon_deg"]), float(a["lat_deg"])],
                    [float(b["lon_deg"]), float(b["lat_deg"])],
                ]
            )
            est = r["length_source"] == "estimate"
            style = (
                ("tab:red", "--", "estimate (no OSM line)")
                if est
                else ("tab:orange", "--", "published, not drawn")
            )
        ax.plot(
            xy[:, 0],
            xy[:, 1],
            color=style[0],
            ls=style[1],
            lw=1.0,
            label=None if style[2] in seen else style[2],
        )
        seen.add(style[2])
    ax.set_xlabel("longitude (deg)")
    ax.set_ylabel("latitude (deg)")
    ax.set_aspect(1.4)
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title(
        f"Rail links of the bundled network measured on OSM (scgraph_data {version('scgraph_data')}); "
        "rail data (c) OpenStreetMap contributors, ODbL",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _write_csv(path: Path, rows: list[dict[str, object]]) -> None:
    if not rows:
        return
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def _write_shapes(shapes: dict[str, list[list[float]]]) -> None:
    path = NET / "link_geometry.geojson"
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"features": []}
    keep = [
        f
        for f in data["features"]
        if f["properties"]["link_id"] not in shapes
        and not str(f["properties"].get("method", "")).startswith("OSM")
    ]
    method = f"OSM via scgraph_data {version('scgraph_data')}, {DATA_DATE} (M20)"
    rail = [
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": c},
            "properties": {"link_id": lid, "method": method},
        }
        for lid, c in sorted(shapes.items())
    ]
    out = {
        "type": "FeatureCollection",
        "metadata": {
            "attribution": (
                "Rail shapes: (c) OpenStreetMap contributors, ODbL 1.0 "
                "(openstreetmap.org/copyright), via the scgraph_data package (MIT). Sea lanes: "
                "searoute (Eurostat MARNET)."
            ),
            "rail_method": method,
        },
        "features": keep + rail,
    }
    path.write_text(json.dumps(out), encoding="utf-8")


if __name__ == "__main__":
    run(write="--write" in sys.argv)
