// A cursor over one message's fields, read the way the TWS server reads what the client wrote.

/** The message had fewer fields than its layout needs, or more. Always a client/simulator mismatch. */
export class WireFormatError extends Error {
  override name = "WireFormatError";
}

export class FieldReader {
  private index: number;

  constructor(
    readonly fields: readonly string[],
    /** Where reading starts: 1 skips the message id. */
    start = 1,
  ) {
    this.index = start;
  }

  /** Index of the next field to read; equals fields.length when everything was consumed. */
  get position(): number {
    return this.index;
  }

  get remaining(): number {
    return this.fields.length - this.index;
  }

  str(what = "field"): string {
    if (this.index >= this.fields.length) {
      throw new WireFormatError(
        `message ended before ${what} (field ${this.index} of ${this.fields.length})`,
      );
    }
    const value = this.fields[this.index] ?? "";
    this.index += 1;
    return value;
  }

  /** Integer; "" is undefined, like the server's readIntMax. */
  int(what?: string): number | undefined {
    const text = this.str(what);
    if (text === "") return undefined;
    const value = Number.parseInt(text, 10);
    if (Number.isNaN(value)) throw new WireFormatError(`${what ?? "field"} is not an integer: "${text}"`);
    return value === 2147483647 ? undefined : value;
  }

  /** Floating point; "" is undefined. The client writes JS String(n), so "1e-7" and "Infinity" occur. */
  double(what?: string): number | undefined {
    const text = this.str(what);
    if (text === "") return undefined;
    const value = Number.parseFloat(text);
    if (Number.isNaN(value)) throw new WireFormatError(`${what ?? "field"} is not a number: "${text}"`);
    return value === Number.MAX_VALUE ? undefined : value;
  }

  /** "1" is true; "", "0" and anything else false (the client writes booleans as 1/0). */
  bool(what?: string): boolean {
    const value = Number.parseInt(this.str(what), 10);
    return !Number.isNaN(value) && value !== 0;
  }

  skip(count: number, what = "fields"): void {
    for (let i = 0; i < count; i += 1) this.str(what);
  }

  /** Throws unless every field was read: the cursor must end exactly at the message end. */
  expectEnd(message: string): void {
    if (this.index !== this.fields.length) {
      throw new WireFormatError(
        `${message}: ${this.fields.length - this.index} unread field(s) after field ${this.index} of ${this.fields.length}`,
      );
    }
  }
}
