// UTF-8 byte counts decide InfluxDB's key and string limits: characters beyond U+FFFF (emoji)
// are 4 bytes, not 3.
import { describe, expect, it } from 'vitest';
import { utf8Length } from '../../lineprotocol/influx.js';
import { parse } from '../../lineprotocol/parse.js';

describe('utf8Length', () => {
  it('counts as Buffer.byteLength does, surrogate pairs included', () => {
    for (const s of ['', 'abc', 'ü', '€', '😀', 'a😀b', '😀😀', '\u{10FFFF}', 'x\u{1F600}€ü']) {
      expect(utf8Length(s), JSON.stringify(s)).toBe(Buffer.byteLength(s, 'utf8'));
    }
  });

  it('a series key of 16,384 emoji (65,536+ bytes) exceeds the 65,535-byte key limit', () => {
    const key = 'm,t=' + '😀'.repeat(16_384);
    const r = parse(`${key} v=1 1\n`, { dialect: 'influxdb2', precision: 'ns', warnings: false });
    expect(r.errors.map((e) => e.message).join('\n')).toMatch(/max key length exceeded: 65540 > 65535/);
  });
});
