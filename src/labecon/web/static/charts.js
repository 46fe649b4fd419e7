// Charts of a run's view with Plotly.js: fan charts by year, P(ruin) by year, distributions.
// Ten distinct colours: a chart of eight deals still tells each apart.
export const COLORS = ["#1f5fa8", "#d9641e", "#2a9d8f", "#8e44ad", "#c0392b", "#7f8c8d", "#b8860b", "#e377c2", "#17becf", "#556b2f"];

// Output, title, axis unit, scale, log axis (growth over a decade spans orders of magnitude).
const FANS = [
  ["revenue_usd_by_year", "Revenue by year (median, 5-95% band)", "USD bn per year", 1e-9, true],
  ["cash_usd_by_year", "Cash at the end of each year (median, 5-95% band)", "USD bn", 1e-9, false],
  ["capacity_h100e_by_year", "Compute capacity at the end of each year (median, 5-95% band)", "million H100e", 1e-6, true],
  ["data_centre_built_gw_by_year", "Own and leased data centres at year end (median, 5-95% band)", "GW of IT capacity", 1, false],
];

const HIST_TITLES = {
  npv_fcf_usd: "NPV of free cash flow",
  peak_funding_need_usd: "Peak funding need",
  partner_deal_npv_usd: "Each partner's NPV of its deal",
  route_npv_usd: "NPV on each route",
  route_gain_usd: "Gain over the declared route",
  route_regret_usd: "Shortfall from the best route",
  route_compute_usd_per_h100e_hour: "Compute cost per H100e-hour by route",
  compute_usd_per_h100e_hour: "Compute cost per H100e-hour",
  pv_rent: "Present value of renting",
  pv_build: "Present value of building",
  saving: "Saving of building over renting",
};

// A lab's, route's or deal's name for readers (the view's `names`, by dimension), else its key.
export function nameOf(view, dim, key) {
  return ((view.names || {})[dim] || {})[key] || key;
}

function shownLabs(view, lab) {
  const labs = view.coords.lab || [];
  return labs.map((l, i) => [l, i]).filter(([l]) => lab === "all" || lab === l);
}

// The labs a series is about: a lab ("lab_own"), a route ("lab_own:commit"), a deal ("aws:lab_own").
function _about(label, labs) {
  return label.split(":").filter((part) => labs.includes(part));
}

