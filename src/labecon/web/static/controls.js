// Controls generated from a scenario's description: each lab's strategy, the model's choices that
// move the answer most, every uncertain input's distribution, the partner's deal and, folded away,
// every other number, with units and sources.
let overrides = {};
let onChange = () => {};

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

function inputControl(input) {
  const path = "inputs." + input.name;
  const [box, fields] = controlBox(input.name, path, `${input.description} (${input.dist})`, input.units, input.source);
  for (const [key, base] of Object.entries(input.params)) {
    const p = path + "." + key;
    const current = p in overrides ? overrides[p] : base;
    if (Array.isArray(base) && base.every((x) => typeof x === "number")) {
      const labels = key === "ci90" ? ["5th pct", "95th pct"] : base.map((_, i) => `${key}[${i}]`);
      const values = current.slice();
      base.forEach((_, i) => {
        fields.appendChild(numberField(labels[i] || "", values[i], null, null, "any", (v) => {
          values[i] = v;
          onChange(p, values.slice(), base);
        }));
      });
      box.dataset.path = p;
    } else if (typeof base === "number") {
      fields.appendChild(numberField(key, current, null, null, "any", (v) => onChange(p, v, base)));
      if (Object.keys(input.params).length === 1) box.dataset.path = p;
    }
  }
  box.classList.toggle("changed", Object.keys(overrides).some((k) => k.startsWith(path + ".")));
  return box;
}

function parameterControl(param) {
  const parts = param.path.split(".");
  // Whose it is (a lab's or a cloud's name for readers), then the field; its path beside them.
  const label = (param.who ? `${param.who}: ` : "") + parts[parts.length - 1];
  const where = parts.slice(0, -1).join(".");
  const [box, fields] = controlBox(label, param.path, param.description, where, param.source);
  if (typeof param.value !== "number") {
    const note = document.createElement("span");
    note.className = "desc";
    note.textContent = `uncertain: set by the input ${param.value}`;
    fields.appendChild(note);
    return box;
  }
  const current = param.path in overrides ? overrides[param.path] : param.value;
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
    slider.addEventListener("change", () => onChange(param.path, Number(slider.value), param.value));
    fields.append(slider, out);
  } else {
    fields.appendChild(numberField("", current, param.minimum, param.maximum, "any", (v) => onChange(param.path, v, param.value)));
  }
  box.classList.toggle("changed", param.path in overrides);
  return box;
}

// A choice the model makes (see docs/model.md), switched from a list.
function choiceControl(choice) {
  const parts = choice.path.split(".");
  const [box, fields] = controlBox(parts[parts.length - 1], choice.path, choice.description, parts[0], choice.source);
  const select = document.createElement("select");
  select.setAttribute("aria-label", choice.path);
  // Options are JSON values (a name, a number, null), shown by their labels.
  const keys = choice.options.map((o) => JSON.stringify(o));
  keys.forEach((k, i) => select.appendChild(new Option(choice.labels[i], k)));
  select.value = JSON.stringify(choice.path in overrides ? overrides[choice.path] : choice.value);
  select.addEventListener("change", () => onChange(choice.path, JSON.parse(select.value), choice.value));
  fields.appendChild(select);
  box.classList.toggle("changed", choice.path in overrides);
  return box;
}

const GROUP_TITLES = { strategy: "Strategies", deal: "Partner deal", assumption: "Assumptions that move the answer most" };

// Build the controls into #control-groups; `change(path, value, base)` is called on each change.
export function buildControls(desc, current, change) {
  overrides = current;
  onChange = change;
  document.getElementById("scenario-description").textContent = desc.description;
  const root = document.getElementById("control-groups");
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
  const deciding = (groups.assumption || []).filter((p) => typeof p.value === "number");
  const drawn = (groups.assumption || []).filter((p) => typeof p.value !== "number"); // set by an input
  if (drawn.length) groups.labs = [...(groups.labs || []), ...drawn];
  if ((desc.choices || []).length || deciding.length) {
    const title = document.createElement("h3");
    title.textContent = GROUP_TITLES.assumption;
    root.appendChild(title);
    (desc.choices || []).forEach((c) => root.appendChild(choiceControl(c)));
    deciding.forEach((p) => root.appendChild(parameterControl(p)));
  }
  const h = document.createElement("h3");
  h.textContent = "Uncertain inputs, the most influential first";
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
