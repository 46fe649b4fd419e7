// labecon dashboard: controls from the scenario's description, a preview run after each
// change, charts drawn with the Plotly.js this server ships. The whole state lives in the
// URL (scenario, seed, overrides, view, full run), so a copied link reopens it.
"use strict";

const COLORS = ["#1f5fa8", "#d9641e", "#2a9d8f", "#8e44ad", "#c0392b", "#7f8c8d"];
// Output, title, axis unit, scale, log axis (growth over a decade spans orders of magnitude).
const FANS = [
  ["revenue_usd_by_year", "Revenue by year (median, 5-95% band)", "USD bn per year", 1e-9, true],
  ["cash_usd_by_year", "Cash at the end of each year (median, 5-95% band)", "USD bn", 1e-9, false],
  ["capacity_h100e_by_year", "Compute capacity at the end of each year (median, 5-95% band)", "million H100e", 1e-6, true],
];

const state = {
  config: null,
  scenario: "two-strategies", // a built-in's name, or null when yamlText is used
  yamlText: null,
  seed: 1,
  overrides: {},
  lab: "all",
  run: null, // id of a full run whose results are shown
  description: null,
  view: null,
  renders: 0,
};
let inflight = null;
let timer = null;
let poller = null;

const $ = (id) => document.getElementById(id);

