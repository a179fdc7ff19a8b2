// A statement's error as InfluxDB words it: reported in that statement's result, the others run.
export class StatementError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatementError';
  }
}

/** What this engine does not do, said as such instead of answering something else. */
export function notSupported(what: string): StatementError {
  return new StatementError(`${what} is not supported by Line Protocol Studio`);
}
