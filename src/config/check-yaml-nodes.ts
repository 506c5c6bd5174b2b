// Checks on the YAML tree itself, before it becomes data: things that JSON Schema cannot see because
// they are lost in conversion (a repeated key keeps only one value, a tag changes a value's type).
import type { Node } from "yaml";
import { isAlias, isMap, isScalar, isSeq } from "yaml";
import type { PathSegment } from "./field-path.js";
import type { Problem } from "./problem.js";
import type { YamlSource } from "./yaml-locations.js";
import { keyText, positionOfOffset } from "./yaml-locations.js";

/** Deeper than any portfolio needs; stops stack-exhaustion input before it reaches recursive code. */
export const MAX_NESTING = 64;

const CORE_TAGS = new Set(
  ["str", "int", "float", "bool", "null", "map", "seq"].map((name) => `tag:yaml.org,2002:${name}`),
);

export interface LocatedProblem extends Problem {
  offset: number;
}

export function checkYamlNodes(source: YamlSource): LocatedProblem[] {
  const problems: LocatedProblem[] = [];
  const root = source.doc.contents as Node | null;
  if (root === null) return problems;
  // Iterative on purpose: the tree comes from untrusted input.
  const stack: { node: Node; path: PathSegment[]; depth: number }[] = [{ node: root, path: [], depth: 1 }];
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop() as { node: Node; path: PathSegment[]; depth: number };
    const offset = node.range?.[0] ?? 0;
    if (depth > MAX_NESTING) {
      problems.push({
        path,
        at: "value",
        offset,
        message: `nested more than ${MAX_NESTING} levels deep`,
        hint: "a portfolio needs four levels at most: check that this is the right file",
      });
      break;
    }
    if (node.tag !== undefined && !CORE_TAGS.has(node.tag)) {
      problems.push({
        path,
        at: "value",
        offset,
        message: `the YAML tag \`${shortTag(node.tag)}\` is not allowed`,
        hint: "remove the tag and write a plain value",
      });
    }
    if (isAlias(node) || isScalar(node)) continue;
    if (isSeq(node)) {
      node.items.forEach((item, index) => {
        if (item !== null && typeof item === "object")
          stack.push({ node: item as Node, path: [...path, index], depth: depth + 1 });
      });
      continue;
    }
    if (isMap(node)) checkMap(node.items, path, depth, problems, stack, source);
  }
  return problems.sort((a, b) => a.offset - b.offset);
}

type MapItems = { key: unknown; value: unknown }[];

function checkMap(
  items: MapItems,
  path: PathSegment[],
  depth: number,
  problems: LocatedProblem[],
  stack: { node: Node; path: PathSegment[]; depth: number }[],
  source: YamlSource,
): void {
  const seen = new Map<string, number>();
  for (const pair of items) {
    const keyNode = pair.key as Node | null;
    const keyOffset = keyNode?.range?.[0] ?? 0;
    const key = keyText(keyNode);
    if (key === undefined || !isScalar(keyNode) || keyNode.value === null) {
      problems.push({
        path,
        at: "value",
        offset: keyOffset,
        message: "keys must be plain names, not lists, mappings or empty",
        hint: "write `name: value`, one key per line",
      });
      continue;
    }
    const childPath = [...path, key];
    const first = seen.get(key);
    if (first !== undefined) {
      const firstAt = positionOfOffset(source, first);
      problems.push({
        path: childPath,
        at: "key",
        offset: keyOffset,
        message: `duplicate key \`${key}\` (first at line ${firstAt.line}, column ${firstAt.column})`,
        hint: `delete one of the two: YAML would silently keep only the last \`${key}\``,
      });
    } else seen.set(key, keyOffset);
    if (pair.value !== null && typeof pair.value === "object")
      stack.push({ node: pair.value as Node, path: childPath, depth: depth + 1 });
  }
}

function shortTag(tag: string): string {
  return tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice("tag:yaml.org,2002:".length)}` : tag;
}
