/**
 * Test-only: writes a minimal Parquet file (one row group, REQUIRED INT64 and UTF8 columns, PLAIN,
 * uncompressed) with a hand-rolled Thrift compact encoder, so the Parquet loader can be tested
 * without a Parquet writer package.
 */
type Field = [id: number, type: number, value: unknown];
const T = { I32: 5, I64: 6, BINARY: 8, LIST: 9, STRUCT: 12 };

function varint(n: bigint, out: number[]): void {
  let v = n;
  while (v >= 0x80n) {
    out.push(Number((v & 0x7fn) | 0x80n));
    v >>= 7n;
  }
  out.push(Number(v));
}
const zigzag = (n: number | bigint) => {
  const b = BigInt(n);
  return b >= 0n ? b << 1n : ((-b) << 1n) - 1n;
};

function writeValue(type: number, value: unknown, out: number[], elemType?: number): void {
  if (type === T.I32 || type === T.I64) varint(zigzag(value as number), out);
  else if (type === T.BINARY) {
    const bytes = Buffer.from(value as string, 'utf8');
    varint(BigInt(bytes.length), out);
    out.push(...bytes);
  } else if (type === T.STRUCT) writeStruct(value as Field[], out);
  else if (type === T.LIST) {
    const [et, items] = value as [number, unknown[]];
    if (items.length < 15) out.push((items.length << 4) | et);
    else {
      out.push(0xf0 | et);
      varint(BigInt(items.length), out);
    }
    for (const it of items) writeValue(et, it, out);
  }
  void elemType;
}

function writeStruct(fields: Field[], out: number[]): void {
  let last = 0;
  for (const [id, type, value] of fields) {
    out.push(((id - last) << 4) | type);
    last = id;
    writeValue(type, value, out);
  }
  out.push(0);
}

const thrift = (fields: Field[]) => {
  const out: number[] = [];
  writeStruct(fields, out);
  return Buffer.from(out);
};

export function writeParquet(rows: Array<{ id: number; text: string }>): Buffer {
  const parts: Buffer[] = [Buffer.from('PAR1')];
  let offset = 4;
  const chunks: Field[][] = [];
  const columns: Array<{ name: string; type: number; utf8: boolean; data: Buffer }> = [
    { name: 'id', type: 2, utf8: false, data: Buffer.concat(rows.map((r) => { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(r.id)); return b; })) },
    { name: 'text', type: 6, utf8: true, data: Buffer.concat(rows.map((r) => { const s = Buffer.from(r.text, 'utf8'); const l = Buffer.alloc(4); l.writeUInt32LE(s.length); return Buffer.concat([l, s]); })) },
  ];
  for (const c of columns) {
    const header = thrift([
      [1, T.I32, 0],
      [2, T.I32, c.data.length],
      [3, T.I32, c.data.length],
      [5, T.STRUCT, [[1, T.I32, rows.length], [2, T.I32, 0], [3, T.I32, 3], [4, T.I32, 3]]],
    ]);
    const size = header.length + c.data.length;
    chunks.push([
      [2, T.I64, offset],
      [3, T.STRUCT, [
        [1, T.I32, c.type],
        [2, T.LIST, [T.I32, [0]]],
        [3, T.LIST, [T.BINARY, [c.name]]],
        [4, T.I32, 0],
        [5, T.I64, rows.length],
        [6, T.I64, size],
        [7, T.I64, size],
        [9, T.I64, offset],
      ]],
    ]);
    parts.push(header, c.data);
    offset += size;
  }
  const meta = thrift([
    [1, T.I32, 1],
    [2, T.LIST, [T.STRUCT, [
      [[4, T.BINARY, 'schema'], [5, T.I32, columns.length]],
      ...columns.map((c): Field[] => (c.utf8 ? [[1, T.I32, c.type], [3, T.I32, 0], [4, T.BINARY, c.name], [6, T.I32, 0]] : [[1, T.I32, c.type], [3, T.I32, 0], [4, T.BINARY, c.name]])),
    ]]],
    [3, T.I64, rows.length],
    [4, T.LIST, [T.STRUCT, [[[1, T.LIST, [T.STRUCT, chunks]], [2, T.I64, offset - 4], [3, T.I64, rows.length]]]]],
  ]);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(meta.length);
  parts.push(meta, len, Buffer.from('PAR1'));
  return Buffer.concat(parts);
}
