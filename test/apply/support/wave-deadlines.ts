// Wave deadlines a test reaches by an event instead of waiting for a timer: the executor asks this port
// when a wave's deadline is reached, and the test says "now" (or "as soon as that wave starts"). The
// wave's own timeout still runs, as a guard against a test that hangs: give it a generous one (60 s).
import type { WaveDeadline } from "../../../src/apply/execute-legs.js";

type Waiting = { legs: string[]; reach: () => void };

export class WaveDeadlines {
  /** Legs whose wave's deadline is reached: now if it waits, else as soon as it starts waiting. */
  private readonly reached = new Set<string>();
  private readonly waiting: Waiting[] = [];
  private readonly watchers: Array<(legs: string[]) => void> = [];

  /** Pass as `waveDeadline`: a wave's deadline is reached when the test says so (or its timeout passes). */
  readonly port: WaveDeadline = (wave, settled) =>
    new Promise((resolve) => {
      // An empty wave (a plan with no conversions) ends at once: nothing to wait for or to report.
      if (wave.legs.length > 0) for (const watch of this.watchers.splice(0)) watch(wave.legs);
      if (wave.legs.some((leg) => this.reached.has(leg))) return resolve();
      const end = () => {
        clearTimeout(guard);
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        resolve();
      };
      const guard = setTimeout(end, wave.timeoutMs);
      const entry: Waiting = { legs: wave.legs, reach: end };
      this.waiting.push(entry);
      settled.addEventListener("abort", end, { once: true });
    });

  /** The deadline of the wave holding `leg` is reached: now if that wave waits, else when it starts. */
  reach(leg: string): void {
    this.reached.add(leg);
    for (const entry of this.waiting.filter((w) => w.legs.includes(leg))) entry.reach();
  }

  /**
   * Resolves with the legs of the next wave that starts waiting for its deadline: all its orders are
   * sent, and the executor waits for them to end.
   */
  nextWave(): Promise<string[]> {
    return new Promise((resolve) => this.watchers.push(resolve));
  }
}
