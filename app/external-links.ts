// The only web pages the app links to. The renderer shows these links, and the desktop's main
// process opens a link in the system browser only when it is one of them, by its exact address
// (electron/security.ts windowOpenDecision): a compromised page cannot make the app open any URL.
// Pure: no Node or DOM APIs.

export const EXTERNAL_LINKS = {
  /** InfluxDB 2.x: write data with the HTTP API (what "Copy as curl" follows for /api/v2/write). */
  writeApiV2: 'https://docs.influxdata.com/influxdb/v2/write-data/developer-tools/api/',
  /** InfluxDB 1.x: writing data with the HTTP API (/write). */
  writeApiV1: 'https://docs.influxdata.com/influxdb/v1/guides/write_data/',
  /** The line protocol reference. */
  lineProtocol: 'https://docs.influxdata.com/influxdb/v2/reference/syntax/line-protocol/',
} as const;

const SHOWN: ReadonlySet<string> = new Set(Object.values(EXTERNAL_LINKS));

/** The link as the app lists it when `url` is exactly one of EXTERNAL_LINKS; else undefined. */
export function shownExternalLink(url: string): string | undefined {
  return SHOWN.has(url) ? url : undefined;
}
