// Where one input turns a route answer (POST /api/breakeven), asked from a bar of the tornado: the
// input set to each of a grid of values in every one of the same futures, the route's mean gain
// over the declared route at each (± one standard error) and where it crosses zero. A second input
// picked under it maps that break-even across the second input's values (a line per value).

import { COLORS } from "./charts.js";
import { tableDownload } from "./summary.js";

// An input's value as the API's sentence writes it: fractions in %, dollars as $8.92M.
function amount(x, units) {
  if ((units || "").startsWith("fraction")) return `${(100 * x).toFixed(1)}%${units === "fraction per year" ? " a year" : ""}`;
  if ((units || "").startsWith("USD")) {
    const a = Math.abs(x);
    const found = [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "K"]].find(([s]) => a >= s * 0.9995);
    const shown = found ? `$${+(a / found[0]).toPrecision(3)}${found[1]}` : `$${+a.toPrecision(3)}`;
    return (x < 0 ? "-" : "") + shown;
  }
  return `${+x.toPrecision(3)}${units ? " " + units : ""}`;
}

// A quantile as a percentile in words: 2nd, 50th, 98th.
function ordinal(q) {
  const n = Math.round(100 * q);
  const teen = n % 100 >= 10 && n % 100 <= 20;
  return `${n}${teen ? "th" : ({ 1: "st", 2: "nd", 3: "rd" })[n % 10] || "th"}`;
}

// The x axis's title: the input in words and its units, as its ticks show them.
function axisTitle(data) {
  const units = data.units || "";
  if (units.startsWith("fraction")) return `${data.description}, %${units === "fraction per year" ? " a year" : ""}`;
  return units ? `${data.description} (${units})` : data.description;
}

function drawChart(div, data) {
  const x = data.values;
  const y = data.mean_gain_usd.map((g) => g / 1e9);
  const se = data.mean_gain_se_usd.map((s) => s / 1e9);
  const text = x.map((v) => amount(v, data.units));
  const band = {
    type: "scatter",
    x: [...x, ...[...x].reverse()],
    y: [...y.map((g, i) => g + se[i]), ...y.map((g, i) => g - se[i]).reverse()],
    fill: "toself",
    fillcolor: "rgba(46, 134, 193, 0.15)",
    line: { width: 0 },
    hoverinfo: "skip",
    name: "± one standard error",
  };
  const line = {
    type: "scatter",
    mode: "lines+markers",
    x,
    y,
    line: { color: COLORS[0] },
    customdata: x.map((_, i) => [text[i], `${(100 * data.p_beats[i]).toFixed(1)}%`]),
    hovertemplate: `at %{customdata[0]}: mean gain $%{y:.3~s}B, wins in %{customdata[1]} of futures<extra></extra>`,
    name: "mean gain",
  };
  const shapes = data.breakeven.map((b) => ({
    type: "line", x0: b, x1: b, yref: "paper", y0: 0, y1: 1, line: { color: COLORS[1], dash: "dash" },
  }));
  const title = `${data.lab_name}: the gain of ${data.route} over ${data.declared}, by ${data.description}`;
  window.Plotly.react(div, [band, line], layout(data, title, { shapes, showlegend: false }), { displaylogo: false, responsive: true });
}

// A line of mean gain per value of the second input (a break-even map's answer).
function drawMapChart(div, data) {
  const x = data.values;
  const traces = data.by_values.map((v, j) => {
    const name = `${data.by} ${amount(v, data.by_units)}`;
    return {
      type: "scatter",
      mode: "lines+markers",
      x,
      y: data.mean_gain_usd[j].map((g) => g / 1e9),
      line: { color: COLORS[j % COLORS.length] },
      name,
      customdata: x.map((xv, i) => [amount(xv, data.units), `${(100 * data.p_beats[j][i]).toFixed(1)}%`]),
      hovertemplate: `${name}, at %{customdata[0]}: mean gain $%{y:.3~s}B, wins in %{customdata[1]} of futures<extra></extra>`,
    };
  });
  const title = `${data.lab_name}: the gain of ${data.route} over ${data.declared}, by ${data.input} and ${data.by}`;
  const legend = { orientation: "h", y: -0.3 };
  window.Plotly.react(div, traces, layout(data, title, { showlegend: true, legend, height: 380 }), { displaylogo: false, responsive: true });
}

function layout(data, title, extra) {
  return {
    title: { text: title, x: 0.02, font: { size: 14 } },
    height: 320,
    margin: { l: 70, r: 20, t: 42, b: 60 },
    font: { family: "system-ui, sans-serif", size: 12, color: "#1d2330" },
    xaxis: {
      title: { text: axisTitle(data) },
      gridcolor: "#eef0f3",
      tickformat: (data.units || "").startsWith("fraction") ? ".0%" : "~s",
    },
    yaxis: { title: { text: `mean gain over ${data.declared}, USD bn` }, gridcolor: "#eef0f3", zerolinecolor: "#1d2330", zerolinewidth: 2 },
    paper_bgcolor: "#fff",
    plot_bgcolor: "#fff",
    ...extra,
  };
}

// Draw `data` (the API's answer) into `box`: the answer in a sentence, a chart, how to read it, and
// a pick of a second input (one of `inputs`) that `onBy` maps the break-even across (null: none).
export function drawBreakeven(box, data, { inputs = [], onBy = null } = {}) {
  const said = document.createElement("p");
  said.className = "breakeven-summary";
  said.textContent = data.summary;
  const chart = document.createElement("div");
  chart.className = "chart breakeven-chart";
  const note = document.createElement("p");
  note.className = "hint";
  const span = (q) => `${ordinal(q[0])} to ${ordinal(q[q.length - 1])} percentiles`;
  const set = data.by
    ? `${data.input} set to each of ${data.values.length} values (its ${span(data.quantiles)}) and ${data.by} to each of ${data.by_values.length} (its ${span(data.by_quantiles)}), every pair`
    : `${data.input} set to each of ${data.quantiles.length} values (its ${span(data.quantiles)})`;
  note.textContent = `${set} in every one of the same ${data.futures.toLocaleString()} futures (seed ${data.seed}), the other ` +
    (data.by ? "inputs as drawn in them; where a line crosses zero, the two routes are level. " : "inputs as drawn in them; the dashed line is where the mean gain crosses zero. ") +
    "labecon breakeven; docs/decisions.md, Where an input turns the answer.";
  const across = document.createElement("label");
  across.className = "breakeven-by";
  across.append("The break-even at each value of ");
  const pick = document.createElement("select");
  pick.append(new Option("no second input", ""), ...inputs.filter((n) => n !== data.input).map((n) => new Option(n, n)));
  pick.value = data.by || "";
  pick.disabled = !onBy;
  pick.addEventListener("change", () => onBy(pick.value || null));
  across.append(pick);
  const download = tableDownload(data, data.by ? "breakeven-map" : "breakeven");
  box.replaceChildren(said, across, chart, note, download);
  box.hidden = false;
  (data.by ? drawMapChart : drawChart)(chart, data);
}
