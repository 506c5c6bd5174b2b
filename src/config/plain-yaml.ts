// The fast reader of a portfolio's text. Most portfolio.yaml files are plain YAML: mappings, lists and
// scalars, without anchors, aliases, tags, directives or block scalars. js-yaml's event parser reads
// such a file about five times faster than the `yaml` library's lexer, parser and composer (bench:
// hostile-portfolios), and its events carry the offsets that place every message. Anything else, and
// anything js-yaml refuses, goes to the full reader (parse-yaml-document.ts), which explains YAML
// problems and enforces the token budget: this reader returns undefined for it and never decides
// alone that a file is broken.
//
// Both readers resolve scalars with the YAML 1.2 core schema, so a file both can read gives the same
// data (test/config/plain-yaml.test.ts compares them on every example and thousands of mutations).
import type { Event, ScalarEvent } from "js-yaml";
import {
  COLLECTION_STYLE,
  constructFromEvents,
  EVENT_ID,
  getScalarValue,
  parseEvents,
  SCALAR_STYLE,
} from "js-yaml";
import type { PathSegment } from "./field-path.js";
import { MAX_COLLECTIONS, MAX_ENTRIES, MAX_NESTING } from "./scan-yaml-tokens.js";
import type { Position, SourceLocator } from "./yaml-locations.js";

/**
 * A file with more lines than this goes to the full reader, whose token budget (250,000) bounds what it
 * costs: the largest legitimate portfolio, 10,000 targets with five keys and five comment lines each,
 * has about 100,000. Counting lines is cheap; a file of a million blank lines is refused, not parsed.
 */
export const MAX_PLAIN_LINES = 110_000;

interface ScalarNode {
  kind: "scalar";
  /** Where the scalar starts in the text, its opening quote included. */
  start: number;
  /** Where it ends, its closing quote included; start when the value is empty. */
  end: number;
}

interface MapNode {
  kind: "map";
  start: number;
  /** By key, the first pair with that key (a repeated key is the full reader's to explain). */
  pairs: Map<string, { key: ScalarNode; value: LocatedNode }>;
}

interface SeqNode {
  kind: "seq";
  start: number;
  items: LocatedNode[];
}

type LocatedNode = ScalarNode | MapNode | SeqNode;

export interface PlainYaml {
  data: unknown;
  locator: SourceLocator;
}

/** The data and a locator of a plain YAML text, or undefined when the full reader must read it. */
export function readPlainYaml(text: string): PlainYaml | undefined {
  if (countLines(text) > MAX_PLAIN_LINES || NOT_PLAIN_TEXT.test(text)) return undefined;
  if (countCollectionStarts(text) > MAX_COLLECTIONS) return undefined;
  let events: Event[];
  let data: unknown;
  try {
    events = parseEvents(text, { maxDepth: MAX_NESTING + 2 });
    const root = buildTree(events, text);
    if (root === undefined) return undefined;
    // No aliases got past buildTree; refusing them here too keeps expansion out of this reader for good.
    const documents = constructFromEvents(events, { source: text, maxAliases: 0 });
    if (documents.length !== 1) return undefined;
    data = documents[0];
    return { data, locator: treeLocator(root, text) };
  } catch {
    // A syntax error, a repeated key, too deep: the full reader says what and where.
    return undefined;
  }
}

/**
 * Directives (`%YAML`, and unknown ones js-yaml skips without a word), a byte order mark past the start
 * (the full reader skips it, js-yaml reads it as text) and an indented `---` or `...` (text to the full
 * reader, a document marker to js-yaml): the full reader's.
 */
const NOT_PLAIN_TEXT = /^%|\n%|\uFEFF|(?:^|\n)[ \t]+(?:---|\.\.\.)(?:[ \t\r\n]|$)/;

/**
 * Brackets, braces and list dashes: at least one per mapping or list a file can open (a block mapping
 * in a list item starts at its dash). More than the full reader's budget of collections and the file is
 * its to refuse, which it does where the budget is crossed; js-yaml would first parse all of it (a
 * megabyte of `[[[...]]]` costs it most of a second).
 */
