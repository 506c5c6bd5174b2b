export type Align = "left" | "right";

export interface Cell {
  text: string;
  /** Applied after padding, so escape codes never disturb the alignment. */
  style?: (text: string) => string;
}

/** Rows of cells padded to common column widths, two spaces apart, no trailing spaces. */
export function textTable(header: string[], rows: (string | Cell)[][], align: Align[]): string[] {
  const cells = rows.map((row) => row.map((cell) => (typeof cell === "string" ? { text: cell } : cell)));
  const widths = header.map((title, i) =>
    Math.max(title.length, ...cells.map((row) => row[i]?.text.length ?? 0)),
  );
  const line = (row: Cell[]): string =>
    row
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        const padded = align[i] === "right" ? cell.text.padStart(width) : cell.text.padEnd(width);
        return cell.style ? cell.style(padded) : padded;
      })
      .join("  ")
      .trimEnd();
  return [line(header.map((text) => ({ text }))), ...cells.map(line)];
}
