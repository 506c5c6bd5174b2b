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
  const grouped = group(whole);
  const sign = value < 0 && rounded !== 0 ? "-" : "";
  return fraction === undefined ? `${sign}${grouped}` : `${sign}${grouped}.${fraction}`;
}

/**
 * Thousands separators in a run of digits: "1234567" -> "1,234,567". A plan of 10,000 orders formats
 * tens of thousands of numbers, so without a regular expression; anything but digits (an exponent)
 * keeps the expression's reading.
 */
const DIGITS = /^\d+$/;

function group(whole: string): string {
  if (whole.length <= 3) return whole;
  if (!DIGITS.test(whole)) return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const head = whole.length % 3 || 3;
  let out = whole.slice(0, head);
  for (let i = head; i < whole.length; i += 3) out += `,${whole.slice(i, i + 3)}`;
  return out;
}

/** A percentage already in percent: 40 -> "40.00%". */
export function formatPercent(percent: number, decimals = 2): string {
  return `${formatFixed(percent, decimals)}%`;
}

/** A quantity without trailing zeros: 12 -> "12", 0.5 -> "0.5". */
export function formatQuantity(value: number): string {
  const text = trimmed(value);
  const [whole = "0", fraction] = text.replace("-", "").split(".");
  const grouped = group(whole);
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
  // Whole numbers of ordinary size (most quantities) read the same without the rounding and trimming.
  if (Number.isInteger(value) && Math.abs(value) < 1e7) return String(value === 0 ? 0 : value);
  const text = (Math.round(value * 1e8) / 1e8).toFixed(8).replace(/\.?0+$/, "");
  return text === "-0" ? "0" : text;
}