// ---- URL state ---------------------------------------------------------------------------
function encodeText(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  bytes.forEach((b) => { bin += String.fromCharCode(b); });
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeText(data) {
  const bin = atob(data.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

function readUrl() {
  const q = new URLSearchParams(location.search);
  if (q.has("yaml")) {
    try { state.yamlText = decodeText(q.get("yaml")); state.scenario = null; } catch (e) { showError("yaml", "the link's scenario cannot be read"); }
  } else if (q.has("scenario")) {
    state.scenario = q.get("scenario");
  }
  if (q.has("seed") && /^\d+$/.test(q.get("seed"))) state.seed = Number(q.get("seed"));
  if (q.has("lab")) state.lab = q.get("lab");
  if (q.has("run")) state.run = q.get("run");
  state.overrides = {};
  for (const [key, value] of q.entries()) {
    if (!key.startsWith("set.")) continue;
    try { state.overrides[key.slice(4)] = JSON.parse(value); } catch (e) { state.overrides[key.slice(4)] = value; }
  }
}

function writeUrl() {
  const q = new URLSearchParams();
  if (state.yamlText !== null) q.set("yaml", encodeText(state.yamlText));
  else q.set("scenario", state.scenario);
  q.set("seed", String(state.seed));
  if (state.lab !== "all") q.set("lab", state.lab);
  for (const [path, value] of Object.entries(state.overrides)) q.set("set." + path, JSON.stringify(value));
  if (state.run) q.set("run", state.run);
  history.replaceState(null, "", location.pathname + "?" + q.toString());
}

// ---- API -------------------------------------------------------------------------------------
async function api(method, path, body, signal) {
  const init = { method, signal, headers: {} };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["content-type"] = "application/json";
  }
  const response = await fetch(path, init);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const d = (data.detail && data.detail[0]) || { field: "request", message: response.statusText };
    const err = new Error(d.message);
    err.field = d.field;
    err.status = response.status;
    throw err;
  }
  data.__status = response.status;
  data.__serverMs = parseFloat((response.headers.get("server-timing") || "").split("dur=")[1]);
  return data;
}

function scenarioSource() {
  return state.yamlText !== null ? state.yamlText : state.scenario;
}

// ---- controls --------------------------------------------------------------------------------
function fmt(x) {
  if (typeof x !== "number") return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(3);
  return String(Math.round(x * 1e6) / 1e6);
}

function controlBox(name, path, desc, units, source) {
  const box = document.createElement("div");
  box.className = "control";
  box.dataset.path = path;
  const title = document.createElement("div");
  title.className = "name";
  title.textContent = name + " ";
  if (units) {
    const u = document.createElement("code");
    u.textContent = units;
    title.appendChild(u);
  }
  box.appendChild(title);
  if (desc) {
    const d = document.createElement("div");
    d.className = "desc";
    d.textContent = desc;
    box.appendChild(d);
  }
  if (source) {
    const s = document.createElement("div");
    s.className = "src";
    s.textContent = "Source: " + source;
    s.title = source;
    box.appendChild(s);
  }
  const fields = document.createElement("div");
  fields.className = "fields";
  box.appendChild(fields);
  return [box, fields];
}

function numberField(label, value, min, max, step, onChange) {
  const wrap = document.createElement("label");
  if (label) wrap.append(label + " ");
  const input = document.createElement("input");
  input.type = "number";
  input.value = String(value);
  input.step = step || "any";
  if (min !== null && min !== undefined) input.min = String(min);
  if (max !== null && max !== undefined) input.max = String(max);
  input.addEventListener("change", () => { if (input.value !== "") onChange(Number(input.value)); });
  wrap.appendChild(input);
  return wrap;
}

function setOverride(path, value, base) {
  if (JSON.stringify(value) === JSON.stringify(base)) delete state.overrides[path];
  else state.overrides[path] = value;
  const box = document.querySelector(`.control[data-path="${CSS.escape(path)}"]`);
  if (box) box.classList.toggle("changed", path in state.overrides);
  state.run = null;
  schedulePreview();
}

function inputControl(input) {
  const path = "inputs." + input.name;
  const [box, fields] = controlBox(input.name, path, `${input.description} (${input.dist})`, input.units, input.source);
  for (const [key, base] of Object.entries(input.params)) {
    const p = path + "." + key;
    const current = p in state.overrides ? state.overrides[p] : base;
    if (Array.isArray(base) && base.every((x) => typeof x === "number")) {
      const labels = key === "ci90" ? ["5th pct", "95th pct"] : base.map((_, i) => `${key}[${i}]`);
      const values = current.slice();
      base.forEach((_, i) => {
        fields.appendChild(numberField(labels[i] || "", values[i], null, null, "any", (v) => {
          values[i] = v;
          setOverride(p, values.slice(), base);
        }));
      });
      box.dataset.path = p;
    } else if (typeof base === "number") {
      fields.appendChild(numberField(key, current, null, null, "any", (v) => setOverride(p, v, base)));
      if (Object.keys(input.params).length === 1) box.dataset.path = p;
    }
  }
  box.classList.toggle("changed", Object.keys(state.overrides).some((k) => k.startsWith(path + ".")));
  return box;
}

function parameterControl(param) {
  const parts = param.path.split(".");
  const label = parts[parts.length - 1];
  const where = parts.slice(0, -1).join(".");
  const [box, fields] = controlBox(label, param.path, param.description, where, param.source);
  if (typeof param.value !== "number") {
    const note = document.createElement("span");
    note.className = "desc";
    note.textContent = `uncertain: set by the input ${param.value}`;
    fields.appendChild(note);
    return box;
  }
  const current = param.path in state.overrides ? state.overrides[param.path] : param.value;
  if (param.minimum === 0 && param.maximum === 1) {
    const slider = document.createElement("input");
    slider.type = "range";
    slider.min = "0";
    slider.max = "1";
    slider.step = "0.01";
    slider.value = String(current);
    slider.setAttribute("aria-label", param.path);
    const out = document.createElement("output");
    out.textContent = Number(current).toFixed(2);
    slider.addEventListener("input", () => { out.textContent = Number(slider.value).toFixed(2); });
    slider.addEventListener("change", () => setOverride(param.path, Number(slider.value), param.value));
    fields.append(slider, out);
  } else {
    fields.appendChild(numberField("", current, param.minimum, param.maximum, "any", (v) => setOverride(param.path, v, param.value)));
  }
  box.classList.toggle("changed", param.path in state.overrides);
  return box;
}

const GROUP_TITLES = { strategy: "Strategies", deal: "Partner deal" };
const HIST_TITLES = {
  npv_fcf_usd: "NPV of free cash flow",
  peak_funding_need_usd: "Peak funding need",
  partner_deal_npv_usd: "The partner's NPV of its deal",
  pv_rent: "Present value of renting",
  pv_build: "Present value of building",
  saving: "Saving of building over renting",
};

function buildControls(desc) {
  $("scenario-description").textContent = desc.description;
  const root = $("control-groups");
  root.replaceChildren();
  const groups = {};
  desc.parameters.forEach((p) => { (groups[p.group] = groups[p.group] || []).push(p); });
  // What each lab decides comes first: it is what a user of the dashboard came to change.
  const decided = (groups.strategy || []).filter((p) => typeof p.value === "number");
  if (decided.length) {
    const title = document.createElement("h3");
    title.textContent = GROUP_TITLES.strategy;
    root.appendChild(title);
    decided.forEach((p) => root.appendChild(parameterControl(p)));
  }
  const h = document.createElement("h3");
  h.textContent = "Uncertain inputs";
  root.appendChild(h);
  desc.inputs.filter((i) => Object.keys(i.params).length).forEach((i) => root.appendChild(inputControl(i)));
  if (groups.deal) {
    const title = document.createElement("h3");
    title.textContent = GROUP_TITLES.deal;
    root.appendChild(title);
    groups.deal.forEach((p) => root.appendChild(parameterControl(p)));
  }
  if (groups.strategy && groups.strategy.some((p) => typeof p.value !== "number")) {
    groups["strategy (set by inputs)"] = groups.strategy.filter((p) => typeof p.value !== "number");
  }
  const rest = Object.keys(groups).filter((k) => !(k in GROUP_TITLES));
  if (rest.length) {
    const more = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = "More parameters";
    more.appendChild(summary);
    rest.forEach((k) => {
      const t = document.createElement("h3");
      t.textContent = k;
      more.appendChild(t);
      groups[k].forEach((p) => more.appendChild(parameterControl(p)));
    });
    root.appendChild(more);
  }
}

// ---- runs ----------------------------------------------------------------------------------
function schedulePreview() {
  writeUrl();
  clearTimeout(timer);
  timer = setTimeout(preview, 40);
}

async function preview() {
  if (inflight) inflight.abort();
  const controller = new AbortController();
  inflight = controller;
  const started = performance.now();
  $("busy").hidden = false;
  try {
    const view = await api("POST", "/api/runs", {
      scenario: scenarioSource(),
      overrides: state.overrides,
      n_samples: state.config.preview_samples,
      seed: state.seed,
    }, controller.signal);
    if (controller !== inflight) return;
    clearError();
    render(view, `preview, ${view.manifest.n_samples.toLocaleString()} samples`, started);
  } catch (err) {
    if (err.name === "AbortError") return;
    showError(err.field, err.message);
  } finally {
    if (controller === inflight) { inflight = null; $("busy").hidden = true; }
  }
}

async function fullRun() {
  clearError();
  try {
    const job = await api("POST", "/api/runs", {
      scenario: scenarioSource(),
      overrides: state.overrides,
      n_samples: state.config.full_run_samples,
      seed: state.seed,
    });
    if (job.__status === 200) { render(job, `full run, ${job.manifest.n_samples.toLocaleString()} samples`, performance.now()); return; }
    state.run = job.id;
    writeUrl();
    follow(job.id);
  } catch (err) {
    showError(err.field, err.message);
  }
}

function follow(id) {
  $("job").hidden = false;
  $("full-run").disabled = true;
  clearInterval(poller);
  const tick = async () => {
    try {
      const s = await api("GET", `/api/runs/${encodeURIComponent(id)}`);
      const pct = Math.round(100 * (s.progress || 0));
      $("progress-bar").style.width = pct + "%";
      $("progress-text").textContent = `Full run: ${pct}% of ${Number(s.n_samples).toLocaleString()} samples (${s.status})`;
      if (s.status === "running") return;
      clearInterval(poller);
      $("full-run").disabled = false;
      $("cancel-run").hidden = true;
      if (s.status === "done") {
        render(s.results, `full run ${id}, ${Number(s.n_samples).toLocaleString()} samples`, performance.now());
        showRunDownloads(id);
      } else {
        showError("run", s.error || `the full run is ${s.status}`);
      }
    } catch (err) {
      clearInterval(poller);
      $("full-run").disabled = false;
      showError(err.field, err.message);
    }
  };
  $("cancel-run").hidden = false;
  $("cancel-run").onclick = () => api("DELETE", `/api/runs/${encodeURIComponent(id)}`).catch((e) => showError(e.field, e.message));
  poller = setInterval(tick, 300);
  tick();
}

function showRunDownloads(id) {
  $("dl-run").hidden = false;
  const base = `/api/runs/${encodeURIComponent(id)}/export?format=`;
  $("dl-parquet").href = base + "parquet";
  $("dl-samples-csv").href = base + "csv";
  $("dl-netcdf").href = base + "netcdf";
}

// ---- rendering -----------------------------------------------------------------------------
function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function render(view, label, started) {
  state.view = view;
  const h = view.headline;
  const text = escapeHtml(h.text).replace(/(\d+(\.\d+)?% ± (&lt;)?\d+(\.\d+)?%)/, '<span class="p">$1</span>');
  $("headline-text").innerHTML = text;
  $("headline-text").dataset.p = h.p === null ? "" : String(h.p);
  $("headline-details").replaceChildren(...(h.details || []).map((line) => {
    const li = document.createElement("li");
    li.textContent = line;
    return li;
  }));
  const labs = (view.coords.lab || []);
  const filter = $("lab-filter");
  filter.parentElement.hidden = labs.length < 2;
  if (filter.options.length !== labs.length + 1) {
    filter.replaceChildren(new Option("all labs", "all"), ...labs.map((l) => new Option(l, l)));
  }
  filter.value = labs.includes(state.lab) ? state.lab : "all";
  drawCharts(view);
  state.renders += 1;
  const pageMs = performance.now() - started;
  const m = view.manifest;
  $("status").textContent = `${label}, seed ${m.seed}; model ${(m.elapsed_s * 1000).toFixed(0)} ms, page updated in ${pageMs.toFixed(0)} ms`;
  document.body.dataset.renders = String(state.renders);
  document.body.dataset.pageMs = pageMs.toFixed(0);
}

function shownLabs(view) {
  const labs = view.coords.lab || [];
  return labs.map((l, i) => [l, i]).filter(([l]) => state.lab === "all" || state.lab === l);
}

function chartDiv(id) {
  let div = $(id);
  if (!div) {
    div = document.createElement("div");
    div.id = id;
    div.className = "chart";
    $("charts").appendChild(div);
  }
  return div;
}

const LAYOUT = {
  margin: { l: 60, r: 16, t: 42, b: 40 },
  font: { family: "system-ui, sans-serif", size: 12, color: "#1d2330" },
  legend: { orientation: "h", y: -0.15 },
  paper_bgcolor: "#fff",
  plot_bgcolor: "#fff",
  xaxis: { gridcolor: "#eef0f3" },
  yaxis: { gridcolor: "#eef0f3", zerolinecolor: "#c8cdd6" },
};

function layout(title, ytitle, extra) {
  return Object.assign({}, LAYOUT, {
    title: { text: title, x: 0.02, font: { size: 14 } },
    yaxis: Object.assign({}, LAYOUT.yaxis, { title: { text: ytitle } }),
  }, extra || {});
}

function rgba(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

function drawCharts(view) {
  const wanted = [];
  const years = view.coords.year || [];
  for (const [name, title, unit, scale, log] of FANS) {
    const out = view.outputs[name];
    if (!out || out.dims.join() !== "lab,year") continue;
    const traces = [];
    shownLabs(view).forEach(([lab, i]) => {
      const c = COLORS[i % COLORS.length];
      // A log axis cannot show zero or less: such points are left out, not faked.
      const pick = (k) => out.stats[k][i].map((v) => (v === null || (log && v <= 0) ? null : v * scale));
      traces.push({ x: years, y: pick("p95"), mode: "lines", line: { width: 0 }, hoverinfo: "skip", showlegend: false, legendgroup: lab });
      traces.push({ x: years, y: pick("p5"), mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: rgba(c, 0.18), name: `${lab} 5-95%`, legendgroup: lab, hovertemplate: "p5 %{y:.3g}<extra></extra>" });
      traces.push({ x: years, y: pick("p50"), mode: "lines+markers", line: { color: c, width: 2.5 }, marker: { size: 4 }, name: `${lab} median`, legendgroup: lab, hovertemplate: "median %{y:.3g}<extra></extra>" });
    });
    const yaxis = Object.assign({}, LAYOUT.yaxis, { title: { text: unit + (log ? " (log scale)" : "") }, type: log ? "log" : "linear", dtick: log ? 1 : undefined });
    wanted.push([`chart-${name}`, traces, layout(title, unit, { yaxis })]);
  }
  const ruin = view.outputs.is_ruined_by_year;
  if (ruin && ruin.dims.join() === "lab,year") {
    const traces = shownLabs(view).map(([lab, i]) => ({
      x: years, y: ruin.stats.mean[i], mode: "lines+markers", name: lab,
      line: { color: COLORS[i % COLORS.length], width: 2.5 },
      error_y: { type: "data", array: ruin.stats.mean_se[i].map((s) => 2 * s), visible: true, thickness: 1 },
      hovertemplate: "%{y:.1%}<extra>" + lab + "</extra>",
    }));
    wanted.push(["chart-ruin", traces, layout("P(ruin) by the end of each year", "probability", { yaxis: Object.assign({}, LAYOUT.yaxis, { tickformat: ".1%", rangemode: "tozero", title: { text: "probability" } }) })]);
  }
  for (const [name, hist] of Object.entries(view.histograms)) {
    const out = view.outputs[name];
    const mids = hist.edges.slice(0, -1).map((e, k) => (e + hist.edges[k + 1]) / 2 / 1e9);
    const labs = view.coords.lab || [];
    const traces = Object.entries(hist.counts)
      .filter(([label]) => state.lab === "all" || !labs.includes(label) || label === state.lab)
      .map(([label, counts], j) => {
        const i = labs.indexOf(label);
        const c = COLORS[(i >= 0 ? i : j) % COLORS.length];
        const total = counts.reduce((a, b) => a + b, 0) || 1;
        return { x: mids, y: counts.map((n) => n / total), type: "bar", name: label, marker: { color: rgba(c, 0.6), line: { color: c, width: 1 } }, hovertemplate: "%{x:.3g} bn: %{y:.1%}<extra>" + label + "</extra>" };
      });
    const title = `${HIST_TITLES[name] || name}: distribution (edge bars hold the tails)`;
    wanted.push([`chart-hist-${name}`, traces, layout(title, "share of samples", {
      barmode: "overlay", bargap: 0,
      xaxis: Object.assign({}, LAYOUT.xaxis, { title: { text: "USD bn" } }),
      yaxis: Object.assign({}, LAYOUT.yaxis, { tickformat: ".0%", title: { text: "share of samples" } }),
    }), out]);
  }
  const keep = new Set(wanted.map((w) => w[0]));
  Array.from($("charts").children).forEach((div) => { if (!keep.has(div.id)) { Plotly.purge(div); div.remove(); } });
  for (const [id, traces, lay] of wanted) {
    Plotly.react(chartDiv(id), traces, lay, { displaylogo: false, responsive: true });
  }
}

// ---- downloads -------------------------------------------------------------------------------
function save(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function baseName() {
  return (state.view && state.view.manifest.scenario) || "scenario";
}

function summaryRows(view) {
  const rows = [];
  for (const [name, out] of Object.entries(view.outputs)) {
    const stats = Object.keys(out.stats).filter((k) => k !== "n_samples");
    const walk = (index, dimIdx) => {
      if (dimIdx === out.dims.length) {
        const row = { output: name, element: index.map((k, d) => `${out.dims[d]}=${view.coords[out.dims[d]][k]}`).join(";"), units: out.units };
        stats.forEach((s) => { let v = out.stats[s]; index.forEach((k) => { v = v[k]; }); row[s] = v; });
        rows.push(row);
        return;
      }
      (view.coords[out.dims[dimIdx]] || []).forEach((_, k) => walk(index.concat([k]), dimIdx + 1));
    };
    walk([], 0);
  }
  return rows;
}

function toCsv(rows) {
  const cols = [];
  rows.forEach((r) => Object.keys(r).forEach((k) => { if (!cols.includes(k)) cols.push(k); }));
  const cell = (v) => (v === undefined || v === null ? "" : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return [cols.join(","), ...rows.map((r) => cols.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
}

async function downloadYaml() {
  try {
    const noChanges = Object.keys(state.overrides).length === 0;
    const desc = noChanges && state.description ? state.description
      : await api("POST", "/api/scenarios/describe", { scenario: scenarioSource(), overrides: state.overrides });
    save(`${baseName()}.yaml`, "application/x-yaml", desc.yaml);
  } catch (err) {
    showError(err.field, err.message);
  }
}

function downloadPngs() {
  Array.from($("charts").children).forEach((div) => {
    Plotly.downloadImage(div, { format: "png", width: 1000, height: 560, scale: 2, filename: `${baseName()}-${div.id.replace(/^chart-/, "")}` });
  });
}

// ---- errors ----------------------------------------------------------------------------------
function showError(field, message) {
  const box = $("error");
  box.hidden = false;
  box.textContent = field ? `${field}: ${message}` : message;
  document.querySelectorAll(".control.invalid").forEach((c) => c.classList.remove("invalid"));
  if (field) {
    const ctl = document.querySelector(`.control[data-path="${CSS.escape(field)}"]`);
    if (ctl) ctl.classList.add("invalid");
  }
}

function clearError() {
  $("error").hidden = true;
  document.querySelectorAll(".control.invalid").forEach((c) => c.classList.remove("invalid"));
}

// ---- scenario loading ------------------------------------------------------------------------
async function loadScenario() {
  try {
    const desc = state.yamlText !== null
      ? await api("POST", "/api/scenarios/describe", { scenario: state.yamlText })
      : await api("GET", `/api/scenarios/${encodeURIComponent(state.scenario)}`);
    state.description = desc;
    $("yaml-text").value = desc.yaml;
    buildControls(desc);
    clearError();
  } catch (err) {
    showError(err.field, err.message);
    $("headline-text").textContent = "This scenario cannot be run: see the message below.";
    return false;
  }
  return true;
}

async function start() {
  state.config = await api("GET", "/api/config");
  const list = await api("GET", "/api/scenarios");
  const select = $("scenario");
  list.forEach((s) => select.appendChild(new Option(`${s.name} (${s.kind})`, s.name)));
  select.appendChild(new Option("your own (YAML)", "__yaml__"));
  readUrl();
  select.value = state.yamlText !== null ? "__yaml__" : state.scenario;
  $("seed").value = String(state.seed);
  if (!(await loadScenario())) return;
  writeUrl();
  if (state.run) follow(state.run);
  else preview();

  select.addEventListener("change", async () => {
    if (select.value === "__yaml__") { $("yaml-panel").open = true; $("yaml-text").focus(); return; }
    state.scenario = select.value;
    state.yamlText = null;
    state.overrides = {};
    state.run = null;
    $("dl-run").hidden = true;
    if (await loadScenario()) schedulePreview();
  });
  $("seed").addEventListener("change", () => {
    if (!/^\d+$/.test($("seed").value)) { showError("seed", "must be a whole number >= 0"); return; }
    state.seed = Number($("seed").value);
    state.run = null;
    schedulePreview();
  });
  $("lab-filter").addEventListener("change", () => {
    state.lab = $("lab-filter").value;
    writeUrl();
    if (state.view) drawCharts(state.view);
  });
  $("full-run").addEventListener("click", fullRun);
  $("copy-link").addEventListener("click", async () => {
    writeUrl();
    try { await navigator.clipboard.writeText(location.href); $("copy-link").textContent = "Link copied"; } catch (e) { $("copy-link").textContent = "Copy the address bar"; }
    setTimeout(() => { $("copy-link").textContent = "Copy link"; }, 1500);
  });
  $("reset").addEventListener("click", async () => {
    state.overrides = {};
    state.run = null;
    if (await loadScenario()) schedulePreview();
  });
  $("yaml-file").addEventListener("change", async () => {
    const file = $("yaml-file").files[0];
    if (file) $("yaml-text").value = await file.text();
  });
  $("yaml-apply").addEventListener("click", async () => {
    state.yamlText = $("yaml-text").value;
    state.scenario = null;
    state.overrides = {};
    state.run = null;
    select.value = "__yaml__";
    if (await loadScenario()) schedulePreview();
  });
  $("dl-yaml").addEventListener("click", downloadYaml);
  $("dl-csv").addEventListener("click", () => state.view && save(`${baseName()}-summary.csv`, "text/csv", toCsv(summaryRows(state.view))));
  $("dl-json").addEventListener("click", () => state.view && save(`${baseName()}-summary.json`, "application/json", JSON.stringify({ manifest: state.view.manifest, headline: state.view.headline, outputs: state.view.outputs, coords: state.view.coords }, null, 2)));
  $("dl-png").addEventListener("click", downloadPngs);
}

start().catch((err) => showError(err.field || "page", err.message));
