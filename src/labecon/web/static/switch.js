// When should a lab switch routes (POST /api/switch), on demand: its declared route until each
// date, then the route chosen, every date a route of its own on the same futures. A chart of each
// date's mean gain over keeping the declared route (± one standard error) and a table.

import { COLORS } from "./charts.js";
import { money, pct } from "./amounts.js";
import { tableDownload } from "./summary.js";

// The date a row names, as the table says it: "from the start", "from 2029 Q2".
function when(data, i) {
  return data.quarters[i] === 0 ? data.dates[i] : `from ${data.dates[i]}`;
}

function drawChart(div, data) {
  const x = data.dates.map((_, i) => when(data, i));
  const trace = {
    type: "bar",
    x,
    y: data.mean_gain_usd.map((g) => g / 1e9),
    error_y: { type: "data", array: data.mean_gain_se_usd.map((s) => s / 1e9), color: "#1d2330", thickness: 1 },
    marker: { color: data.mean_gain_usd.map((_, i) => (i === best(data) ? COLORS[1] : COLORS[0])) },
    customdata: data.dates.map((d, i) => [money(data.mean_gain_usd[i]), money(data.mean_gain_se_usd[i]), pct(data.p_beats[i])]),
    hovertemplate: `%{x}: %{customdata[0]} ± %{customdata[1]}, beats ${data.declared} in %{customdata[2]}<extra></extra>`,
    name: "mean gain",
  };
  window.Plotly.react(div, [trace], {
    title: { text: `${data.lab_name}: switching from ${data.declared} to ${data.to}, by date`, x: 0.02, font: { size: 14 } },
    height: 320,
    margin: { l: 70, r: 20, t: 42, b: 70 },
    font: { family: "system-ui, sans-serif", size: 12, color: "#1d2330" },
    yaxis: { title: { text: `mean gain over ${data.declared}, USD bn` }, gridcolor: "#eef0f3", zerolinecolor: "#1d2330", zerolinewidth: 2 },
    xaxis: { tickangle: -30 },
    showlegend: false,
    paper_bgcolor: "#fff",
    plot_bgcolor: "#fff",
  }, { displaylogo: false, responsive: true });
}

function best(data) {
  return data.mean_gain_usd.indexOf(Math.max(...data.mean_gain_usd));
}

// Draw `data` (the API's answer) into `box`: the answer in a sentence, a chart, a table.
export function drawSwitch(box, data) {
  const said = document.createElement("p");
  said.className = "switch-summary";
  said.textContent = data.summary;
  const chart = document.createElement("div");
  chart.id = "switch-chart";
  chart.className = "chart";
  const table = document.createElement("table");
  const head = table.insertRow();
  ["switch", `mean gain over ${data.declared}`, "median gain", `beats ${data.declared} in`, "best in"].forEach((text) => {
    const th = document.createElement("th");
    th.textContent = text;
    head.appendChild(th);
  });
  data.dates.forEach((date, i) => {
    const tr = table.insertRow();
    if (i === best(data)) tr.className = "best";
    [when(data, i), `${money(data.mean_gain_usd[i])} ± ${money(data.mean_gain_se_usd[i])}`,
      money(data.median_gain_usd[i]), `${pct(data.p_beats[i])} ± ${pct(data.p_beats_se[i])}`, pct(data.p_best[date])]
      .forEach((text) => { tr.insertCell().textContent = text; });
  });
  const never = table.insertRow();
  [`never (keeps ${data.declared})`, "", "", "", pct(data.p_best.never)].forEach((text) => { never.insertCell().textContent = text; });
  const note = document.createElement("p");
  note.className = "hint";
  note.textContent = `Each date is its own route: ${data.declared} until then, ${data.to}'s shares of new capacity from ` +
    `then; what was signed before runs its course. ${data.n_samples.toLocaleString()} futures, seed ${data.seed}, ` +
    "the same for every date (± one standard error). docs/model.md, When to switch routes.";
  const download = tableDownload(data, "switch");
  box.replaceChildren(said, chart, table, note, download);
  box.hidden = false;
  drawChart(chart, data);
}
