import { inject } from "vitest";

// Stryker's vitest runner activates a mutant in a beforeAll hook whenever the run names its test files
// (`--testFiles`), even for a "static" mutant: one in code that runs when a module is first imported, such
// as the initial value of a module-level constant. The source is imported before any hook runs, so such a
// mutant was never active and always counted as survived. Activating it when this setup file loads, which
// is before the test file imports the source, makes those mutants real. Only this project's Stryker
// configuration (vitest.stryker.config.ts) loads this file; `npm test` never does.
declare module "vitest" {
  export interface ProvidedContext {
    mode: "dry-run" | "mutant";
    activeMutant: string;
    globalNamespace: string;
  }
}

if (inject("mode") === "mutant") {
  const name = inject("globalNamespace");
  const scope = globalThis as unknown as Record<string, { activeMutant?: string } | undefined>;
  const namespace = (scope[name] ??= {});
  namespace.activeMutant = inject("activeMutant");
}
