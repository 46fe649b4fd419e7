// What each strategic deal is worth to both sides (POST /api/deals), on demand: per deal, the lab's
// NPV with it less without it and the partner's NPV of it (median and 90% of futures), how often
// each gains and how often both do, and what it does to the rival labs, as `labecon deals` prints.

import { money, pct } from "./amounts.js";
import { tableDownload } from "./summary.js";

function range(s) {
  return `${money(s.p50)} (${money(s.p5)} to ${money(s.p95)})`;
}

// Draw `data` (the API's answer) into `box`: a row per deal (of the lab shown, or every lab's), the
// answer in words, how to read it.
export function drawDeals(box, data, labShown = "all") {
  const names = data.names || {};
  const deal = (key) => (names.deal || {})[key] || key;
  const lab = (key) => (names.lab || {})[key] || key;
  const table = document.createElement("table");
  const head = table.insertRow();
  const columns = ["deal", "the lab's gain", "P(lab gains)", "the partner's NPV", "P(partner gains)",
    "P(both)", "rivals' gain"];
  columns.forEach((text) => {
    const th = document.createElement("th");
    th.textContent = text;
    head.appendChild(th);
  });
  const shown = data.deals.filter((d) => labShown === "all" || d.lab === labShown);
  for (const d of shown) {
    const tr = table.insertRow();
    const rivals = Object.entries(d.other_labs_gain_usd).map(([k, s]) => `${lab(k)} ${money(s.p50)}`);
    const cells = [deal(d.deal), range(d.lab_gain_usd), pct(d.lab_gain_usd.p_positive),
      range(d.partner_npv_usd), pct(d.partner_npv_usd.p_positive), pct(d.both_gain.value),
      rivals.join(", ") || "none"];
    cells.forEach((text, i) => {
      const td = tr.insertCell();
      td.textContent = text;
      if (i === 5 && d.both_gain.value > 0.5) td.classList.add("mutual");
    });
  }
  const said = document.createElement("p");
  said.className = "deals-summary";
  const only = shown.length < data.deals.length ? ` The table shows the ${lab(labShown)}'s ${shown.length}.` : "";
  said.textContent = data.headline + only; // each deal's figures are in the table
  const note = document.createElement("p");
  note.className = "hint";
  note.textContent = "The lab's gain: its NPV of free cash flow with the deal less without it, on its declared " +
    "route (without it: none of the deal's capacity, discount, investment or credits; what it needs beyond its " +
    "other deals it commits for or rents). The partner's NPV: its return on the deal from the start, the stake " +
    "it holds counted at its value then. Rivals' gain: the other labs' NPV with the deal less without it. " +
    `Medians, 90% of futures in brackets; P(...): the share of ${data.n_samples.toLocaleString("en-US")} ` +
    `futures (seed ${data.seed}), the same with and without each deal. Marked: both sides gain in most futures.`;
  const download = tableDownload(data, "deals");
  box.replaceChildren(said, table, note, download);
  box.hidden = false;
}
