import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Guards against a test that hangs, not deadlines: every test waits on events, and a loaded machine
    // (or two files at once on two cores) stretches a GitOps loop test far past its idle 20 s.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Tests start servers on ephemeral loopback ports and real git repos in temp dirs: keep them isolated.
    pool: "forks",
    // Vitest's default (one fewer worker than cores) runs the whole suite in one worker on two cores,
    // which leaves a core idle while git and the simulator wait: at least two.
    maxWorkers: Math.max(2, availableParallelism() - 1),
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