function countCollectionStarts(text: string): number {
  let count = 0;
  for (COLLECTION_START.lastIndex = 0; COLLECTION_START.test(text);) count++;
  return count;
}

// A dash before a bracket (`- { symbol: VTI }`) opens no block mapping: the bracket is counted.
const COLLECTION_START = /[[{]|^ *-(?=[ \n])(?! *[[{])/gm;

function countLines(text: string): number {
  let lines = 1;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) lines++;
  return lines;
}

/** Plain keys that the core schema reads as null, a boolean or a number: not plain names. */
const NON_STRING_KEY = /^(?:~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|[-+.0-9].*)?$/;

interface Frame {
  node: MapNode | SeqNode;
  flow: boolean;
  /** In a mapping, the key read and waiting for its value. */
  key?: { text: string; node: ScalarNode };
  entries: number;
}

/** The located tree of the one document, or undefined for anything the full reader must handle. */
function buildTree(events: Event[], text: string): MapNode | undefined {
  const stack: Frame[] = [];
  let root: MapNode | undefined;
  let documents = 0;
  let collections = 0;
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        if (++documents > 1 || event.directives.length > 0) return undefined;
        continue;
      case EVENT_ID.ALIAS:
        return undefined;
      case EVENT_ID.POP: {
        const frame = stack.pop();
        if (frame?.key !== undefined) return undefined;
        continue;
      }
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        if (event.anchorStart !== -1 || event.tagStart !== -1) return undefined;
        if (++collections > MAX_COLLECTIONS || stack.length >= MAX_NESTING) return undefined;
        const flow = event.style === COLLECTION_STYLE.FLOW;
        if (!flow && !startsItsLine(text, event.start)) return undefined;
        const node: MapNode | SeqNode =
          event.type === EVENT_ID.MAPPING
            ? { kind: "map", start: event.start, pairs: new Map() }
            : { kind: "seq", start: event.start, items: [] };
        if (stack.length === 0) {
          if (node.kind !== "map" || root !== undefined) return undefined;
          root = node;
        } else if (!attach(stack[stack.length - 1] as Frame, node, undefined)) return undefined;
        stack.push({ node, flow, entries: 0 });
        continue;
      }
      case EVENT_ID.SCALAR: {
        if (event.anchorStart !== -1 || event.tagStart !== -1) return undefined;
        if (event.style === SCALAR_STYLE.LITERAL_BLOCK || event.style === SCALAR_STYLE.FOLDED_BLOCK) {
          return undefined;
        }
        const frame = stack[stack.length - 1];
        if (frame === undefined) return undefined;
        if (event.style === SCALAR_STYLE.PLAIN && overflows(text.slice(event.valueStart, event.valueEnd))) {
          return undefined;
        }
        // An empty value has no offset among the events. Messages about `a:` point at the key `a`; in a
        // list (`- `) or in braces (`{ a, b: 1 }`, where the full reader has no node for a's value at
        // all) the full reader knows where it is.
        if (event.valueStart === -1 && (frame.flow || frame.node.kind === "seq")) return undefined;
        if (!attach(frame, scalarNode(event), { event, text })) return undefined;
        continue;
      }
    }
  }
  return documents === 1 && stack.length === 0 ? root : undefined;
}

