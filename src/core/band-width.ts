import type { Portfolio } from "./portfolio.js";

/** Tolerance for comparing weights computed from values: a weight exactly on the band edge is in band. */
const EDGE = 1e-12;

/** Half-width of the band around a target weight (fractions): min(absolute, relative% of the target). */
export function bandWidth(target: number, bands: Portfolio["bands"]): number {
  return Math.min(bands.absolute / 100, (bands.relative / 100) * target);
}

export function isInBand(weight: number, target: number, band: number): boolean {
  return Math.abs(weight - target) <= band + EDGE;
}
