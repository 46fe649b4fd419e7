// labecon dashboard: controls from the scenario's description, a preview run after each
// change, charts drawn with the Plotly.js this server ships. The whole state lives in the
// URL (scenario, seed, overrides, view, full run, the checks shown), so a copied link
// reopens it. ES modules: urlstate.js (the address), controls.js (the controls), charts.js,
// conventions.js (the conventions check), deals.js (each deal's worth to both sides),
// drivers.js (what moves the route answer), switch.js (when to switch routes), summary.js
// (downloads).
import { drawCharts, nameOf } from "./charts.js";
import { drawConventions } from "./conventions.js";
import { drawDeals } from "./deals.js";
import { drawBreakeven } from "./breakeven.js";
import { drawDrivers } from "./drivers.js";
import { drawSwitch } from "./switch.js";
import { buildControls } from "./controls.js";
import { save, summaryRows, toCsv } from "./summary.js";
import { SEED_RULE, readSeed, readUrl, writeUrl } from "./urlstate.js";

const state = {
  config: null,
  scenario: "two-strategies", // a built-in's name, or null when yamlText is used
  yamlText: null,
  seed: 1,
  overrides: {},
  lab: "all",
  run: null, // id of a full run whose results are shown
  conventions: false, // the conventions check is shown (for the scenario as it is)
  deals: false, // each deal's worth to both sides is shown (for the scenario as it is)
  drivers: false, // what moves the route answer is shown (for the scenario as it is)
  words: false, // each route's answer in words is unfolded
  switch: false, // when to switch routes is shown (for the scenario as it is)
  switchTo: null, // the switch asked: "lab:route"
  breakeven: null, // where an input turns a route answer, under its tornado: "lab:route|input[|second input]"
  apart: false, // the tornado and break-evens hold the inputs the scenario correlates at their medians
  description: null,
  view: null,
  renders: 0,
};
let inflight = null;
let timer = null;
let driversShown = null; // what moves the route answer, as drawn: redrawn for another lab without asking
let dealsShown = null; // each deal's worth to both sides, as drawn: redrawn for another lab without asking
let conventionsShown = null; // the conventions check, as drawn: redrawn for another lab without asking
let poller = null;

const $ = (id) => document.getElementById(id);

// ---- API -------------------------------------------------------------------------------------
async function api(method, path, body, signal) {
  const init = { method, signal, headers: {} };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["content-type"] = "application/json";
  }
  const response = await fetch(path, init);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw requestError(response, data);
  data.__status = response.status;
  data.__serverMs = parseFloat((response.headers.get("server-timing") || "").split("dur=")[1]);
  return data;
}

