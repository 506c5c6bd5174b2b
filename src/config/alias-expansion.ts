// How many values the aliases of a document add when it becomes data. The parser's own limit counts
// aliases, not what they copy: 100 aliases of a mapping with 5,000 keys pass it and give the schema
// half a million keys to report. This counts the copied nodes instead.
import type { Document, Node } from "yaml";
import { isAlias, isMap, isPair, isScalar, isSeq, visit } from "yaml";

/** True when the aliases of `doc` together copy more than `limit` nodes. */
export function aliasesCopyMoreThan(doc: Document.Parsed, limit: number): boolean {
  const sizes = new Map<Node, number>();
  const size = (node: unknown): number => {
    if (isAlias(node)) return size(node.resolve(doc));
    if (isPair(node)) return size(node.key) + size(node.value);
    if (!isMap(node) && !isSeq(node)) return isScalar(node) ? 1 : 0;
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
  // Aliases are met in document order, after their anchors, so each size is known before it is
  // needed again and the recursion stays as shallow as the document.
  visit(doc, {
    Alias(_key, alias) {
      copied += size(alias);
      return copied > limit ? visit.BREAK : undefined;
    },
  });
  return copied > limit;
}
