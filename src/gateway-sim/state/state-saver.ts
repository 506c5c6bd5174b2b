// `--save`: rewrites the state file after every fill, one write at a time, atomically (temp + rename),
// so that a crash never leaves half a file and separate runs see what earlier ones did.
import { rename, writeFile } from "node:fs/promises";

export class StateSaver {
  private running: Promise<void> | undefined;
  private dirty = false;
  private lastError: unknown;

  constructor(
    private readonly file: string,
    private readonly render: () => string,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Asks for a write; several requests while one is running collapse into one more write. */
  request(): void {
    this.dirty = true;
    this.running ??= this.loop();
  }

  /** Resolves when every requested write is on disk. */
  async flush(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  get error(): unknown {
    return this.lastError;
  }

  private async loop(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      const temp = `${this.file}.${process.pid}.tmp`;
      try {
        await writeFile(temp, this.render(), "utf8");
        await rename(temp, this.file);
      } catch (error) {
        this.lastError = error;
        this.onError(error);
      }
    }
    this.running = undefined;
  }
}
