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

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let at = items.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(items[at] as T, items[parent] as T)) break;
      [items[at], items[parent]] = [items[parent] as T, items[at] as T];
      at = parent;
    }
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
    let at = start;
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let best = at;
      if (left < items.length && this.before(items[left] as T, items[best] as T)) best = left;
      if (right < items.length && this.before(items[right] as T, items[best] as T)) best = right;
      if (best === at) return;
      [items[at], items[best]] = [items[best] as T, items[at] as T];
      at = best;
    }
  }
}