/** Numbers of the core schema, in every form the two readers resolve. */
const CORE_NUMBER = /^(?:0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;

/**
 * `1e400` or 400 digits: the full reader makes them Infinity (and says "must be a finite number"),
 * js-yaml keeps the text. The one place where the two readers' data differ, so it is the full reader's.
 */
function overflows(raw: string): boolean {
  if (raw.length < 5 || !CORE_NUMBER.test(raw)) return false;
  const radix = raw.startsWith("0x") ? 16 : raw.startsWith("0o") ? 8 : 10;
  return !Number.isFinite(radix === 10 ? parseFloat(raw) : parseInt(raw.slice(2), radix));
}

/**
 * A block mapping or list starts its line, after indentation and the dashes of enclosing list items.
 * js-yaml also reads `key: other: 1` as a mapping in a mapping; YAML does not allow it, nor the full
 * reader.
 */
function startsItsLine(text: string, start: number): boolean {
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  return /^(?: *- +)* *$/.test(text.slice(lineStart, start));
}

function scalarNode(event: ScalarEvent): ScalarNode {
  if (event.valueStart === -1) return { kind: "scalar", start: -1, end: -1 };
  const quoted = event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED;
  return quoted
    ? { kind: "scalar", start: event.valueStart - 1, end: event.valueEnd + 1 }
    : { kind: "scalar", start: event.valueStart, end: event.valueEnd };
}

/** Adds a node to the open collection; false when it is a key that is not a plain name. */
function attach(
  frame: Frame,
  node: LocatedNode,
  scalar: { event: ScalarEvent; text: string } | undefined,
): boolean {
  const parent = frame.node;
  if (parent.kind === "seq") {
    if (++frame.entries > MAX_ENTRIES) return false;
    parent.items.push(node);
    return true;
  }
  if (frame.key === undefined) {
    if (scalar === undefined || node.kind !== "scalar" || node.start === -1) return false;
    if (++frame.entries > MAX_ENTRIES) return false;
    const key = getScalarValue(scalar.text, scalar.event);
    if (scalar.event.style === SCALAR_STYLE.PLAIN && NON_STRING_KEY.test(key)) return false;
    frame.key = { text: key, node };
    return true;
  }
  if (!parent.pairs.has(frame.key.text))
    parent.pairs.set(frame.key.text, { key: frame.key.node, value: node });
  frame.key = undefined;
  return true;
}

/** The same answers as the full reader's locator (yaml-locations.ts), from the located tree. */
function treeLocator(root: MapNode, text: string): SourceLocator {
  let lineStarts: number[] | undefined;
  const walk = (path: readonly PathSegment[]): { value: LocatedNode; key?: ScalarNode }[] => {
    const steps: { value: LocatedNode; key?: ScalarNode }[] = [{ value: root }];
    for (const segment of path) {
      const last = (steps[steps.length - 1] as { value: LocatedNode }).value;
      if (last.kind === "map" && typeof segment === "string") {
        const pair = last.pairs.get(segment);
        if (pair === undefined) break;
        steps.push({ value: pair.value, key: pair.key });
      } else if (last.kind === "seq" && typeof segment === "number") {
        const item = last.items[segment];
        if (item === undefined) break;
        steps.push({ value: item });
      } else break;
    }
    return steps;
  };
  const isEmpty = (node: LocatedNode): boolean => node.kind === "scalar" && node.start === node.end;
  return {
    offsetOf(path, at) {
      const steps = walk(path);
      const last = steps[steps.length - 1] as { value: LocatedNode; key?: ScalarNode };
      const complete = steps.length === path.length + 1;
      const useKey = !complete || at === "key" || isEmpty(last.value);
      const offset = useKey ? (last.key?.start ?? last.value.start) : last.value.start;
      return offset === -1 ? root.start : offset;
    },
    scalarSourceAt(path) {
      const steps = walk(path);
      const last = steps[steps.length - 1]?.value;
      if (steps.length !== path.length + 1 || last?.kind !== "scalar") return undefined;
      return last.start === -1 ? "" : text.slice(last.start, last.end).trim();
    },
    positionOfOffset(offset): Position {
      lineStarts ??= indexLines(text);
      // The last line start at or before the offset.
      let low = 0;
      let high = lineStarts.length - 1;
      while (low < high) {
        const middle = (low + high + 1) >> 1;
        if ((lineStarts[middle] as number) <= offset) low = middle;
        else high = middle - 1;
      }
      return { line: low + 1, column: offset - (lineStarts[low] as number) + 1 };
    },
  };
}

function indexLines(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) starts.push(at + 1);
  return starts;
}
