// The route answer under the model's own conventions switched (POST /api/conventions), on demand:
// one row per variant, each lab's routes by P(best), the rows where another route is best marked.

import { pct } from "./amounts.js";
import { tableDownload } from "./summary.js";

function routesCell(routes) {
  return Object.entries(routes)
    .sort((a, b) => b[1].value - a[1].value)
    .map(([route, p]) => `${route} ${pct(p.value)} ±${pct(p.se)}`)
    .join(", ");
}

// Draw `data` (the API's answer) into `box`: a table (a column per lab, or the lab shown's alone),
// and a line on how to read it.
export function drawConventions(box, data, labShown = "all") {
  const all = Object.keys(data.rows[0].p_best);
  const labs = all.includes(labShown) ? [labShown] : all; // a lab without routes shown: every lab's
  const named = (lab) => ((data.names || {}).lab || {})[lab] || lab;
  const declared = data.rows[0].best;
  const table = document.createElement("table");
  const head = table.insertRow();
  ["variant", ...labs.map(named)].forEach((text) => {
    const th = document.createElement("th");
    th.textContent = text;
    head.appendChild(th);
  });
  data.rows.forEach((row, i) => {
    const tr = table.insertRow();
    tr.insertCell().textContent = row.label;
    labs.forEach((lab) => {
      const td = tr.insertCell();
      td.textContent = routesCell(row.p_best[lab]);
      if (i > 0 && row.best[lab] !== declared[lab]) td.classList.add("turned");
    });
  });
  const note = document.createElement("p");
  note.className = "hint";
  note.textContent = `P(best) of each lab's routes (± one standard error), ${data.n_samples.toLocaleString()} ` +
    `futures per variant, seed ${data.seed}, the same futures in every row. Marked: a lab whose best route ` +
    "differs from its best under the conventions as declared (the first row). docs/model.md explains each " +
    "convention.";
  const bounds = document.createElement("p");
  bounds.className = "hint";
  const ranges = labs.map((lab) => {
    const shares = data.rows.map((row) => row.beyond_plausible_bounds[lab]);
    return `${named(lab)} ${pct(Math.min(...shares))} to ${pct(Math.max(...shares))}`;
  });
  bounds.textContent = "Futures past the plausibility bounds (finance.plausible_max_*), across the variants: " +
    `${ranges.join("; ")}.`;
  const download = tableDownload(data, "conventions");
  box.replaceChildren(table, note, bounds, download);
  box.hidden = false;
}
