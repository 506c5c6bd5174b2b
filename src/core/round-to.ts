// Fixed precision for numbers written into a plan, so that float noise never reaches the document.

/** Money: cents. */
export function roundMoney(value: number): number {
  return roundTo(value, 2);
}

/** Weights and drift in percent: four decimals (a hundredth of a basis point). */
export function roundPercent(fraction: number): number {
  return roundTo(fraction * 100, 4);
}

/** Share quantities: eight decimals, enough for any sizeIncrement IB uses. */
export function roundQuantity(value: number): number {
  return roundTo(value, 8);
}

export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const rounded = Math.round(value * factor) / factor;
  return Object.is(rounded, -0) ? 0 : rounded;
}
