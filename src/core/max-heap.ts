/** A binary max-heap ordered by `before(a, b)` (true when a should come out first). */
export class MaxHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  /**
   * Adds an item without ordering: pop() and peek() are wrong until heapify(). Items appended then made
   * a heap at once cost linear time, where pushing them one by one costs n log n comparisons.
   */
  append(item: T): void {
    this.items.push(item);
  }

  heapify(): void {
    for (let at = (this.items.length >> 1) - 1; at >= 0; at--) this.down(at);
  }

  // Sifting moves a hole rather than swapping pairs: one write per level, the moved item written once.
  push(item: T): void {
    const items = this.items;
    let at = items.length;
    items.push(item);
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const above = items[parent] as T;
      if (!this.before(item, above)) break;
      items[at] = above;
      at = parent;
    }
    items[at] = item;
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    this.down(0);
    return top;
  }

  /** Moves the item at `start` down until neither child comes before it. */
  private down(start: number): void {
    const items = this.items;
    const item = items[start] as T;
    const n = items.length;
    let at = start;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= n) break;
      const right = left + 1;
      // The child that comes first; it moves up if it comes before the item.
      let child = left;
      if (right < n && this.before(items[right] as T, items[left] as T)) child = right;
      const below = items[child] as T;
      if (!this.before(below, item)) break;
      items[at] = below;
      at = child;
    }
    items[at] = item;
  }
}
