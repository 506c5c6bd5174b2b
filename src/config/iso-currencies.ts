// ISO 4217 codes as the runtime's ICU data knows them (current codes only; withdrawn ones such as DEM
// are absent), so that a typo like `USX` fails here instead of at the broker.
const CODES: ReadonlySet<string> = new Set(Intl.supportedValuesOf("currency"));

export function isIsoCurrency(code: string): boolean {
  return CODES.has(code);
}

export function isoCurrencyCodes(): string[] {
  return [...CODES];
}
