// The summary of a run's view as rows (one per output and element) and CSV, and saving a file.
export function save(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function summaryRows(view) {
  const rows = [];
  for (const [name, out] of Object.entries(view.outputs)) {
    const stats = Object.keys(out.stats).filter((k) => k !== "n_samples");
    const walk = (index, dimIdx) => {
      if (dimIdx === out.dims.length) {
        // What the output is, in words, as in the run's summary.csv.
        const row = { output: name, description: out.description || "", element: index.map((k, d) => `${out.dims[d]}=${view.coords[out.dims[d]][k]}`).join(";"), units: out.units };
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

export function toCsv(rows) {
  const cols = [];
  rows.forEach((r) => Object.keys(r).forEach((k) => { if (!cols.includes(k)) cols.push(k); }));
  const cell = (v) => (v === undefined || v === null ? "" : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return [cols.join(","), ...rows.map((r) => cols.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
}

// A button that saves a check's table (the API's `data.table`, the rows of the command line's CSV)
// as SCENARIO-KIND-seedSEED.csv.
export function tableDownload(data, kind) {
  const name = `${data.scenario}-${kind}-seed${data.seed}.csv`;
  const rows = data.table || [];
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link table-download";
  button.textContent = "Download the table (CSV)";
  button.addEventListener("click", () => save(name, "text/csv", toCsv(rows)));
  return button;
}
