// The YAML library looks up `process.env.LOG_TOKENS` for every token its parser reads, and
// `process.env.LOG_STREAM` for every top-level token its composer reads (debugging switches). Each
// lookup in the real environment is a call into Node's C++ side: about a tenth of reading a large file,
// and most of composing one of 80,000 syntax errors. A plain copy with the same variables stands in
// while a synchronous pass runs, so the switches still work.
export function withPlainEnvironment<T>(run: () => T): T {
  const environment = process.env;
  process.env = { ...environment };
  try {
    return run();
  } finally {
    process.env = environment;
  }
}
