// Maps a field path (from ajv or our own checks) back to the YAML node it came from, so that every
// message carries the file:line:col a user can jump to.
import type { Alias, Document, LineCounter, Node, YAMLMap } from "yaml";
import { isAlias, isMap, isScalar, isSeq } from "yaml";
import type { PathSegment } from "./field-path.js";

export interface YamlSource {
  doc: Document.Parsed;
  lineCounter: LineCounter;
  text: string;
  /**
   * What each alias refers to, found in one pass. The library's `Alias.resolve(doc)` walks the whole
   * document for every call: a hundred messages inside aliased values of a large file made that seconds.
   */
  aliasTargets?: ReadonlyMap<Alias, Node>;
}

export interface Position {
  line: number;
  column: number;
}

/**
 * Where the messages about a document point. Two readers produce documents (the plain reader,
 * plain-yaml.ts, and the full one): the checks after them need only these answers.
 */
export interface SourceLocator {
  /** The offset a message about `path` points at, for ordering (see offsetOf below). */
  offsetOf(path: readonly PathSegment[], at: "key" | "value"): number;
  /** The source text of the scalar at `path`, for messages that quote it. */
  scalarSourceAt(path: readonly PathSegment[]): string | undefined;
  positionOfOffset(offset: number): Position;
}

/** The full reader's document as a SourceLocator. */
export function documentLocator(source: YamlSource): SourceLocator {
  return {
    offsetOf: (path, at) => offsetOf(source, path, at),
    scalarSourceAt: (path) => scalarSourceAt(source, path),
    positionOfOffset: (offset) => positionOfOffset(source, offset),
  };
}

interface Step {
  value: Node | null;
  /** The key node when the step went through a mapping; sequence items have none. */
  key?: Node;
}

/** Resolves aliases so that a path through `*anchor` lands on the anchored node. */
function deref(source: YamlSource, node: Node | null): Node | null {
  if (!isAlias(node)) return node;
  return (
    (source.aliasTargets === undefined ? node.resolve(source.doc) : source.aliasTargets.get(node)) ?? null
  );
}

export function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

type MapPair = YAMLMap<unknown, unknown>["items"][number];

// A file may hold 100,000 keys in one mapping, each with its own message: a scan of the mapping per
// lookup would make locating them all quadratic. Each mapping is indexed once, on first lookup.
const pairIndexes = new WeakMap<YAMLMap, Map<string, MapPair>>();

function pairByKey(map: YAMLMap, key: string): MapPair | undefined {
  let index = pairIndexes.get(map);
  if (index === undefined) {
    index = new Map();
    for (const pair of map.items) {
      const text = keyText(pair.key);
      // A repeated key points at its first occurrence, where the duplicate-key message also points.
      if (text !== undefined && !index.has(text)) index.set(text, pair);
    }
    pairIndexes.set(map, index);
  }
  return index.get(key);
}

function step(source: YamlSource, node: Node | null, segment: PathSegment): Step | undefined {
  const target = deref(source, node);
  if (isMap(target) && typeof segment === "string") {
    const pair = pairByKey(target, segment);
    if (pair === undefined) return undefined;
    return { value: (pair.value as Node | null) ?? null, key: pair.key as Node };
  }
  if (isSeq(target) && typeof segment === "number") {
    const item = target.items[segment] as Node | null | undefined;
    return item === undefined ? undefined : { value: item };
  }
  return undefined;
}

/** The steps along `path` that exist in the document; shorter than `path` when a field is absent. */
function walk(source: YamlSource, path: readonly PathSegment[]): Step[] {
  const steps: Step[] = [{ value: (source.doc.contents as Node | null) ?? null }];
  for (const segment of path) {
    const last = steps[steps.length - 1];
    const next = last === undefined ? undefined : step(source, last.value, segment);
    if (next === undefined) break;
    steps.push(next);
  }
  return steps;
}

function offsetPosition(source: YamlSource, offset: number): Position {
  const { line, col } = source.lineCounter.linePos(offset);
  return line === 0 ? { line: 1, column: offset + 1 } : { line, column: col };
}

function nodeStart(node: Node | null | undefined): number | undefined {
  return node?.range?.[0];
}

function isEmptyScalar(node: Node | null): boolean {
  return isScalar(node) && node.range !== undefined && node.range !== null && node.range[0] === node.range[1];
}

/**
 * Where a message about `path` should point: its key (`at: "key"`) or its value. A missing field points
 * at the key of the nearest enclosing field that exists; an empty value (`weight:`) at its key.
 */
export function positionOf(source: YamlSource, path: readonly PathSegment[], at: "key" | "value"): Position {
  return offsetPosition(source, offsetOf(source, path, at));
}

/**
 * The offset in the text that `positionOf` turns into line and column. Messages are ordered by it, so
 * that only the ones shown need a line and column.
 */
export function offsetOf(source: YamlSource, path: readonly PathSegment[], at: "key" | "value"): number {
  const steps = walk(source, path);
  const last = steps[steps.length - 1];
  const complete = steps.length === path.length + 1;
  let offset: number | undefined;
  if (last !== undefined) {
    const useKey = !complete || at === "key" || last.value === null || isEmptyScalar(last.value);
    offset = useKey ? (nodeStart(last.key) ?? nodeStart(last.value)) : nodeStart(last.value);
  }
  return offset ?? firstContentOffset(source);
}

export function positionOfOffset(source: YamlSource, offset: number): Position {
  return offsetPosition(source, offset);
}

function firstContentOffset(source: YamlSource): number {
  return nodeStart(source.doc.contents as Node | null) ?? 0;
}

/** The source text of the scalar at `path` (`1e400`, `.nan`, `"40"`), for messages that quote it. */
export function scalarSourceAt(source: YamlSource, path: readonly PathSegment[]): string | undefined {
  const steps = walk(source, path);
  if (steps.length !== path.length + 1) return undefined;
  const node = deref(source, steps[steps.length - 1]?.value ?? null);
  if (!isScalar(node) || !node.range) return undefined;
  return source.text.slice(node.range[0], node.range[1]).trim();
}
