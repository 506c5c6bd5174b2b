import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests start servers on ephemeral loopback ports and real git repos in temp dirs: keep them isolated.
    pool: "forks",
    // Applies share a lock directory per machine; parallel test files must not share one.
    setupFiles: ["test/support/isolate-lock-dir.ts"],
    // The schema validators are generated code (src/generated/): compile them before any test imports one.
    globalSetup: ["test/support/compile-schemas-setup.ts"],
  },
});
