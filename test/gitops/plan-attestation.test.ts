// A plan commit is the bot's own only when a commit status the bot created names the plan's hash and the
// git blob id of the file's exact bytes: statuses of another context, another creator or another form
// are ignored.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { CommitStatusRecord, Forge } from "../../src/forge/forge.js";
import {
  botAttestations,
  findAttestation,
  gitBlobId,
  planAttestation,
  planStatusContext,
} from "../../src/gitops/plan-attestation.js";

const HASH = "ab".repeat(32);
const BLOB = "cd".repeat(20);
const status = (changes: Partial<CommitStatusRecord> = {}): CommitStatusRecord => ({
  state: "success",
  context: "folioctl/plan (DU1234567)",
  description: `plan ${HASH} blob ${BLOB}`,
  creator: "folioctl[bot]",
  createdAt: "2026-11-24T15:00:00Z",
  ...changes,
});

describe("the plan attestation", () => {
  it("is the id git gives the same bytes", () => {
    for (const text of ["", "{}\n", "é ✓ plan\n".repeat(100)]) {
      const bytes = new TextEncoder().encode(text);
      const git = execFileSync("git", ["hash-object", "--stdin"], { input: bytes }).toString().trim();
      expect(gitBlobId(bytes)).toBe(git);
    }
  });

  it("names the account in its context and the hash and blob in its description", () => {
    expect(planStatusContext("DU1")).toBe("folioctl/plan (DU1)");
    const attestation = planAttestation("DU1234567", HASH, BLOB);
    expect(attestation).toEqual({
      state: "success",
      context: "folioctl/plan (DU1234567)",
      description: `plan ${HASH} blob ${BLOB}`,
    });
    // What propose writes is what apply reads back.
    expect(botAttestations([status(attestation)], "DU1234567", "folioctl[bot]")).toEqual([
      { planHash: HASH, blobId: BLOB },
    ]);
  });

  it("takes only the bot's statuses for this account, its login in any case", () => {
    const statuses = [
      status({ creator: "Folioctl[BOT]", description: `plan ${HASH} blob ${"ef".repeat(32)}` }),
      status({ creator: "mallory" }),
      status({ creator: undefined }),
      status({ context: "folioctl/plan (DU7654321)" }),
      status({ context: "folioctl/plan" }),
      status(),
    ];
    expect(botAttestations(statuses, "DU1234567", "folioctl[bot]")).toEqual([
      { planHash: HASH, blobId: "ef".repeat(32) },
      { planHash: HASH, blobId: BLOB },
    ]);
  });

  it("ignores a description not of the exact form", () => {
    const bad = [
      `plan ${HASH} blob ${BLOB} `,
      ` plan ${HASH} blob ${BLOB}`,
      `plan ${HASH.slice(1)} blob ${BLOB}`,
      `plan ${HASH}a blob ${BLOB}`,
      `plan ${HASH} blob ${BLOB.slice(1)}`,
      `plan ${HASH} blob ${BLOB}${"0".repeat(25)}`,
      `plan ${HASH.toUpperCase()} blob ${BLOB}`,
      `plan ${HASH}  blob ${BLOB}`,
      `plan ${HASH}\nblob ${BLOB}`,
    ];
    for (const description of bad) {
      expect(botAttestations([status({ description })], "DU1234567", "folioctl[bot]"), description).toEqual(
        [],
      );
    }
  });
});

describe("findAttestation", () => {
  it("finds the bot's attestation of exactly these bytes on the commit, and lists the others", async () => {
    const bytes = new TextEncoder().encode('{"plan":1}\n');
    const blob = gitBlobId(bytes);
    const asked: string[] = [];
    // Only the commit statuses are read: a forge that has nothing else.
    const forge = {
      listCommitStatuses: async (sha: string) => {
        asked.push(sha);
        return [
          status({ description: `plan ${HASH} blob ${BLOB}` }),
          status({ description: `plan ${HASH} blob ${blob}` }),
          status({ description: `plan ${"9".repeat(64)} blob ${blob}`, creator: "mallory" }),
        ];
      },
    } as unknown as Forge;

    const result = await findAttestation(forge, {
      sha: "c0ffee",
      account: "DU1234567",
      botLogin: "folioctl[bot]",
      bytes,
    });

    expect(asked).toEqual(["c0ffee"]);
    expect(result).toEqual({
      found: { planHash: HASH, blobId: blob },
      others: [
        { planHash: HASH, blobId: BLOB },
        { planHash: HASH, blobId: blob },
      ],
    });
    const other = await findAttestation(forge, {
      sha: "c0ffee",
      account: "DU1234567",
      botLogin: "folioctl[bot]",
      bytes: new TextEncoder().encode("edited\n"),
    });
    expect(other.found).toBeUndefined();
    expect(other.others).toHaveLength(2);
  });
});
