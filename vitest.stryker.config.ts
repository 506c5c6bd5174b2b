import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.ts";

// Only for `npm run mutate` (stryker.config.json): the suite's configuration plus a setup file that
// activates Stryker's mutant before the source is imported, so mutants of module-level constants count.
export default mergeConfig(
  base,
  defineConfig({ test: { setupFiles: ["test/support/stryker-activate-early.ts"] } }),
);
