// What moves each route answer (POST /api/drivers), on demand: for each lab, a tornado of one
// alternative route's gain over the declared route, each input alone at its 5th and 95th
// percentiles, the others at their medians (those the scenario correlates with it at their medians
// given it), each point the mean over the same futures.

import { COLORS } from "./charts.js";
import { tableDownload } from "./summary.js";

const [LOW, HIGH] = COLORS; // the dashboard's first two colours, as its other charts

function billions(usd) {
  return usd / 1e9;
}

// US dollars as the CLI writes them: -$32B, $1.28T (the sign before the dollar).
function money(usd) {
  const b = Math.abs(billions(usd));
  const sign = usd < 0 ? "-" : "";
  return b >= 1000 ? `${sign}$${(b / 1000).toFixed(2)}T` : `${sign}$${b.toFixed(b >= 10 ? 0 : 1)}B`;
}

// An input's value as the CLI writes it (labecon.amounts.input_amount): dollars where its units are
// ("$10M per MW"), else three significant figures, in scientific notation only below 0.001.
function value(x, units) {
  const dollars = (units || "").startsWith("USD");
  const rest = dollars ? units.slice(3).trim() : units;
  const a = Math.abs(x);
  const sign = x < 0 ? "-" : "";
  let shown;
  if (a >= 1000 && dollars) {
    const [scale, suffix] = [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "K"]].find(([s]) => a >= s * 0.9995);
    shown = `${sign}$${+(a / scale).toPrecision(3)}${suffix}`;
  } else if (a >= 1000) {
    shown = Number(x.toPrecision(3)).toLocaleString("en-US");
  } else {
    shown = sign + (dollars ? "$" : "") + (a >= 1e-3 || a === 0 ? String(+a.toPrecision(3)) : a.toExponential(2));
  }
  return rest ? `${shown} ${rest}` : shown;
}

// The alternatives of each lab ("lab:route"), the one with the highest gain at the medians first.
function alternativesByLab(data) {
  const byLab = {};
  for (const route of Object.keys(data.base)) {
    const lab = route.split(":")[0];
    (byLab[lab] = byLab[lab] || []).push(route);
  }
  for (const routes of Object.values(byLab)) routes.sort((a, b) => data.base[b] - data.base[a]);
  return byLab;
}