// As api(), for a route that answers with text (errors are still JSON).
async function apiText(method, path, body) {
  const response = await fetch(path, { method, body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  if (response.ok) return response.text();
  throw requestError(response, await response.json().catch(() => ({})));
}

// The error of a failed request: the field and message of the server's first detail.
function requestError(response, data) {
  const d = (data.detail && data.detail[0]) || { field: "request", message: response.statusText };
  const err = new Error(d.message);
  err.field = d.field;
  err.status = response.status;
  return err;
}

function scenarioSource() {
  return state.yamlText !== null ? state.yamlText : state.scenario;
}

// ---- controls --------------------------------------------------------------------------------
function setOverride(path, value, base) {
  if (JSON.stringify(value) === JSON.stringify(base)) delete state.overrides[path];
  else state.overrides[path] = value;
  const box = document.querySelector(`.control[data-path="${CSS.escape(path)}"]`);
  if (box) box.classList.toggle("changed", path in state.overrides);
  leaveRun();
  schedulePreview();
}

// ---- runs ----------------------------------------------------------------------------------
// A change previews at once; one that comes within QUIET_MS of the change before it (a key
// held on a slider) waits that long, so that a burst of changes is sent as one preview.
const QUIET_MS = 40;
let lastChange = -Infinity;

function schedulePreview() {
  state.conventions = false; // it answered for the scenario before this change
  state.deals = false;
  state.drivers = false;
  state.switch = false;
  driversFromLink = false;
  switchFromLink = false;
  breakevenFromLink = false;
  state.breakeven = null;
  driversShown = null;
  dealsShown = null;
  conventionsShown = null;
  writeUrl(state);
  $("conventions").hidden = true;
  $("deals").hidden = true;
  $("drivers").hidden = true;
  $("switch").hidden = true;
  clearTimeout(timer);
  const now = performance.now();
  const wait = now - lastChange < QUIET_MS ? QUIET_MS : 0;
  lastChange = now;
  timer = setTimeout(preview, wait);
}

let linkProblem = null; // a part of the opening link that could not be used: said after the first preview
// The opening link asked for what moves the route answer: asked once the first view says a lab
// names an alternative route (else the link's check is dropped, not answered with an error).
let driversFromLink = false;
// The opening link asked when to switch: asked once the first view offers that switch.
let switchFromLink = false;
// The opening link asked where an input turns a route answer: asked once its tornado is drawn.
let breakevenFromLink = false;

async function preview() {
  if (inflight) inflight.abort();
  const controller = new AbortController();
  inflight = controller;
  const started = performance.now();
  $("busy").hidden = false;
  try {
    const view = await api("POST", "/api/runs", previewBody(), controller.signal);
    if (controller !== inflight) return;
    clearError();
    render(view, `preview, ${view.manifest.n_samples.toLocaleString()} samples`, started);
    if (linkProblem) { showError(linkProblem.field, linkProblem.message); linkProblem = null; }
  } catch (err) {
    if (err.name === "AbortError") return;
    showError(err.field, err.message);
    markStale(true);
  } finally {
    if (controller === inflight) { inflight = null; $("busy").hidden = true; }
  }
}

// The scenario shown, as a preview asks for it.
function previewBody() {
  return {
    scenario: scenarioSource(),
    overrides: state.overrides,
    n_samples: state.config.preview_samples,
    seed: state.seed,
  };
}

// A check of the scenario shown, on demand: `name` is its endpoint (/api/NAME), its box (#NAME),
// its busy note (#NAME-busy), its button (#check-NAME) and its flag in the state (and the link).
async function askCheck(name, body, draw) {
  clearError();
  const asked = JSON.stringify(previewBody());
  $(`${name}-busy`).hidden = false;
  $(`check-${name}`).disabled = true;
  try {
    const data = await api("POST", `/api/${name}`, body);
    if (asked === JSON.stringify(previewBody())) { // not stale
      draw(data);
      state[name] = true;
      writeUrl(state);
    }
  } catch (err) {
    showError(err.field, err.message);
  } finally {
    $(`${name}-busy`).hidden = true;
    $(`check-${name}`).disabled = false;
  }
}

// The route answer under the model's other conventions.
function checkConventions() {
  return askCheck("conventions", previewBody(), (data) => {
    conventionsShown = data;
    drawConventions($("conventions"), data, state.lab);
  });
}

// What each deal is worth to its lab and to its partner, on the same futures.
function checkDeals() {
  return askCheck("deals", previewBody(), (data) => {
    dealsShown = data;
    drawDeals($("deals"), data, state.lab);
  });
}

// What moves each route answer: a tornado per lab (redrawn, not asked again, for another lab).
function checkDrivers() {
  const body = previewBody();
  delete body.n_samples; // one point per input and quantile: no sample count applies
  body.correlated = !state.apart;
  return askCheck("drivers", body, (data) => {
    driversShown = data;
    drawDrivers($("drivers"), data, state.lab, checkBreakeven, moveTogether);
    if (breakevenFromLink) breakevenAsLinked(data);
  });
}

// The tornado asked again with the inputs the scenario correlates moving together, or held apart.
function moveTogether(together) {
  state.apart = !together;
  state.breakeven = null; // asked the other way: it is not under the new tornado
  writeUrl(state);
  return checkDrivers();
}

// Where `input` turns the answer of `route` ("lab:route"), drawn into `into` under its tornado; with
// `by`, at each of five values of that second input.
async function checkBreakeven(route, input, into, by = null) {
  clearError();
  // Nine values (times five of the second input) and the inputs as drawn, on as many futures as the
  // server runs at once (up to 1,000).
  const cells = by ? 9 * 5 + 1 : 10;
  const futures = Math.min(1000, Math.floor(state.config.immediate_max_samples / cells));
  const body = { ...previewBody(), route, input_name: input, points: 9, futures, correlated: !state.apart };
  if (by) Object.assign(body, { by, by_points: 5 });
  delete body.n_samples; // its own futures: no preview sample count applies
  const asked = JSON.stringify(previewBody());
  const busy = document.createElement("span");
  busy.className = "hint";
  busy.textContent = by ? `finding where ${input} turns the answer at each value of ${by}…` : `finding where ${input} turns the answer…`;
  into.replaceChildren(busy);
  into.hidden = false;
  try {
    const data = await api("POST", "/api/breakeven", body);
    if (asked !== JSON.stringify(previewBody())) return; // stale
    const inputs = driversShown ? driversShown.inputs : [];
    drawBreakeven(into, data, { inputs, onBy: (second) => checkBreakeven(route, input, into, second) });
    state.breakeven = [route, input, ...(by ? [by] : [])].join("|");
    writeUrl(state);
  } catch (err) {
    into.hidden = true;
    showError(err.field, err.message);
  }
}

// The break-even the opening link asked, once the tornado it is under is drawn (dropped if the
// scenario no longer has that route or input).
function breakevenAsLinked(data) {
  breakevenFromLink = false;
  const [route, input, by] = (state.breakeven || "").split("|");
  const lab = (route || "").split(":")[0];
  const chart = $(`drivers-${lab}`);
  if (!chart || !(route in data.base) || !data.inputs.includes(input)) {
    state.breakeven = null;
    writeUrl(state);
    return;
  }
  const pick = chart.parentElement.querySelector("select");
  if (pick.value !== route) { pick.value = route; pick.dispatchEvent(new Event("change")); }
  checkBreakeven(route, input, $(`breakeven-${lab}`), by && data.inputs.includes(by) && by !== input ? by : null);
}

// When the lab chosen should switch to the route chosen: each date a route, on the same futures.
function checkSwitch() {
  const [lab, ...route] = $("switch-to").value.split(":");
  state.switchTo = $("switch-to").value;
  return askCheck("switch", { ...previewBody(), lab, to: route.join(":") }, (data) => drawSwitch($("switch"), data));
}

// The switches the view offers, in the picker (the one asked before kept); the panel hidden without any.
function offerSwitches(view) {
  const targets = view.switch_targets || [];
  document.querySelector(".switch").hidden = targets.length === 0;
  const pick = $("switch-to");
  const values = targets.map((t) => `${t.lab}:${t.to}`);
  if ([...pick.options].map((o) => o.value).join() !== values.join()) {
    pick.replaceChildren(...targets.map((t) => new Option(t.label, `${t.lab}:${t.to}`)));
  }
  if (values.includes(state.switchTo)) pick.value = state.switchTo;
  if (switchFromLink) {
    switchFromLink = false;
    if (values.includes(state.switchTo)) checkSwitch();
    else { state.switch = false; writeUrl(state); }
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
    writeUrl(state);
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
      if (state.run !== id) { // the scenario changed since: this run's results are not of the one shown
        clearInterval(poller);
        $("job").hidden = true;
        $("full-run").disabled = false;
        if (s.status === "running") api("DELETE", `/api/runs/${encodeURIComponent(id)}`).catch(() => {});
        return;
      }
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

// A change to the scenario leaves the full run of the one before: it is not shown when it ends
// (the controls would say one scenario, the figures another) and, if still running, it is
// cancelled, so that it does not hold one of the server's jobs; its samples are not offered.
function leaveRun() {
  state.run = null;
  $("dl-run").hidden = true;
}

function showRunDownloads(id) {
  $("dl-run").hidden = false;
  const base = `/api/runs/${encodeURIComponent(id)}/export?format=`;
  $("dl-parquet").href = base + "parquet";
  $("dl-samples-csv").href = base + "csv";
  $("dl-netcdf").href = base + "netcdf";
  $("dl-report").href = `/api/runs/${encodeURIComponent(id)}/report`;
}

// ---- rendering -----------------------------------------------------------------------------
function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function showLines(id, lines) {
  $(id).replaceChildren(...lines.map((line) => {
    const li = document.createElement("li");
    li.textContent = line;
    return li;
  }));
}

// Each lab's route answer in sentences (the command line's and the report's), one list per lab.
function showRouteWords(blocks) {
  $("route-words").hidden = blocks.length === 0;
  $("route-words-body").replaceChildren(...blocks.flatMap((block) => {
    const title = document.createElement("h3");
    title.textContent = block.title;
    const list = document.createElement("ul");
    list.replaceChildren(...block.lines.map((line) => {
      const li = document.createElement("li");
      li.textContent = line;
      return li;
    }));
    return [title, list];
  }));
}

function render(view, label, started) {
  state.view = view;
  const h = view.headline;
  const text = escapeHtml(h.text).replace(/(\d+(\.\d+)?% ± (&lt;)?\d+(\.\d+)?%)/, '<span class="p">$1</span>');
  $("headline-text").innerHTML = text;
  $("headline-text").dataset.p = h.p === null ? "" : String(h.p);
  showLines("headline-details", h.details || []);
  showRouteWords(view.route_answers || []);
  const warned = view.warnings || [];
  $("input-warnings").hidden = warned.length === 0;
  showLines("input-warnings", warned);
  const labs = (view.coords.lab || []);
  const filter = $("lab-filter");
  filter.parentElement.hidden = labs.length < 2;
  if (filter.options.length !== labs.length + 1) {
    filter.replaceChildren(new Option("all labs", "all"), ...labs.map((l) => new Option(nameOf(view, "lab", l), l)));
  }
  filter.value = labs.includes(state.lab) ? state.lab : "all";
  drawCharts(view, state.lab);
  // The model's other conventions move a route answer: offered where there is one.
  document.querySelector(".conventions").hidden = !(view.coords.route || []).length;
  // What each deal is worth to both sides: offered where a lab has a deal.
  document.querySelector(".deals").hidden = !(view.coords.deal || []).length;
  // What moves a route's gain: offered where some lab names an alternative to its declared route.
  document.querySelector(".drivers").hidden = !view.route_alternatives;
  offerSwitches(view);
  if (driversFromLink) {
    driversFromLink = false;
    if (view.route_alternatives) checkDrivers();
    else { state.drivers = false; writeUrl(state); }
  }
  markStale(false);
  state.renders += 1;
  const pageMs = performance.now() - started;
  const m = view.manifest;
  $("status").textContent = `${label}, seed ${m.seed}; model ${(m.elapsed_s * 1000).toFixed(0)} ms, page updated in ${pageMs.toFixed(0)} ms`;
  document.body.dataset.renders = String(state.renders);
  document.body.dataset.pageMs = pageMs.toFixed(0);
}

// ---- downloads -------------------------------------------------------------------------------
function baseName() {
  return (state.view && state.view.manifest.scenario) || "scenario";
}

async function downloadYaml() {
  try {
    const noChanges = Object.keys(state.overrides).length === 0;
    const asIs = state.yamlText !== null ? state.yamlText : state.description && state.description.yaml;
    const text = noChanges && asIs ? asIs
      : await apiText("POST", "/api/scenarios/yaml", { scenario: scenarioSource(), overrides: state.overrides });
    save(`${baseName()}.yaml`, "application/x-yaml", text);
  } catch (err) {
    showError(err.field, err.message);
  }
}

async function downloadPngs() {
  // The charts out of view may still be drawing (charts.js): each image is of the latest view.
  while (document.body.dataset.chartsDrawn === "false") await new Promise((resolve) => setTimeout(resolve, 20));
  // One after another: a browser drops some of a dozen downloads started at the same moment.
  for (const div of Array.from($("charts").children)) {
    await Plotly.downloadImage(div, { format: "png", width: 1000, height: 560, scale: 2, filename: `${baseName()}-${div.id.replace(/^chart-/, "")}` });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // What moves the route answer, when it is shown: each tornado at its own height.
  const tornados = $("drivers").hidden ? [] : document.querySelectorAll("#drivers .driver-chart.js-plotly-plot");
  for (const div of tornados) {
    await Plotly.downloadImage(div, { format: "png", width: 1000, height: div.layout.height, scale: 2, filename: `${baseName()}-${div.id}` });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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

// After an error the last results stay on the page, dimmed and said to be the last that ran.
function markStale(stale) {
  document.body.classList.toggle("stale", stale);
  $("stale-note").hidden = !stale || !state.view;
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
    // A pasted scenario stays as written, comments and all (the description's YAML has none).
    $("yaml-text").value = state.yamlText !== null ? state.yamlText : desc.yaml;
    buildControls(desc, state.overrides, setOverride);
    clearError();
  } catch (err) {
    showError(err.field, err.message);
    $("headline-text").textContent = "This scenario cannot be run: see the message below.";
    markStale(true);
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
  // What the link asked for that cannot be: said once the page has run without it.
  readUrl(state, (field, message) => { showError(field, message); linkProblem = { field, message }; });
  select.value = state.yamlText !== null ? "__yaml__" : state.scenario;
  $("seed").value = String(state.seed);
  if (!(await loadScenario())) return;
  writeUrl(state);
  if (state.run) follow(state.run);
  else preview();
  if (state.conventions) checkConventions(); // the link was copied with the check shown
  if (state.deals) checkDeals();
  driversFromLink = state.drivers;
  switchFromLink = state.switch;
  breakevenFromLink = state.drivers && Boolean(state.breakeven);
  $("route-words").open = state.words;
  $("route-words").addEventListener("toggle", () => {
    state.words = $("route-words").open;
    writeUrl(state);
  });

  select.addEventListener("change", async () => {
    if (select.value === "__yaml__") { $("yaml-panel").open = true; $("yaml-text").focus(); return; }
    state.scenario = select.value;
    state.yamlText = null;
    state.overrides = {};
    leaveRun();
    if (await loadScenario()) schedulePreview();
  });
  $("seed").addEventListener("change", () => {
    const seed = readSeed($("seed").value.trim());
    if (seed === null) { showError("seed", SEED_RULE); return; }
    state.seed = seed;
    leaveRun();
    schedulePreview();
  });
  $("lab-filter").addEventListener("change", () => {
    state.lab = $("lab-filter").value;
    writeUrl(state);
    if (state.view) drawCharts(state.view, state.lab);
    state.breakeven = null; // the tornadoes are drawn again, without it
    writeUrl(state);
    if (driversShown) drawDrivers($("drivers"), driversShown, state.lab, checkBreakeven, moveTogether);
    if (dealsShown) drawDeals($("deals"), dealsShown, state.lab);
    if (conventionsShown) drawConventions($("conventions"), conventionsShown, state.lab);
  });
  $("full-run").addEventListener("click", fullRun);
  $("check-conventions").addEventListener("click", checkConventions);
  $("check-deals").addEventListener("click", checkDeals);
  $("check-drivers").addEventListener("click", checkDrivers);
  $("check-switch").addEventListener("click", checkSwitch);
  $("switch-to").addEventListener("change", () => {
    state.switchTo = $("switch-to").value;
    state.switch = false;
    $("switch").hidden = true;
    writeUrl(state);
  });
  $("copy-link").addEventListener("click", async () => {
    writeUrl(state);
    try { await navigator.clipboard.writeText(location.href); $("copy-link").textContent = "Link copied"; } catch (e) { $("copy-link").textContent = "Copy the address bar"; }
    setTimeout(() => { $("copy-link").textContent = "Copy link"; }, 1500);
  });
  $("reset").addEventListener("click", async () => {
    state.overrides = {};
    leaveRun();
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
    leaveRun();
    select.value = "__yaml__";
    if (await loadScenario()) schedulePreview();
  });
  $("dl-yaml").addEventListener("click", downloadYaml);
  $("dl-csv").addEventListener("click", () => state.view && save(`${baseName()}-summary.csv`, "text/csv", toCsv(summaryRows(state.view))));
  $("dl-json").addEventListener("click", () => state.view && save(`${baseName()}-summary.json`, "application/json", JSON.stringify({ manifest: state.view.manifest, headline: state.view.headline, outputs: state.view.outputs, coords: state.view.coords, names: state.view.names }, null, 2)));
  $("dl-png").addEventListener("click", downloadPngs);
  // The Download menu closes once a download is chosen, or on a click elsewhere on the page.
  const menu = document.querySelector("details.menu");
  menu.querySelector(".menu-items").addEventListener("click", (e) => {
    if (e.target.closest("button, a")) menu.open = false;
  });
  document.addEventListener("click", (e) => { if (menu.open && !menu.contains(e.target)) menu.open = false; });
}

start().catch((err) => showError(err.field || "page", err.message));
