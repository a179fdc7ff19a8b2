// MessagePack answers for clients that ask for them (`Accept: application/x-msgpack`, as the
// Python influxdb client does): the same result objects, floats as float64 (so 3.0 stays a
// float), integers exact, times as InfluxDB's extension type 5 (seconds, nanoseconds).

/** A row's time, written as extension type 5. */
export class PackedTime {
  constructor(readonly ns: bigint) {}
}

export function toMsgpack(value: unknown): Buffer {
  const out: Buffer[] = [];
  pack(value, out);
  return Buffer.concat(out);
}

function header(small: number, smallLimit: number, codes: [number, number, number], n: number): Buffer {
  if (n < smallLimit) return Buffer.from([small | n]);
  if (n < 0x10000 && codes[0] !== 0) {
    const b = Buffer.alloc(3);
    b[0] = codes[1];
    b.writeUInt16BE(n, 1);
    return b;
  }
  const b = Buffer.alloc(5);
  b[0] = codes[2];
  b.writeUInt32BE(n, 1);
  return b;
}

function pack(v: unknown, out: Buffer[]): void {
  if (v === null || v === undefined) out.push(Buffer.from([0xc0]));
  else if (v === true) out.push(Buffer.from([0xc3]));
  else if (v === false) out.push(Buffer.from([0xc2]));
  else if (typeof v === 'number') {
    const b = Buffer.alloc(9);
    b[0] = 0xcb;
    b.writeDoubleBE(v, 1);
    out.push(b);
  } else if (typeof v === 'bigint') {
    const b = Buffer.alloc(9);
    if (v > 9223372036854775807n) {
      b[0] = 0xcf;
      b.writeBigUInt64BE(v, 1);
    } else {
      b[0] = 0xd3;
      b.writeBigInt64BE(v, 1);
    }
    out.push(b);
  } else if (typeof v === 'string') {
    const s = Buffer.from(v, 'utf8');
    if (s.length < 32) out.push(Buffer.from([0xa0 | s.length]));
    else if (s.length < 0x100) out.push(Buffer.from([0xd9, s.length]));
    else out.push(header(0, 0, [1, 0xda, 0xdb], s.length));
    out.push(s);
  } else if (v instanceof PackedTime) {
    const b = Buffer.alloc(15);
    b[0] = 0xc7;
    b[1] = 12;
    b[2] = 5;
    let sec = v.ns / 1_000_000_000n;
    let nsec = v.ns % 1_000_000_000n;
    if (nsec < 0n) {
      nsec += 1_000_000_000n;
      sec -= 1n;
    }
    b.writeBigUInt64BE(BigInt.asUintN(64, sec), 3);
    b.writeUInt32BE(Number(nsec), 11);
    out.push(b);
  } else if (Array.isArray(v)) {
    out.push(header(0x90, 16, [1, 0xdc, 0xdd], v.length));
    for (const x of v) pack(x, out);
  } else {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    out.push(header(0x80, 16, [1, 0xde, 0xdf], entries.length));
    for (const [k, x] of entries) {
      pack(k, out);
      pack(x, out);
    }
  }
}
