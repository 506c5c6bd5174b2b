// The aliases of a document, checked in one pass: each must have an anchor before it, and together they
// may copy only a few values. The parser's own limit counts aliases, not what they copy: 100 aliases of
// a mapping with 5,000 keys pass it and give the schema half a million keys to report. This counts the
// copied nodes instead. The library's `Alias.resolve(doc)` walks the whole document for every alias,
// which makes a file of many aliases quadratic; here anchors are looked up in a map built on the way.
import type { Alias, Document, Node } from "yaml";
import { isAlias, isCollection, isPair, isScalar, visit } from "yaml";

export interface AliasProblem {
  ok: false;
  /** `unresolved`: no anchor of that name before the alias. `expansion`: the aliases copy too much. */
  reason: "unresolved" | "expansion";
  /** The first alias without an anchor, or for `expansion` the first alias of the document. */
  alias: Alias;
}

/** On success, what each alias refers to: later lookups need not search the document again. */
export type AliasCheck = { ok: true; targets: ReadonlyMap<Alias, Node> } | AliasProblem;

/** Refuses the first alias without an anchor before it, then aliases that copy more than `limit` nodes. */
export function checkAliases(doc: Document.Parsed, limit: number): AliasCheck {
  // YAML's rule: an alias refers to the last node before it, in document order, with that anchor.
  const anchored = new Map<string, Node>();
  const targets = new Map<Alias, Node>();
  let first: Alias | undefined;
  let unresolved: Alias | undefined;
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        first ??= node;
        const target = anchored.get(node.source);
        if (target === undefined) {
          unresolved = node;
          return visit.BREAK;
        }
        targets.set(node, target);
      } else if (node.anchor !== undefined) {
        // Set before the node's children are visited: an alias inside its own anchor refers to it.
        anchored.set(node.anchor, node);
      }
      return undefined;
    },
  });
  if (unresolved !== undefined) return { ok: false, reason: "unresolved", alias: unresolved };
  if (first === undefined) return { ok: true, targets };

  const sizes = new Map<Node, number>();
  const size = (node: unknown): number => {
    if (isAlias(node)) return size(targets.get(node));
    if (isPair(node)) return size(node.key) + size(node.value);
    if (!isCollection(node)) return isScalar(node) ? 1 : 0;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    // A collection that holds an alias of itself never ends: over any limit.
    sizes.set(node, limit + 1);
    let total = 1;
    for (const item of node.items as unknown[]) {
      total += size(item);
      if (total > limit) break;
    }
    sizes.set(node, Math.min(total, limit + 1));
    return Math.min(total, limit + 1);
  };
  let copied = 0;
  for (const target of targets.values()) {
    copied += size(target);
    if (copied > limit) return { ok: false, reason: "expansion", alias: first };
  }
  return { ok: true, targets };
}
