// `folioctl gateway-sim` as a user runs it: the built binary, a real port, real signals.
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventName, OrderAction, OrderType } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli } from "../support/run-cli.js";
import { closeClients, connectClient } from "./support/ib-test-client.js";

const BIN = join(REPO_ROOT, "bin/folioctl.js");
const children = new Set<ChildProcessWithoutNullStreams>();
const dirs: string[] = [];

afterEach(async () => {
  await closeClients();
  for (const child of children) child.kill("SIGKILL");
  children.clear();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

interface Running {
  port: number;
  stderr: () => string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/** Starts the simulator binary and waits for the line that names its port. */
function startBinary(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [BIN, "gateway-sim", "--port", "0", ...args], { cwd: REPO_ROOT });
  children.add(child);
  let stdout = "";
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no port line; stderr: ${stderr}`)), 15_000);
    void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        port: Number(match[1]),
        stderr: () => stderr,
        stop: async (signal) => {
          child.kill(signal);
          const code = await exited;
          children.delete(child);
          return code;
        },
      });
    });
  });
}

async function tempState(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "folioctl-cli-sim-"));
  dirs.push(dir);
  const file = join(dir, "state.yaml");
  await writeFile(file, await readFile(join(REPO_ROOT, "examples/sim-state.yaml")));
  return file;
}

describe("folioctl gateway-sim", () => {
  it("serves the bundled example on loopback, prints the port and stops on SIGTERM", async () => {
    const sim = await startBinary(["--server-version", "176"]);
    const client = await connectClient(sim.port, 5);
    expect(client.named(EventName.managedAccounts)).toEqual([["DU1234567"]]);
    expect(client.ib.serverVersion).toBe(176);
    await client.disconnect();
    expect(await sim.stop("SIGTERM")).toBe(0);
    expect(sim.stderr()).toContain("; simulated time from 2026-12-02T15:00:00Z (the state's clock); ");
    expect(sim.stderr()).toContain("stopped (SIGTERM)");
  });

  it("with --save, a second run sees the fills of the first; --verbose logs decoded messages", async () => {
    const file = await tempState();
    const first = await startBinary(["--sim-state", file, "--save", "--verbose"]);
    const client = await connectClient(first.port, 5);
    const since = client.mark();
    const order = {
      action: OrderAction.SELL,
      totalQuantity: 10,
      orderType: OrderType.MKT,
      account: "DU1234567",
      transmit: true,
    };
    client.ib.placeOrder(1000, { conId: 756733, exchange: "SMART" }, order);
    await client.waitFor(EventName.commissionReport, { since });
    await client.disconnect();
    expect(await first.stop("SIGINT")).toBe(0);
    expect(first.stderr()).toContain("-> PLACE_ORDER id=1000 SELL 10");
    expect(first.stderr()).toContain("<- EXECUTION_DATA -1 | 1000 | 756733 | VTI");

    const second = await startBinary(["--sim-state", file]);
    const again = await connectClient(second.port, 5);
    const mark = again.mark();
    again.ib.reqPositions();
    await again.waitFor(EventName.positionEnd, { since: mark });
    const vti = again
      .named(EventName.position, mark)
      .find((a) => (a[1] as { conId: number }).conId === 756733);
    expect(vti?.[2]).toBe(90);
    await again.disconnect();
    expect(await second.stop("SIGTERM")).toBe(0);
  });

  it("exits 64 on a bad port or --save without --sim-state, and 1 with the problems of a bad state file", async () => {
    const port = await runCli(["gateway-sim", "--port", "http"]);
    expect(port.code).toBe(64);
    expect(port.stderr).toContain('--port must be a TCP port number (0-65535), not "http"');
    const version = await runCli(["gateway-sim", "--server-version", "99"]);
    expect(version.code).toBe(64);
    expect(version.stderr).toContain(
      '--server-version must be a TWS API server version from 100 to 193, not "99"',
    );
    const save = await runCli(["gateway-sim", "--save"]);
    expect(save.code).toBe(64);
    expect(save.stderr).toContain("--save needs --sim-state FILE");

    const file = await tempState();
    await writeFile(file, "accounts: []\ncontracts: []\n");
    const bad = await runCli(["gateway-sim", "--port", "0", "--sim-state", file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${file}:1:11: error: accounts: must NOT have fewer than 1 items`);
  });
});
