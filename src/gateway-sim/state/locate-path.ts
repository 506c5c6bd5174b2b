// Maps a field path such as `accounts[0].positions[2].conId` to its line and column in the YAML source.
import type { Document, LineCounter, Node } from "yaml";
import { isMap, isScalar, isSeq } from "yaml";

export function locate(
  document: Document,
  lineCounter: LineCounter,
  path: string,
  /** A key inside the addressed map (unknown fields): point at the key itself. */
  key?: string,
): { line: number; column: number } {
  const segments = splitPath(path);
  if (key !== undefined) segments.push(key);
  let node: unknown = document.contents;
  let best: Node | undefined = isNode(node) ? node : undefined;
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      if (pair === undefined) break;
      // For an unknown field the key is the place to point at; otherwise the value.
      const target = last && key !== undefined ? pair.key : pair.value;
      node = target;
      if (isNode(target)) best = target;
      else if (isNode(pair.key)) best = pair.key;
    } else if (isSeq(node)) {
      const item: unknown = node.items[Number(segment)];
      if (item === undefined) break;
      node = item;
      if (isNode(item)) best = item;
    } else break;
  }
  const offset = best?.range?.[0];
  if (offset === undefined) return { line: 0, column: 0 };
  const at = lineCounter.linePos(offset);
  return { line: at.line, column: at.col };
}

function splitPath(path: string): string[] {
  if (path === "") return [];
  return path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((s) => s !== "");
}

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && "range" in value;
}
