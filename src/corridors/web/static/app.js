// corridors web map: plain JavaScript, Leaflet vendored, no network access beyond this server.
"use strict";
(function () {
  const COLORS = ["#2b5797", "#e45756", "#54a24b", "#b279a2", "#f58518", "#72b7b2",
                  "#9d755d", "#eeca3b", "#4c78a8", "#ff9da6", "#79706e", "#bab0ac"];
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  const money = (x) => Math.abs(x) >= 1e6 ? `$${fmt(x / 1e6, 1)}M` : Math.abs(x) >= 1e4 ? `$${fmt(x / 1e3, 0)}k` : `$${fmt(x)}`;
  const fmt = (x, d = 0) => Number(x).toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

  const map = L.map("map", { zoomControl: true, worldCopyJump: true, keyboard: true }).setView([45, 60], 3);
  map.attributionControl.addAttribution("Natural Earth");
  map.attributionControl.addAttribution("Rail lines &copy; OpenStreetMap contributors (ODbL)");
  const layers = {
    countries: L.layerGroup().addTo(map), links: L.layerGroup().addTo(map),
    flows: L.layerGroup().addTo(map), routes: L.layerGroup().addTo(map), nodes: L.layerGroup().addTo(map),
  };
  const state = { nodes: [], byId: {}, results: [], selected: null, pickNext: "origin", query: null, flowLayers: {}, flowsScenario: null };
  window.corridorsState = state;  // for tests and debugging
  window.corridorsMap = map;
  const UNIT = { container: "TEU", grain: "t", bulk: "t" };

  function setStatus(msg, ok) { const el = $("status"); el.textContent = msg || ""; el.className = ok ? "ok" : ""; }

  async function api(path) {
    const r = await fetch(path, { headers: { Accept: "application/json" } });
    let body = null;
    try { body = await r.json(); } catch (e) { body = { detail: r.statusText }; }
    if (!r.ok) { const err = new Error(body.detail || r.statusText); err.status = r.status; throw err; }
    return body;
  }

  // --- base map ------------------------------------------------------------------------
  async function loadBase() {
    const countries = await api("/static/data/countries.geojson");
    L.geoJSON(countries, { style: { color: "#8d99ab", weight: 0.7, fillColor: "#f4f1ea", fillOpacity: 1 }, interactive: false }).addTo(layers.countries);
    const links = await api("/api/links");
    L.geoJSON(links, {
      style: (f) => ({ color: f.properties.mode === "rail" ? "#6b7280" : f.properties.mode === "road" ? "#a3a3a3" : "#7fa7c9",
                       weight: 1, opacity: 0.7, dashArray: ["ferry", "sea"].includes(f.properties.mode) ? "3 4" : null }),
      interactive: false,
    }).addTo(layers.links);
    state.nodes = await api("/api/nodes");
    for (const n of state.nodes) {
      state.byId[n.id] = n;
      const m = L.circleMarker([n.lat_deg, n.lon_deg], { radius: n.kind === "city" ? 4 : 3, color: "#1d2330", weight: 1, fillColor: "#fff", fillOpacity: 1 });
      m.bindTooltip(`${esc(n.name)} (${esc(n.id)})`);
      m.on("click", () => pickNode(n));
      m.addTo(layers.nodes);
    }
  }

  function label(n) { return `${n.name} (${n.id})`; }
  function pickNode(n) {
    const target = state.pickNext;
    $(target).value = label(n);
    state.pickNext = target === "origin" ? "destination" : "origin";
    setStatus(`${target === "origin" ? "From" : "To"}: ${n.name}`, true);
    if ($("origin").value && $("destination").value && target === "destination") run();
  }
  function placeValue(text) {
    const m = /\(([^()]+)\)\s*$/.exec(text.trim());
    if (m && state.byId[m[1]]) return m[1];
    return text.trim();
  }

  // --- autocomplete from /api/nodes ------------------------------------------------------
  function autocomplete(inputId, listId) {
    let timer = null;
    $(inputId).addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const q = $(inputId).value.trim();
        if (q.length < 2 || /\)$/.test(q)) return;
        try {
          const hits = await api(`/api/nodes?limit=12&q=${encodeURIComponent(q)}`);
          $(listId).innerHTML = hits.map((n) => `<option value="${esc(label(n))}">${esc(n.country)} · ${esc(n.kind)}</option>`).join("");
        } catch (e) { /* typing stays possible */ }
      }, 120);
    });
    $(inputId).addEventListener("focus", () => { state.pickNext = inputId; });
  }

  // --- scenarios ----------------------------------------------------------------------
  async function loadScenarios() {
    try {
      const list = await api("/api/scenarios?shipped=true");
      const sel = $("scenario");
      for (const [source, label] of [["saved", "saved"], ["shipped", "shipped with corridors"]]) {
        const items = list.filter((s) => (s.source || "saved") === source);
        if (!items.length) continue;
        const g = document.createElement("optgroup");
        g.label = label;
        for (const s of items) {
          const o = document.createElement("option");
          o.value = s.name; o.textContent = s.description ? `${s.name} – ${s.description}` : s.name;
          o.title = s.description || ""; o.dataset.source = source;
          g.appendChild(o);
        }
        sel.appendChild(g);
      }
    } catch (e) { setStatus(`Scenarios unavailable: ${e.message}`); }
  }

  // --- routes -------------------------------------------------------------------------
  function query() {
    const f = new FormData($("route-form"));
    const p = new URLSearchParams();
    p.set("origin", placeValue(f.get("origin") || ""));
    p.set("destination", placeValue(f.get("destination") || ""));
    const cargo = f.get("cargo") || "container";
    if (cargo !== "container") p.set("cargo", cargo);
    if (f.get("quantity")) p.set(cargo === "container" ? "teu" : "tonnes", f.get("quantity"));
    if (f.get("depart")) p.set("depart", f.get("depart"));
    const avoid = f.getAll("avoid"); if (avoid.length) p.set("avoid", avoid.join(","));
    for (const m of f.getAll("no")) p.append("no", m);
    if (f.get("congested")) p.set("congested", "true");
    p.set("top", "8");
    return p;
  }

  async function run(ev) {
    if (ev) ev.preventDefault();
    const p = query();
    if (!p.get("origin") || !p.get("destination")) { setStatus("Give both From and To."); return; }
    const scenario = $("scenario").value;
    state.query = new URLSearchParams(p);
    $("reliability-panel").hidden = true;
    setStatus("Searching…", true);
    $("go").disabled = true;
    try {
      if (scenario === "base") {
        const res = await api(`/api/route?${p}`);
        state.results = [res];
      } else {
        p.set("scenario", scenario);
        const res = await api(`/api/compare?${p}`);
        state.results = [res.base, res.scenario];
      }
      render();
      const n = state.results.reduce((a, r) => a + (r.options || []).length, 0);
      setStatus(`${n} route option(s) found.`, true);
    } catch (e) {
      state.results = []; render(); setStatus(e.message);
    } finally { $("go").disabled = false; }
  }

  function optionHtml(o, k, setIdx) {
    const c = COLORS[k % COLORS.length];
    const tags = (o.tags || []).map((t) => `<span class="tag">${esc(t)}</span>`).join("");
    return `<li><button type="button" class="opt" style="--c:${c}" data-set="${setIdx}" data-k="${k}" aria-pressed="false">
      <span class="opt-title">${k + 1}. ${esc(o.corridor)}</span>${tags}<br>
      <span class="opt-figs">${fmt(o.days, 1)} days · $${fmt(o.cost_usd)} · ${fmt(o.co2_kg / 1000, 2)} t CO₂ · ${esc((o.modes || []).join("+"))}</span>
    </button></li>`;
  }

  function render() {
    layers.routes.clearLayers();
    const single = state.results.length === 1;
    $("compare").innerHTML = `<div class="cols ${single ? "single" : ""}">` + state.results.map((r, s) => `
      <div class="col" data-scenario="${esc(r.scenario)}"><h3>${esc(r.scenario)}${r.origin_name ? `: ${esc(r.origin_name)} → ${esc(r.destination_name)}` : ""}</h3>
      ${r.unit ? `<p class="hint consignment">${fmt(r.quantity)} ${esc(r.unit)} ${esc(r.cargo === "container" ? "containers" : $("cargo").value)}${state.query && state.query.get("depart") ? `, departing ${esc(state.query.get("depart"))}` : ""}</p>` : ""}
      ${r.error ? `<p class="hint">${esc(r.error)}</p>` : ""}
      ${r.search && r.search.capped ? `<p class="hint search-note" role="note">${esc(r.search.note)}</p>` : ""}
      <ol class="opts">${(r.options || []).map((o, k) => optionHtml(o, k, s)).join("")}</ol></div>`).join("") + "</div>";
    const bounds = [];
    state.results.forEach((r, s) => {
      if (!r.geojson) return;
      L.geoJSON(r.geojson, {
        style: (f) => ({ color: COLORS[(f.properties.option - 1) % COLORS.length], weight: f.properties.option === 1 ? 5 : 3,
                         opacity: 0.85, dashArray: s === 1 ? "8 6" : null }),
        onEachFeature: (f, lyr) => {
          lyr.bindTooltip(`${esc(r.scenario)} #${f.properties.option} ${esc(f.properties.corridor)}: ${fmt(f.properties.days, 1)} d, $${fmt(f.properties.cost_usd)}`);
          lyr.getLatLngs().forEach((ll) => bounds.push(ll));
          lyr.options.optionKey = `${s}:${f.properties.option - 1}`;
        },
      }).addTo(layers.routes);
    });
    if (bounds.length) map.fitBounds(L.latLngBounds(bounds), { padding: [30, 30] });
    document.querySelectorAll("button.opt").forEach((b) => b.addEventListener("click", () => select(b)));
    drawPareto();
  }

  function select(btn) {
    const key = `${btn.dataset.set}:${btn.dataset.k}`;
    const on = btn.getAttribute("aria-pressed") !== "true";
    document.querySelectorAll("button.opt").forEach((b) => b.setAttribute("aria-pressed", "false"));
    btn.setAttribute("aria-pressed", on ? "true" : "false");
    if (on) showReliability(Number(btn.dataset.set), Number(btn.dataset.k));
    else $("reliability-panel").hidden = true;
    layers.routes.eachLayer((g) => g.eachLayer && g.eachLayer((l) => {
      const hit = l.options.optionKey === key;
      l.setStyle({ opacity: !on || hit ? 0.85 : 0.15, weight: hit && on ? 7 : 3 });
      if (hit && on) l.bringToFront();
    }));
  }

  function drawPareto() {
    const svg = $("pareto");
    const pts = [];
    state.results.forEach((r, s) => (r.options || []).forEach((o, k) => pts.push({ x: o.days, y: o.cost_usd, k, s })));
    if (!pts.length) { svg.innerHTML = ""; return; }
    const W = 340, H = 170, L0 = 62, B = 28, T = 10, R = 12;
    const xs = pts.map((p) => p.x), ys = pts.map((p) => p.y);
    const x0 = Math.min(...xs) * 0.95, x1 = Math.max(...xs) * 1.05, y0 = Math.min(...ys) * 0.9, y1 = Math.max(...ys) * 1.1;
    const X = (x) => L0 + (x - x0) / (x1 - x0 || 1) * (W - L0 - R), Y = (y) => H - B - (y - y0) / (y1 - y0 || 1) * (H - B - T);
    let out = `<line x1="${L0}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#888"/><line x1="${L0}" y1="${T}" x2="${L0}" y2="${H - B}" stroke="#888"/>`;
    // axis titles sit apart from the tick values: "days" centred under the axis, "USD" turned
    // along the y axis at the far left, the values right-aligned against the axis
    out += `<text class="axis-title" x="${(W + L0) / 2}" y="${H - 3}" text-anchor="middle">door-to-door days</text>`;
    out += `<text class="axis-title" transform="translate(10 ${(H - B + T) / 2}) rotate(-90)" text-anchor="middle">cost, USD</text>`;
    out += `<text class="tick" x="${L0}" y="${H - B + 12}" text-anchor="start">${fmt(x0, 1)}</text><text class="tick" x="${W - R}" y="${H - B + 12}" text-anchor="end">${fmt(x1, 1)}</text>`;
    out += `<text class="tick" x="${L0 - 4}" y="${H - B}" text-anchor="end">${money(y0)}</text><text class="tick" x="${L0 - 4}" y="${T + 8}" text-anchor="end">${money(y1)}</text>`;
    for (const p of pts) {
      const c = COLORS[p.k % COLORS.length];
      out += p.s === 0
        ? `<circle cx="${X(p.x)}" cy="${Y(p.y)}" r="5" fill="${c}"><title>#${p.k + 1}: ${fmt(p.x, 1)} d, $${fmt(p.y)}</title></circle>`
        : `<rect x="${X(p.x) - 4}" y="${Y(p.y) - 4}" width="8" height="8" fill="none" stroke="${c}" stroke-width="2"><title>scenario #${p.k + 1}: ${fmt(p.x, 1)} d, $${fmt(p.y)}</title></rect>`;
    }
    svg.innerHTML = out;
  }

  // --- reliability of the chosen option ------------------------------------------------
  async function showReliability(setIdx, k) {
    const r = state.results[setIdx];
    if (!r || !state.query) return;
    const p = new URLSearchParams(state.query);
    p.set("option", String(k + 1));
    p.set("n", "5000");
    p.set("top", "8");
    if (r.scenario && r.scenario !== "base") p.set("scenario", r.scenario); else p.delete("scenario");
    const panel = $("reliability-panel");
    panel.hidden = false;
    $("reliability-title").textContent = `#${k + 1} ${r.options[k].corridor} (${r.scenario})`;
    $("reliability-status").textContent = "Simulating 5,000 shipments…";
    $("reliability").innerHTML = "";
    const token = (state.relToken = (state.relToken || 0) + 1);
    try {
      const rel = await api(`/api/reliability?${p}`);
      if (token !== state.relToken) return;  // a newer choice won
      state.reliability = rel;
      $("reliability-status").textContent =
        `planned ${fmt(rel.planned_days, 1)} d · P50 ${fmt(rel.p50_days, 1)} d · P90 ${fmt(rel.p90_days, 1)} d · P95 ${fmt(rel.p95_days, 1)} d (${fmt(rel.n)} simulated shipments)`;
      drawHistogram(rel);
    } catch (e) {
      if (token === state.relToken) $("reliability-status").textContent = e.message;
    }
  }

  function drawHistogram(rel) {
    const svg = $("reliability");
    const counts = rel.histogram.counts, edges = rel.histogram.edges_days;
    const W = 340, H = 150, L0 = 12, B = 30, T = 8, R = 12;
    const lo = edges[0], hi = edges[edges.length - 1], top = Math.max(...counts) || 1;
    const X = (d) => L0 + (d - lo) / (hi - lo || 1) * (W - L0 - R);
    const Y = (c) => H - B - c / top * (H - B - T);
    let out = `<line x1="${L0}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#888"/>`;
    counts.forEach((c, i) => {
      const x = X(edges[i]), w = Math.max(1, X(edges[i + 1]) - x - 1);
      out += `<rect class="bar" x="${x}" y="${Y(c)}" width="${w}" height="${H - B - Y(c)}" fill="#7fa7c9"><title>${fmt(edges[i], 1)}–${fmt(edges[i + 1], 1)} days: ${fmt(c)} shipments</title></rect>`;
    });
    for (const [key, label, color] of [["p50_days", "P50", "#2b5797"], ["p90_days", "P90", "#b2182b"]]) {
      const x = X(rel[key]);
      out += `<line class="mark" x1="${x}" y1="${T}" x2="${x}" y2="${H - B}" stroke="${color}" stroke-width="2"/>`;
      out += `<text class="mark-label" x="${x + 3}" y="${key === "p50_days" ? T + 10 : T + 22}" fill="${color}">${label}</text>`;
    }
    out += `<text class="tick" x="${L0}" y="${H - B + 12}" text-anchor="start">${fmt(lo, 1)}</text><text class="tick" x="${W - R}" y="${H - B + 12}" text-anchor="end">${fmt(hi, 1)}</text>`;
    out += `<text class="axis-title" x="${(W + L0) / 2}" y="${H - 3}" text-anchor="middle">door-to-door days</text>`;
    svg.innerHTML = out;
  }

  // --- select-link: which OD pairs use a clicked link --------------------------------------
  async function selectLink(linkId, name) {
    const box = $("select-link");
    const scenario = state.flowsScenario || "base";
    state.selectedLink = linkId;
    for (const [id, lyr] of Object.entries(state.flowLayers)) {
      lyr.setStyle({ opacity: id.replace(/:[fr]$/, "") === linkId ? 1 : 0.35 });
    }
    box.innerHTML = `<p class="hint">Loading who uses ${esc(name || linkId)}…</p>`;
    try {
      const sl = await api(`/api/select-link?link=${encodeURIComponent(linkId)}&scenario=${encodeURIComponent(scenario)}&top=15`);
      state.selectLink = sl;
      const rows = sl.pairs.map((q) => `<li>${esc(q.origin_name)} → ${esc(q.destination_name)}: ${fmt(q.flow_per_year)} ${esc(q.unit)}/year ${esc(q.class)}, ${fmt(100 * q.share)}% of the pair</li>`).join("");
      box.innerHTML = `<h3>${esc(name || linkId)} <span class="hint">(both directions)</span></h3>` + (sl.pairs.length
        ? `<p class="hint">${sl.total_pairs} origin–destination pair(s) route through it${sl.total_pairs > sl.pairs.length ? `; the ${sl.pairs.length} largest` : ""}:</p><ol class="od-pairs">${rows}</ol>`
        : `<p class="hint">No origin–destination pair uses it in scenario ${esc(scenario)}.</p>`);
    } catch (e) { box.innerHTML = `<p class="hint">${esc(e.message)}</p>`; }
  }

  // --- flows ---------------------------------------------------------------------------
  function utilColor(u) { return u == null ? "#999" : u < 0.5 ? "#2ca25f" : u < 0.8 ? "#fdae61" : u < 1 ? "#f46d43" : "#b2182b"; }

  async function showFlows() {
    const scenario = $("scenario").value;
    const st = $("flows-status");
    layers.flows.clearLayers(); $("bottlenecks").innerHTML = ""; $("select-link").innerHTML = ""; state.flowLayers = {};
    try {
      const flows = await api(`/api/flows?scenario=${encodeURIComponent(scenario)}`);
      state.flowsScenario = scenario;
      drawFlows(flows);
      const bn = await api(`/api/bottlenecks?top=10&scenario=${encodeURIComponent(scenario)}`);
      $("bottlenecks").innerHTML = bn.map((b) => `<li><button type="button" class="linklike" data-link="${esc(String(b.link_id || "").replace(/:[fr]$/, ""))}" data-name="${esc(b.name || b.link_id)}">${esc(b.name || b.link_id || b.id)}</button>: ${fmt(100 * (b.utilization ?? 0))}% used</li>`).join("");
      document.querySelectorAll("#bottlenecks button[data-link]").forEach((btn) => btn.addEventListener("click", () => selectLink(btn.dataset.link, btn.dataset.name)));
      st.textContent = `Flows of scenario ${scenario}.`;
    } catch (e) {
      if (e.status !== 404) { st.textContent = e.message; return; }
      st.textContent = "No assignment yet: running one…";
      await runAssignment(scenario);
    }
  }

  async function runAssignment(scenario) {
    const st = $("flows-status");
    const r = await fetch("/api/jobs", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ kind: "assignment", scenario }) });
    const job = await r.json();
    if (!r.ok) { st.textContent = job.detail; return; }
    for (;;) {
      const j = await api(`/api/jobs/${job.id}`);
      if (j.status === "done") { return showFlows(); }
      if (j.status === "failed") { st.textContent = `Assignment failed: ${j.error}`; return; }
      const pct = j.progress.fraction == null ? "" : ` ${fmt(100 * j.progress.fraction)}%`;
      st.textContent = `Assignment ${j.status}${pct} ${j.progress.message || ""}`;
      await new Promise((res) => setTimeout(res, 500));
    }
  }

  function drawFlows(fc) {
    L.geoJSON(fc, {
      style: (f) => ({ color: utilColor(f.properties.utilization), weight: 2 + 6 * Math.min(1, f.properties.utilization || 0), opacity: 0.9 }),
      onEachFeature: (f, l) => {
        // link_id is the undirected id of links.csv; direction is "f" or "r" (older results: directed ids, "flow")
        const pr = f.properties, id = String(pr.link_id || "").replace(/:[fr]$/, "");
        l.bindTooltip(`${esc(pr.name || id)}: ${fmt(pr.flow_teu_equiv ?? pr.flow ?? 0)} TEU-equivalent/year${pr.utilization == null ? "" : `, ${fmt(100 * pr.utilization)}% of capacity`} (click: who uses it)`);
        l.on("click", () => selectLink(id, pr.name));
        state.flowLayers[`${id}:${pr.direction || String(pr.link_id || "").slice(-1)}`] = l;
      },
    }).addTo(layers.flows);
  }

  const legend = L.control({ position: "bottomright" });
  legend.onAdd = () => {
    const d = L.DomUtil.create("div", "legend");
    d.innerHTML = "<b>utilization</b><br>" + [[0.3, "&lt;50%"], [0.6, "50–80%"], [0.9, "80–100%"], [1.2, "&gt;100%"]]
      .map(([u, t]) => `<i style="background:${utilColor(u)}"></i>${t}`).join("<br>") + "<br><i style='background:#2b5797'></i>route (base)<br><i style='background:repeating-linear-gradient(90deg,#2b5797 0 6px,transparent 6px 10px)'></i>route (scenario)";
    return d;
  };
  legend.addTo(map);

  autocomplete("origin", "origin-list");
  autocomplete("destination", "destination-list");
  $("route-form").addEventListener("submit", run);
  $("scenario").addEventListener("change", () => { if ($("origin").value && $("destination").value) run(); });
  $("flows-btn").addEventListener("click", showFlows);
  $("cargo").addEventListener("change", () => {
    const unit = UNIT[$("cargo").value] || "TEU", q = $("quantity"), label = $("quantity-unit");
    if (label.dataset.unit !== unit) q.value = unit === "TEU" ? "40" : "5000";
    label.dataset.unit = unit;
    label.textContent = unit === "t" ? "tonnes" : "TEU";
  });
  Promise.all([loadBase(), loadScenarios()])
    .then(() => { document.body.dataset.ready = "true"; })
    .catch((e) => setStatus(`Could not load the network: ${e.message}`));
})();
