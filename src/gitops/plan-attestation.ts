// How a plan commit is known to be folioctl's own. Git's author and committer are whatever the pusher
// typed, and GitHub maps an email to a login without proof, so neither can tell the bot's commit from a
// person's. A commit status can: GitHub records the account whose token created it, and only the bot's
// token can create one as the bot. propose sets `folioctl/plan (<account>)` on every plan commit it
// pushes, naming the plan's hash and the git blob id of the exact bytes it wrote; apply and propose trust
// a plan file only when a bot-created status on the right commit names those bytes.
import { createHash } from "node:crypto";
import type { CommitStatus, CommitStatusRecord, Forge } from "../forge/forge.js";
import { sameLogin } from "../forge/to-pull-request.js";

export function planStatusContext(account: string): string {
  return `folioctl/plan (${account})`;
}

/** Git's object id of a file's bytes (`git hash-object`), computed without git: SHA-1 over a header and the bytes. */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex");
}

/** The status propose sets on its plan commit: 5 + 64 + 6 + 40 characters, within GitHub's 140. */
export function planAttestation(account: string, planHash: string, blobId: string): CommitStatus {
  return {
    state: "success",
    context: planStatusContext(account),
    description: `plan ${planHash} blob ${blobId}`,
  };
}

export interface Attestation {
  planHash: string;
  blobId: string;
}

const DESCRIPTION = /^plan ([0-9a-f]{64}) blob ([0-9a-f]{40,64})$/;

/** The bot's attestations for an account among a commit's statuses; anyone else's are ignored. */
export function botAttestations(
  statuses: readonly CommitStatusRecord[],
  account: string,
  botLogin: string,
): Attestation[] {
  const context = planStatusContext(account);
  return statuses.flatMap((status) => {
    if (status.context !== context || status.creator === undefined || !sameLogin(status.creator, botLogin))
      return [];
    const match = DESCRIPTION.exec(status.description);
    return match?.[1] && match[2] ? [{ planHash: match[1], blobId: match[2] }] : [];
  });
}

/** The attestation on `sha` for exactly these plan bytes, if the bot made one. */
export async function findAttestation(
  forge: Forge,
  input: { sha: string; account: string; botLogin: string; bytes: Uint8Array },
): Promise<{ found: Attestation | undefined; others: Attestation[] }> {
  const all = botAttestations(await forge.listCommitStatuses(input.sha), input.account, input.botLogin);
  const blobId = gitBlobId(input.bytes);
  return { found: all.find((entry) => entry.blobId === blobId), others: all };
}
