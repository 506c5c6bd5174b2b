// The broker apply trades through: before its first connection it takes the account's lock file, and a
// gateway that refuses its client id as in use (326) means another apply for the account is connected.
// Both are the refusal `locked`, before anything is sent. Reconnects after a drop are plain reconnects.
import { IbBroker, type IbBrokerOptions } from "../broker/ib/ib-broker.js";
import type { BrokerSession } from "../broker/broker.js";
import { GATEWAY_NAME } from "../broker/gateway-address.js";
import { BrokerError, RefusalError } from "../errors.js";
import { acquireAccountLockFile, type AccountLockFile } from "./account-lock.js";
import { releaseOnSignals, type SignalTarget } from "./release-on-signals.js";

/** IB Gateway's "client id is already in use". */
const CLIENT_ID_IN_USE = 326;

export interface ApplyBrokerOptions extends IbBrokerOptions {
  account: string;
  /** Where the lock files of every apply on this machine are. */
  lockDir: string;
  log: (line: string) => void;
  /** Said once, before the first connection (for example that the client id is not the account's own). */
  notice?: string;
  /** Whose SIGINT and SIGTERM release the lock file: this process unless a test passes an emitter. */
  signals?: SignalTarget;
}

export class ApplyBroker extends IbBroker {
  private lockFile: AccountLockFile | undefined;
  private stopListening: (() => void) | undefined;
  private connected = false;

  constructor(private readonly applyOptions: ApplyBrokerOptions) {
    super(applyOptions);
  }

  override async connect(): Promise<BrokerSession> {
    if (this.connected) return super.connect();
    if (this.lockFile === undefined) {
      const { account, lockDir: dir, log } = this.applyOptions;
      const now = this.applyOptions.now ?? (() => new Date());
      if (this.applyOptions.notice !== undefined) log(this.applyOptions.notice);
      this.lockFile = await acquireAccountLockFile({ dir, account, now, log });
      this.stopListening = releaseOnSignals(() => this.lockFile?.releaseSync(), this.applyOptions.signals);
    }
    try {
      const session = await super.connect();
      this.connected = true;
      return session;
    } catch (error) {
      if (error instanceof BrokerError && error.code === CLIENT_ID_IN_USE) throw this.lockedAtGateway();
      throw error;
    }
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      this.stopListening?.();
      await this.lockFile?.release();
    }
  }

  private lockedAtGateway(): RefusalError {
    const { account, clientId } = this.applyOptions;
    // The address is a secret of the workflows: this message can reach a commit status.
    return new RefusalError(
      "locked",
      `another apply for ${account} is connected to ${GATEWAY_NAME} with client id ${clientId}`,
      {
        hint:
          "Nothing was sent. Wait for that apply to finish; if none is running, another program uses " +
          `client id ${clientId}: stop it or give it another id.`,
      },
    );
  }
}
