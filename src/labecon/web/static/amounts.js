// Amounts as the command line writes them (labecon.amounts), for the checks' tables.

// US dollars: three significant figures, the sign before the dollar: -$32.3B, $6.25B, $450M, $1.28T.
export function money(usd) {
  const a = Math.abs(usd);
  const sign = usd < 0 ? "-" : "";
  for (const [scale, suffix] of [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "K"]]) {
    if (a >= scale * 0.9995) return `${sign}$${(+(a / scale).toPrecision(3)).toLocaleString("en-US")}${suffix}`;
  }
  return `${sign}$${Math.round(a).toLocaleString("en-US")}`;
}

// A share or probability with one decimal; "<0.1%" and ">99.9%" where it would print as 0 or 100
// without being so.
export function pct(v) {
  if (v > 0 && v < 0.0005) return "<0.1%";
  if (v < 1 && v >= 0.9995) return ">99.9%";
  return `${(100 * v).toFixed(1)}%`;
}
