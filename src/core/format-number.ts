// Number formatting for messages and renderings. Written out by hand rather than with Intl, so that the
// text is the same whatever the machine's locale.

/** 1234567.891 -> "1,234,567.89". */
export function formatMoney(value: number): string {
  return formatFixed(value, 2);
}

/** Fixed decimals with thousands separators. */
export function formatFixed(value: number, decimals: number): string {
  const rounded = Math.round(Math.abs(value) * 10 ** decimals) / 10 ** decimals;
  const [whole = "0", fraction] = rounded.toFixed(decimals).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const sign = value < 0 && rounded !== 0 ? "-" : "";
  return fraction === undefined ? `${sign}${grouped}` : `${sign}${grouped}.${fraction}`;
}

/** A percentage already in percent: 40 -> "40.00%". */
export function formatPercent(percent: number, decimals = 2): string {
  return `${formatFixed(percent, decimals)}%`;
}

/** A quantity without trailing zeros: 12 -> "12", 0.5 -> "0.5". */
export function formatQuantity(value: number): string {
  const text = trimmed(value);
  const [whole = "0", fraction] = text.replace("-", "").split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const sign = text.startsWith("-") ? "-" : "";
  return fraction === undefined ? `${sign}${grouped}` : `${sign}${grouped}.${fraction}`;
}

/** A price with at least two decimals and no float noise: 250 -> "250.00", 12.345 -> "12.345". */
export function formatPrice(value: number): string {
  const text = trimmed(value);
  const decimals = text.includes(".") ? Math.max(2, (text.split(".")[1] ?? "").length) : 2;
  return formatFixed(value, decimals);
}

/** Eight decimals at most, trailing zeros dropped, never exponent notation. */
function trimmed(value: number): string {
  const text = (Math.round(value * 1e8) / 1e8).toFixed(8).replace(/\.?0+$/, "");
  return text === "-0" ? "0" : text;
}
