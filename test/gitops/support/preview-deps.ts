// What the preview tests give runPreview: the world's forge, a log the test reads, one time for every run
// (a second preview of the same head writes the same comment), and the snapshot reading each file chooses.
import type { Forge } from "../../../src/forge/forge.js";
import type { PreviewDeps } from "../../../src/gitops/preview.js";
import { TOOL_VERSION } from "../../../src/version.js";

export function previewDeps(
  forge: Forge,
  now: string,
  snapshot: PreviewDeps["snapshot"],
): { deps: PreviewDeps; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    deps: {
      forge,
      log: (line) => void lines.push(line),
      now: () => new Date(now),
      toolVersion: TOOL_VERSION,
      snapshot,
    },
  };
}
