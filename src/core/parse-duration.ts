const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds of a duration written as a number and a unit (`90s`, `15m`, `4h`, `2d`), as planTtl is. */
export function parseDuration(text: string): number | undefined {
  const match = /^([1-9][0-9]{0,5})(s|m|h|d)$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
