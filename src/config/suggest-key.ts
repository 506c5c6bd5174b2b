// "Did you mean" for keys and enum values: the closest candidate by edit distance, forgiving case,
// `_`/`-` separators and swapped neighbours (`weigth` -> `weight`).

/** The candidate closest to `word`, or undefined when none is close enough to be a likely typo. */
export function suggestKey(word: string, candidates: readonly string[]): string | undefined {
  const wanted = normalize(word);
  const within = allowedDistance(wanted.length);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const other = normalize(candidate);
    // The distance is at least the difference in length: a candidate too long or short cannot qualify,
    // and skipping it keeps a file of many unknown keys cheap to report.
    if (Math.abs(other.length - wanted.length) > within) continue;
    const distance = editDistance(wanted, other);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= within ? best : undefined;
}

function allowedDistance(length: number): number {
  if (length <= 2) return 0;
  if (length <= 5) return 1;
  return 2;
}

function normalize(word: string): string {
  return word.toLowerCase().replace(/[-_ ]/g, "");
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, at(i - 2, j - 2) + 1);
      }
      d[i * cols + j] = value;
    }
  }
  return at(a.length, b.length);
}