function chartDiv(id) {
  let div = document.getElementById(id);
  if (!div) {
    div = document.createElement("div");
    div.id = id;
    div.className = "chart";
    document.getElementById("charts").appendChild(div);
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

// Draw (or redraw in place) every chart the view has data for; `lab` is a lab's name or "all".
export function drawCharts(view, lab) {
  const wanted = [];
  const years = view.coords.year || [];
  for (const [name, title, unit, scale, log] of FANS) {
    const out = view.outputs[name];
    if (!out || out.dims.join() !== "lab,year") continue;
    const traces = [];
    const shown = shownLabs(view, lab);
    // A log axis cannot show zero or less (a ruined lab's revenue): a band's lower edge there
    // is drawn at the axis floor, so the band reaches the bottom and its hover says "0 or less".
    const positive = shown.flatMap(([, i]) => ["p5", "p50", "p95"].flatMap((k) => out.stats[k][i]))
      .filter((v) => v !== null && v > 0).map((v) => v * scale);
    const floor = log && positive.length ? 10 ** Math.floor(Math.log10(Math.min(...positive))) : null;
    shown.forEach(([lab, i]) => {
      const said = nameOf(view, "lab", lab);
      const c = COLORS[i % COLORS.length];
      const pick = (k, atFloor) => out.stats[k][i].map((v) => (v === null ? null : log && v <= 0 ? atFloor : v * scale));
      const p5Text = out.stats.p5[i].map((v) => (v === null ? "" : log && v <= 0 ? "0 or less" : String(Number((v * scale).toPrecision(3)))));
      traces.push({ x: years, y: pick("p95", floor), mode: "lines", line: { width: 0 }, hoverinfo: "skip", showlegend: false, legendgroup: lab });
      traces.push({ x: years, y: pick("p5", floor), customdata: p5Text, mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: rgba(c, 0.18), name: `${said} 5-95%`, legendgroup: lab, hovertemplate: "p5 %{customdata}<extra></extra>" });
      traces.push({ x: years, y: pick("p50", null), mode: "lines+markers", line: { color: c, width: 2.5 }, marker: { size: 4 }, name: `${said} median`, legendgroup: lab, hovertemplate: "median %{y:.3g}<extra></extra>" });
    });
    const range = floor !== null ? [Math.log10(floor), Math.log10(Math.max(...positive)) + 0.1] : undefined;
    const yaxis = Object.assign({}, LAYOUT.yaxis, { title: { text: unit + (log ? " (log scale)" : "") }, type: log ? "log" : "linear", dtick: log ? 1 : undefined, range });
    wanted.push([`chart-${name}`, traces, layout(title, unit, { yaxis })]);
  }
  const ruin = view.outputs.is_ruined_by_year;
  if (ruin && ruin.dims.join() === "lab,year") {
    const traces = shownLabs(view, lab).map(([lab, i]) => ({
      x: years, y: ruin.stats.mean[i], mode: "lines+markers", name: nameOf(view, "lab", lab),
      line: { color: COLORS[i % COLORS.length], width: 2.5 },
      // A chance is never below 0: the lower bar stops there.
      error_y: { type: "data", array: ruin.stats.mean_se[i].map((s) => 2 * s), arrayminus: ruin.stats.mean_se[i].map((s, k) => Math.min(2 * s, ruin.stats.mean[i][k] || 0)), visible: true, thickness: 1 },
      hovertemplate: "%{y:.1%}<extra>" + nameOf(view, "lab", lab) + "</extra>",
    }));
    // From 0 to a little above the highest interval, and at least to 1%: with every chance at
    // zero Plotly's own range is 0 to 1. Ticks as the report's (".3~%": 0.05% and 0.1% read apart,
    // and 1% not as 1.000%).
    const top = Math.max(0, ...shownLabs(view, lab).flatMap(([, i]) => ruin.stats.mean[i].map((m, k) => (m || 0) + 2 * (ruin.stats.mean_se[i][k] || 0))));
    const range = [0, Math.min(1, Math.max(top * 1.15, 0.01))];
    wanted.push(["chart-ruin", traces, layout("P(ruin) by the end of each year", "probability", { yaxis: Object.assign({}, LAYOUT.yaxis, { tickformat: ".3~%", range, title: { text: "probability" } }) })]);
  }
  for (const [name, hist] of Object.entries(view.histograms)) {
    const out = view.outputs[name];
    // Money in USD bn; a unit cost in its own unit (the histogram says which).
    const scale = hist.scale || 1e-9;
    const unit = hist.unit || "USD bn";
    const mids = hist.edges.slice(0, -1).map((e, k) => ((e + hist.edges[k + 1]) / 2) * scale);
    const labs = view.coords.lab || [];
    // A series keeps its colour from chart to chart: its place among its dimension's labels.
    const series = out && out.dims.length === 1 ? view.coords[out.dims[0]] || [] : [];
    const shownSeries = Object.entries(hist.counts)
      .filter(([label]) => lab === "all" || _about(label, labs).every((l) => l === lab))
      .map(([label, counts], j) => {
        const i = series.indexOf(label);
        const said = out && out.dims.length === 1 ? nameOf(view, out.dims[0], label) : label;
        // Lines of one lab share a dash (its routes, its deals), each its own colour.
        const dash = LAB_DASHES[Math.max(0, labs.indexOf(_about(label, labs)[0])) % LAB_DASHES.length];
        return { label, counts, said, dash, c: COLORS[(i >= 0 ? i : j) % COLORS.length] };
      });
    const heading = HIST_TITLES[name] || name;
    // Decided on every series, not those of the lab shown: a chart keeps its kind when a lab is picked.
    if (Object.keys(hist.counts).length >= CUMULATIVE_FROM && hist.cdf) {
      wanted.push([`chart-hist-${name}`, ...cumulative(heading, unit, scale, hist, shownSeries), out]);
      continue;
    }
    const traces = shownSeries.map(({ counts, said, c }) => {
      const total = counts.reduce((a, b) => a + b, 0) || 1;
      return { x: mids, y: counts.map((n) => n / total), type: "bar", name: said, marker: { color: rgba(c, 0.6), line: { color: c, width: 1 } }, hovertemplate: `%{x:.3g} ${unit}: %{y:.1%}<extra>${said}</extra>` };
    });
    // The unit is in the title: an axis title under the bars would sit in the legend's rows.
    const title = `${heading}, ${unit} (edge bars: the tails)`;
    wanted.push([`chart-hist-${name}`, traces, layout(title, "share of samples", {
      barmode: "overlay", bargap: 0,
      xaxis: Object.assign({}, LAYOUT.xaxis),
      yaxis: Object.assign({}, LAYOUT.yaxis, { tickformat: ".0%", title: { text: "share of samples" } }),
    }), out]);
  }
  const keep = new Set(wanted.map((w) => w[0]));
  Array.from(document.getElementById("charts").children).forEach((div) => { if (!keep.has(div.id)) { Plotly.purge(div); div.remove(); } });
  // The charts in view now; the rest one at a time in the tasks that follow, so that the
  // page shows a change sooner (each chart takes 15-25 ms to draw). A newer view drops them.
  clearTimeout(laterDraw);
  document.body.dataset.chartsDrawn = "false";
  const later = [];
  for (const item of wanted) {
    if (inView(chartDiv(item[0]))) draw(item);
    else later.push(item);
  }
  const drawNext = () => {
    const item = later.shift();
    if (item === undefined) {
      document.body.dataset.chartsDrawn = "true";  // for tests and the benchmark: all drawn
      return;
    }
    draw(item);
    laterDraw = setTimeout(drawNext, 0);
  };
  laterDraw = setTimeout(drawNext, 0);
}

let laterDraw = null;

// From this many series a distribution is drawn as cumulative lines: overlaid bars hide one
// another (six routes, eight deals), lines stay apart, and the share at or below a value (below
// zero, for a gain) reads straight off them.
export const CUMULATIVE_FROM = 3;
const LAB_DASHES = ["solid", "dash", "dot", "dashdot"];

// Traces and layout of a distribution as each series' share of samples at or below each value:
// exact at the bins' edges, the tails included (the line starts above 0 and ends below 1 by them).
function cumulative(heading, unit, scale, hist, shownSeries) {
  const x = hist.edges.map((e) => e * scale);
  const traces = shownSeries.map(({ label, said, c, dash }) => ({
    x, y: hist.cdf[label], mode: "lines", name: said, line: { color: c, width: 2, dash },
    hovertemplate: `at or below %{x:.3g} ${unit}: %{y:.1%}<extra>${said}</extra>`,
  }));
  // A gain's sign decides: mark zero where the bins span it.
  const shapes = x[0] < 0 && x[x.length - 1] > 0
    ? [{ type: "line", x0: 0, x1: 0, y0: 0, y1: 1, yref: "paper", line: { color: "#8a93a3", width: 1, dash: "dot" } }]
    : [];
  const title = `${heading}, ${unit} (cumulative)`;
  return [traces, layout(title, "share of samples at or below", {
    shapes,
    xaxis: Object.assign({}, LAYOUT.xaxis),
    yaxis: Object.assign({}, LAYOUT.yaxis, { tickformat: ".0%", range: [0, 1.02], title: { text: "share at or below" } }),
  })];
}

// A chart's height: its plot keeps its size however many rows its legend takes. An entry is about
// its swatch and its name wide; long names (a deal: "Microsoft Azure with Anthropic-like lab") take a row
// each, and without room the legend scrolled and the plot shrank to a strip.
const CHART_HEIGHT_PX = 320;
const LEGEND_ROW_PX = 20;

export function chartHeight(traces, widthPx) {
  const names = traces.filter((t) => t.showlegend !== false && t.name).map((t) => t.name);
  if (names.length < 2) return CHART_HEIGHT_PX;
  const entryPx = 46 + 6.5 * Math.max(...names.map((n) => n.length));
  const perRow = Math.max(1, Math.floor((widthPx - LAYOUT.margin.l) / entryPx));
  const rows = Math.ceil(names.length / perRow);
  return CHART_HEIGHT_PX + LEGEND_ROW_PX * Math.max(0, rows - 2);
}

function draw([id, traces, lay]) {
  const div = chartDiv(id);
  const height = chartHeight(traces, div.clientWidth || 440);
  Plotly.react(div, traces, Object.assign({}, lay, { height }), { displaylogo: false, responsive: true });
}

function inView(div) {
  const box = div.getBoundingClientRect();
  return box.bottom > 0 && box.top < window.innerHeight;
}
