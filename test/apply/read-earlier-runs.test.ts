// What earlier runs of a plan sent comes from their ledger records in the ledger folder: only this plan's
// records of this account, oldest first, and a record that cannot be read stops the run rather than
// counting as "sent nothing".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildLedgerRecord } from "../../src/apply/build-ledger-record.js";
import type { LegOutcome } from "../../src/apply/execution-types.js";
import { isRecordOfPlan, readEarlierRuns } from "../../src/apply/read-earlier-runs.js";
import { InputError } from "../../src/errors.js";
import { checkScenario } from "./support/check-scenario.js";

const { plan } = checkScenario();
const hash12 = plan.hash.slice(0, 12);
const ACCOUNT = plan.account;

function sentLeg(leg: string, sentQuantity: number): LegOutcome {
  const order = plan.orders.find((o) => o.leg === leg)!;
  return {
    leg,
    orderRef: `folioctl:${hash12}:${leg}`,
    side: order.side,
    symbol: order.symbol,
    conId: order.conId,
    currency: order.currency,
    plannedQuantity: order.quantity,
    sentQuantity,
    filledQuantity: 0,
    avgPrice: 0,
    estimatedPrice: order.estimatedPrice,
    status: "unfilled",
    orderIds: [sentQuantity],
    permIds: [],
    fills: [],
    commission: 0,
    resumed: false,
    notes: [],
  };
}

/** The record of a run that sent the first leg with `sent` shares, as JSON text. */
function recordText(sent: number, overrides: Record<string, unknown> = {}): string {
  const record = buildLedgerRecord({
    plan,
    toolVersion: plan.toolVersion,
    startedAt: new Date("2026-11-24T15:01:00Z"),
    finishedAt: new Date("2026-11-24T15:02:00Z"),
    execution: { alreadyApplied: false, alreadyAttempted: false, legs: [sentLeg(plan.orders[0]!.leg, sent)] },
  });
  return JSON.stringify({ ...record, ...overrides }, null, 2);
}

