// The dashboard's whole state in the address: scenario (or pasted YAML), seed, changed numbers,
// the lab shown, the full run and the checks shown (conventions, deals, drivers and whether their correlated
// inputs move together, the route answer in words),
// so a copied link reopens it.
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

// A browser holds whole numbers exactly only up to 2^53 - 1: a larger seed would silently run as
// another. The command line and the API take seeds up to 2^63 - 1.
export const SEED_RULE = `must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER.toLocaleString("en-US")} `
  + "here (larger seeds, up to 2^63 - 1: the command line or the API)";

// The seed written in `text`, or null when it is not a whole number this page holds exactly.
export function readSeed(text) {
  if (!/^\d+$/.test(text)) return null;
  const seed = Number(text);
  return Number.isSafeInteger(seed) ? seed : null;
}

export function readUrl(state, onError) {
  const q = new URLSearchParams(location.search);
  if (q.has("yaml")) {
    try { state.yamlText = decodeText(q.get("yaml")); state.scenario = null; } catch (e) { onError("yaml", "the link's scenario cannot be read"); }
  } else if (q.has("scenario")) {
    state.scenario = q.get("scenario");
  }
  if (q.has("seed")) {
    const seed = readSeed(q.get("seed"));
    if (seed === null) onError("seed", `${SEED_RULE}; the link's ${q.get("seed")} was not used`);
    else state.seed = seed;
  }
  if (q.has("lab")) state.lab = q.get("lab");
  if (q.has("run")) state.run = q.get("run");
  const checks = (q.get("check") || "").split(",");
  state.conventions = checks.includes("conventions");
  state.deals = checks.includes("deals");
  state.drivers = checks.includes("drivers");
  state.words = checks.includes("words");
  state.switch = checks.includes("switch");
  if (q.has("switch")) state.switchTo = q.get("switch");
  if (q.has("breakeven")) state.breakeven = q.get("breakeven");
  state.apart = q.get("correlated") === "no";
  state.overrides = {};
  for (const [key, value] of q.entries()) {
    if (!key.startsWith("set.")) continue;
    try { state.overrides[key.slice(4)] = JSON.parse(value); } catch (e) { state.overrides[key.slice(4)] = value; }
  }
}

export function writeUrl(state) {
  const q = new URLSearchParams();
  if (state.yamlText !== null) q.set("yaml", encodeText(state.yamlText));
  else q.set("scenario", state.scenario);
  q.set("seed", String(state.seed));
  if (state.lab !== "all") q.set("lab", state.lab);
  for (const [path, value] of Object.entries(state.overrides)) q.set("set." + path, JSON.stringify(value));
  if (state.run) q.set("run", state.run);
  const checks = [state.conventions && "conventions", state.deals && "deals", state.drivers && "drivers",
    state.words && "words", state.switch && "switch"].filter(Boolean);
  if (checks.length) q.set("check", checks.join(","));
  if (state.switchTo) q.set("switch", state.switchTo);
  if (state.breakeven) q.set("breakeven", state.breakeven);
  if (state.apart) q.set("correlated", "no");
  history.replaceState(null, "", location.pathname + "?" + q.toString());
}
