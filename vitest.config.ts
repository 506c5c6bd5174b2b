import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests start servers on ephemeral loopback ports and real git repos in temp dirs: keep them isolated.
    pool: "forks",
    // Vitest's default number of workers (one fewer than the cores) stays: two workers on a 2-core machine
    // under load made the GitOps loop tests time out (each waits on git and the simulator).
    // A worker reuses the modules it has loaded (octokit, @stoqey/ib, ajv, the source) for its next test
    // file instead of loading them again for each of the 111 files. Safe because no test mocks a module
    // and every test that changes process.env or starts a server puts it back in afterEach; setup files
    // still run before each file.
    isolate: false,
    // Applies share a lock directory per machine; parallel test files must not share one.
    setupFiles: ["test/support/isolate-lock-dir.ts"],
    // The schema validators are generated code (src/generated/): compile them before any test imports one.
    // The fake GitHub's contract validators are made there too, once per run (test/support/fake-github/).
    globalSetup: ["test/support/compile-schemas-setup.ts"],
  },
});