// What became of the inputs the scenario correlates with each swept, each group said once in words
// (labecon.analysis.conditional's moved_words), as a sentence and a space, or "".
function movedWords(data) {
  const groups = [];
  for (const [name, others] of Object.entries(data.moved_with || {})) {
    const group = [name, ...others];
    const key = [...group].sort().join("|");
    if (others.length && !groups.some((g) => g.key === key)) groups.push({ key, group });
  }
  if (!groups.length) return "";
  const words = (n) => data.descriptions[n] || n;
  const listed = (names) => (names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`);
  const said = groups.map(({ group }) => listed(group.map(words))).join("; ");
  return data.correlated === false
    ? `Inputs the scenario correlates stayed at their medians, their correlation set aside: ${said}. `
    : `Inputs the scenario correlates moved together, each to its median given the one swept: ${said}. `;
}

// The inputs that moved with one swept, as the hover says them after its value ("" if none).
function movingWith(data, name) {
  const others = data.correlated === false ? null : (data.moved_with || {})[name];
  const words = (others || []).map((n) => data.descriptions[n] || n);
  return words.length ? `, ${words.join(", ")} moving with it` : "";
}

function drawTornado(div, data, route) {
  const lab = route.split(":")[0];
  const declared = data.declared[lab];
  const base = data.base[route];
  const rows = data.inputs.map((name, i) => ({
    label: data.descriptions[name] || name,
    name,
    low: data.low[route][i],
    high: data.high[route][i],
    lowValue: value(data.input_low[i], data.units[name]) + movingWith(data, name),
    highValue: value(data.input_high[i], data.units[name]) + movingWith(data, name),
  }));
  // This route's largest swing on top (Plotly draws the first category at the bottom).
  rows.sort((a, b) => Math.abs(a.high - a.low) - Math.abs(b.high - b.low));
  const y = rows.map((r) => r.label);
  const bar = (key, valueKey, color, quantile) => ({
    type: "bar",
    orientation: "h",
    name: `input at its ${quantile} percentile`,
    y,
    x: rows.map((r) => billions(r[key] - base)),
    base: billions(base),
    marker: { color },
    customdata: rows.map((r) => [r.name, r[valueKey], money(r[key])]),
    hovertemplate: `%{customdata[0]} at %{customdata[1]}: gain %{customdata[2]}<extra></extra>`,
  });
  const route_ = route.split(":")[1];
  const labName = ((data.names || {}).lab || {})[lab] || lab;
  const title = `${labName}: what moves the gain of ${route_} over ${declared}`;
  const height = 120 + 26 * rows.length;
  window.Plotly.react(div, [bar("low", "lowValue", LOW, "5th"), bar("high", "highValue", HIGH, "95th")], {
    title: { text: title, x: 0.02, font: { size: 14 } },
    barmode: "group",
    bargap: 0.25,
    height,
    margin: { l: 250, r: 20, t: 42, b: 80 },
    font: { family: "system-ui, sans-serif", size: 12, color: "#1d2330" },
    xaxis: { title: { text: "gain in NPV, USD bn" }, gridcolor: "#eef0f3", zerolinecolor: "#1d2330", zerolinewidth: 2 },
    yaxis: { automargin: true },
    legend: { orientation: "h", yref: "container", y: 0, yanchor: "bottom" },
    shapes: [{ type: "line", x0: billions(base), x1: billions(base), yref: "paper", y0: 0, y1: 1, line: { color: "#7f8c8d", dash: "dot" } }],
    paper_bgcolor: "#fff",
    plot_bgcolor: "#fff",
  }, { displaylogo: false, responsive: true });
}

// Whether inputs move together (`data.correlated`), as a box to tick, when the scenario correlates any
// input swept: unticking it calls `onTogether(false)` (each alone, the others at their medians).
function togetherBox(data, onTogether) {
  const correlated = Object.values(data.moved_with || {}).some((others) => others.length);
  if (!correlated || !onTogether) return null;
  const label = document.createElement("label");
  label.className = "together";
  const box = document.createElement("input");
  box.type = "checkbox";
  box.id = "drivers-together";
  box.checked = data.correlated !== false;
  box.addEventListener("change", () => onTogether(box.checked));
  label.append(box, " Move the inputs the scenario correlates together (untick: each alone, the others at their medians)");
  return label;
}

// Draw `data` (the API's answer) into `box`: per lab a route picker and its tornado, and how to read
// them. A click on an input's bar calls `onPick(route, input, into)` (where that input turns the
// route's answer, drawn into the panel's `into` box); the box for correlated inputs
// `onTogether(together)`.
export function drawDrivers(box, data, labShown, onPick, onTogether = null) {
  const parts = [];
  const byLab = alternativesByLab(data);
  const labName = (lab) => ((data.names || {}).lab || {})[lab] || lab;
  for (const [lab, routes] of Object.entries(byLab)) {
    if (labShown !== "all" && labShown !== lab) continue;
    const panel = document.createElement("div");
    panel.className = "driver-panel";
    const label = document.createElement("label");
    label.textContent = `${labName(lab)}: the gain of `;
    const pick = document.createElement("select");
    pick.className = "driver-route";
    pick.setAttribute("aria-label", `${labName(lab)}: alternative route`);
    for (const route of routes) {
      const opt = document.createElement("option");
      opt.value = route;
      opt.textContent = route.split(":")[1];
      pick.appendChild(opt);
    }
    label.appendChild(pick);
    label.append(` over ${data.declared[lab]}`);
    const chart = document.createElement("div");
    chart.id = `drivers-${lab}`;
    chart.className = "chart driver-chart";
    const turn = document.createElement("div");
    turn.id = `breakeven-${lab}`;
    turn.className = "breakeven";
    turn.hidden = true;
    panel.append(label, chart, turn);
    parts.push([panel, chart, pick, turn]);
  }
  const note = document.createElement("p");
  note.className = "hint";
  note.textContent = "Each lab's alternative that gains most with every input at its median is shown first. " +
    `Each input alone at its 5th and 95th percentile, the others at their medians, each point's gain ` +
    `its mean over the same ${data.futures} futures (seed ${data.seed}); the dotted line is the gain with every input at its median, ` +
    `the bold one no gain: a bar that crosses it is an input that, alone, turns which route is better. ` +
    movedWords(data) +
    `It ignores interactions (labecon sensitivity apportions them). ` +
    "Click an input's bar to see where it turns the answer.";
  const together = togetherBox(data, onTogether);
  const download = tableDownload(data, "drivers");
  box.replaceChildren(...parts.map(([panel]) => panel), ...(together ? [together] : []), note, download);
  box.hidden = false;
  for (const [, chart, pick, turn] of parts) {
    drawTornado(chart, data, pick.value);
    pick.addEventListener("change", () => { turn.hidden = true; drawTornado(chart, data, pick.value); });
    if (onPick) chart.on("plotly_click", (event) => onPick(pick.value, event.points[0].customdata[0], turn));
  }
}