describe("readEarlierRuns", () => {
  let root: string;
  let n = 0;
  /** A fresh ledger folder holding `files` in the account's folder. */
  const ledger = async (files: Record<string, string>): Promise<string> => {
    const dir = join(root, `ledger-${n++}`);
    await mkdir(join(dir, ACCOUNT), { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, ACCOUNT, name), text);
    return dir;
  };
  const refusal = (dir: string) =>
    readEarlierRuns(dir, ACCOUNT, plan.hash).then(
      () => {
        throw new Error("expected a refusal");
      },
      (error: unknown) => error as InputError,
    );

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "folioctl-earlier-"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("finds nothing when the account has no ledger folder yet", async () => {
    expect(await readEarlierRuns(join(root, "none"), ACCOUNT, plan.hash)).toEqual([]);
  });

  it("reads only this plan's records of this account, oldest first, a second's records in the order they were written", async () => {
    // Written in an order that is sorted neither way, whatever order the directory lists them in.
    const dir = await ledger({
      [`2026-11-24T150300Z-${hash12}.json`]: recordText(5),
      [`2026-11-24T150500Z-${hash12}.json`]: recordText(6),
      [`2026-11-24T150100Z-${hash12}.json`]: recordText(1),
      [`2026-11-24T150400Z-${hash12}.json`]: recordText(3),
      [`2026-11-24T150100Z-${hash12}-2.json`]: recordText(2),
      [`2026-11-24T150100Z-${hash12}-10.json`]: recordText(4),
      // Another plan's record, by its name; and records named for this plan that say otherwise inside.
      "2026-11-24T150000Z-0123456789ab.json": recordText(9),
      [`2026-11-24T150200Z-${hash12}-3.json`]: recordText(8, { account: "DU7654321" }),
      [`2026-11-24T150300Z-${hash12}-4.json`]: recordText(7, { planHash: "f".repeat(64) }),
      "notes.txt": "not a record",
    });

    const orders = await readEarlierRuns(dir, ACCOUNT, plan.hash);

    expect(orders.map((o) => o.sentQuantity)).toEqual([1, 2, 4, 5, 3, 6]);
    expect(orders[0]).toMatchObject({
      leg: plan.orders[0]!.leg,
      orderRef: `folioctl:${hash12}:${plan.orders[0]!.leg}`,
    });
  });

  it("stops on a record that is not JSON, naming the file, and says never to delete it", async () => {
    const name = `2026-11-24T150100Z-${hash12}.json`;
    const dir = await ledger({ [name]: "{ not json" });

    const error = await refusal(dir);

    expect(error).toBeInstanceOf(InputError);
    const file = join(dir, ACCOUNT, name);
    expect(error.message).toMatch(
      new RegExp(
        `^cannot read the earlier ledger record ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, so it is not known which legs an earlier run sent; nothing was sent:\n  \\S`,
      ),
    );
    expect(error.hint).toBe(
      "Restore the record from git (git checkout -- <file>) and run apply again. Never delete it to get past this: the legs it records would be sent a second time.",
    );
  });

  it("stops on a record that is JSON but not a ledger record, saying which field is wrong", async () => {
    const name = `2026-11-24T150100Z-${hash12}.json`;
    const dir = await ledger({ [name]: recordText(1, { orders: "none" }) });

    const error = await refusal(dir);

    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(`cannot read the earlier ledger record ${join(dir, ACCOUNT, name)}`);
    expect(error.message).toMatch(/\n {2}.*orders/);
  });

  it("lists every problem of a record on its own line", async () => {
    const name = `2026-11-24T150100Z-${hash12}.json`;
    const dir = await ledger({ [name]: recordText(1, { orders: "none", outcome: 7 }) });

    const error = await refusal(dir);

    const lines = error.message.split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.slice(1).every((line) => line.startsWith("  "))).toBe(true);
    expect(lines.slice(1).join("\n")).toMatch(/orders[^]*\n.*outcome|outcome[^]*\n.*orders/);
  });

  it("stops on a record listed but gone when read", async () => {
    const name = `2026-11-24T150100Z-${hash12}.json`;
    const dir = await ledger({});
    await symlink(join(dir, "nowhere.json"), join(dir, ACCOUNT, name));

    const error = await refusal(dir);

    expect(error.message).toMatch(/\n {2}.*cannot read the ledger record file \(ENOENT\)/);
  });

  it("stops when the account's ledger folder cannot be listed", async () => {
    const dir = join(root, `ledger-${n++}`);
    await mkdir(dir);
    await writeFile(join(dir, ACCOUNT), "a file where the folder should be");

    const error = await refusal(dir);

    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      `cannot read the earlier ledger record ${join(dir, ACCOUNT)}, so it is not known which legs an earlier run sent; nothing was sent:\n  cannot list it (ENOTDIR)`,
    );
  });
});

describe("isRecordOfPlan", () => {
  const hash = "0123456789abcdef".repeat(4);

  it("takes a record named for the plan's first 12 hash digits, with or without a counter", () => {
    expect(isRecordOfPlan("2026-11-24T150100Z-0123456789ab.json", hash)).toBe(true);
    expect(isRecordOfPlan("2026-11-24T150100Z-0123456789ab-2.json", hash)).toBe(true);
    expect(isRecordOfPlan("2026-11-24T150100Z-0123456789ab-12.json", hash)).toBe(true);
  });

  it("refuses other plans' records and files that only look alike", () => {
    expect(isRecordOfPlan("2026-11-24T150100Z-0123456789ac.json", hash)).toBe(false);
    expect(isRecordOfPlan("2026-11-24T150100Z-0123456789ab-x.json", hash)).toBe(false);
    expect(isRecordOfPlan("2026-11-24T150100Z-0123456789ab-.json", hash)).toBe(false);
    expect(isRecordOfPlan("2026-11-24T150100Z0123456789ab.json", hash)).toBe(false);
    expect(isRecordOfPlan("2026-11-24T150100Z-0123456789ab.json.bak", hash)).toBe(false);
    expect(isRecordOfPlan("2026-11-24T150100Z-0123456789ab.jsonl", hash)).toBe(false);
    expect(isRecordOfPlan("2026-11-24T150100Z-0123456789ab0.json", hash)).toBe(false);
  });
});
