// corridors web map: the appraisal panel (shipped projects, a background job, the summary).
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  const num = (x, d = 0) => (x === null || x === undefined ? "–" : Number(x).toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }));
  const pct = (x) => (x === null || x === undefined ? "–" : `${(100 * x).toFixed(1)} %`);

  async function call(path, opts) {
    const r = await fetch(path, { headers: { Accept: "application/json", "Content-Type": "application/json" }, ...(opts || {}) });
    const body = await r.json().catch(() => ({ detail: r.statusText }));
    if (!r.ok) throw new Error(body.detail || body.title || r.statusText);
    return body;
  }

  function render(res) {
    const s = res.summary, sw = res.switching || {};
    const rows = [
      ["NPV", `${num(s.npv_usd_m)} USD m`], ["BCR", num(s.bcr, 2)], ["IRR", pct(s.irr)],
      ["Payback", s.payback_year || "not within the lifetime"],
      ["Shipper surplus (PV)", `${num(s.pv_shipper_surplus_usd_m)} USD m`],
      ["Reliability (PV)", `${num(s.pv_reliability_usd_m)} USD m`],
      ["Operator margin (PV)", `${num(s.pv_producer_surplus_usd_m)} USD m`],
      ["CO2 saved (PV)", `${num(s.pv_co2_usd_m)} USD m`],
      ["Costs (PV)", `${num(s.pv_costs_usd_m)} USD m`],
      ["NPV = 0 at demand", sw.found ? `× ${num(sw.demand_factor, 2)}` : "–"],
    ];
    $("appraise-result").innerHTML = `<table class="summary"><caption>${esc(res.project.name)} at ${pct(s.discount_rate)}</caption>` +
      rows.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`).join("") + "</table>";
  }

  async function run(ev) {
    ev.preventDefault();
    const name = $("project").value;
    $("appraise-status").textContent = "submitting…";
    $("appraise-result").innerHTML = "";
    try {
      const job = await call("/api/appraisals", { method: "POST", body: JSON.stringify({ project: name, switching_runs: 0 }) });
      for (;;) {
        await new Promise((r) => setTimeout(r, 700));
        const j = await call(`/api/jobs/${job.id}`);
        const p = j.progress || {};
        $("appraise-status").textContent = `${j.status}${p.total ? ` ${p.done}/${p.total}` : ""} ${p.message || ""}`;
        if (j.status === "failed") throw new Error(j.error || "the appraisal failed");
        if (j.status === "done") break;
      }
      render(await call(`/api/jobs/${job.id}/result`));
      $("appraise-status").textContent = "done";
    } catch (e) {
      $("appraise-status").textContent = `error: ${e.message}`;
    }
  }

  async function init() {
    if (!$("appraise-form")) return;
    try {
      const projects = await call("/api/projects");
      $("project").innerHTML = projects.map((p) => `<option value="${esc(p.name)}" title="${esc(p.description)}">${esc(p.name)}</option>`).join("");
    } catch (e) {
      $("appraise-status").textContent = `projects unavailable: ${e.message}`;
    }
    $("appraise-form").addEventListener("submit", run);
  }
  init();
})();
