// Checks on the YAML tree itself, before it becomes data: things that JSON Schema cannot see because
// they are lost in conversion (a repeated key keeps only one value, a tag changes a value's type).
import type { Node } from "yaml";
import { isMap, isScalar, isSeq } from "yaml";
import type { PathSegment } from "./field-path.js";
import type { Problem } from "./problem.js";
import type { YamlSource } from "./yaml-locations.js";
import { keyText, positionOfOffset } from "./yaml-locations.js";

const CORE_TAGS = new Set(
  ["str", "int", "float", "bool", "null", "map", "seq"].map((name) => `tag:yaml.org,2002:${name}`),
);

export interface LocatedProblem extends Problem {
  offset: number;
}

/** A node to check and how it was reached; its field path is built only when it has a problem. */
interface Visit {
  node: Node;
  parent?: Visit;
  segment?: PathSegment;
}

function pathOf(visit: Visit | undefined): PathSegment[] {
  const path: PathSegment[] = [];
  for (let at = visit; at?.segment !== undefined; at = at.parent) path.push(at.segment);
  return path.reverse();
}

export function checkYamlNodes(source: YamlSource): LocatedProblem[] {
  const problems: LocatedProblem[] = [];
  const root = source.doc.contents as Node | null;
  if (root === null) return problems;
  // Iterative on purpose: the tree comes from untrusted input (its nesting is bounded by scanYamlTokens).
  const stack: Visit[] = [{ node: root }];
  for (let visit = stack.pop(); visit !== undefined; visit = stack.pop()) {
    const { node } = visit;
    if (node.tag !== undefined && !CORE_TAGS.has(node.tag)) {
      problems.push({
        path: pathOf(visit),
        at: "value",
        offset: node.range?.[0] ?? 0,
        message: `the YAML tag \`${shortTag(node.tag)}\` is not allowed`,
        hint: "remove the tag and write a plain value",
      });
    }
    if (isSeq(node)) {
      node.items.forEach((item, index) => {
        if (item !== null && typeof item === "object")
          stack.push({ node: item as Node, parent: visit, segment: index });
      });
    } else if (isMap(node)) checkMap(node.items, visit, problems, stack, source);
  }
  return problems.sort((a, b) => a.offset - b.offset);
}

type MapItems = { key: unknown; value: unknown }[];

function checkMap(
  items: MapItems,
  map: Visit,
  problems: LocatedProblem[],
  stack: Visit[],
  source: YamlSource,
): void {
  const seen = new Map<string, number>();
  for (const pair of items) {
    const keyNode = pair.key as Node | null;
    const keyOffset = keyNode?.range?.[0] ?? 0;
    const key = keyText(keyNode);
    if (key === undefined || !isScalar(keyNode) || keyNode.value === null) {
      problems.push({
        path: pathOf(map),
        at: "value",
        offset: keyOffset,
        message: "keys must be plain names, not lists, mappings or empty",
        hint: "write `name: value`, one key per line",
      });
      continue;
    }
    const first = seen.get(key);
    if (first !== undefined) {
      const firstAt = positionOfOffset(source, first);
      problems.push({
        path: [...pathOf(map), key],
        at: "key",
        offset: keyOffset,
        message: `duplicate key \`${key}\` (first at line ${firstAt.line}, column ${firstAt.column})`,
        hint: `delete one of the two: YAML would silently keep only the last \`${key}\``,
      });
    } else seen.set(key, keyOffset);
    if (pair.value !== null && typeof pair.value === "object")
      stack.push({ node: pair.value as Node, parent: map, segment: key });
  }
}

function shortTag(tag: string): string {
  return tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice("tag:yaml.org,2002:".length)}` : tag;
}
