import { crc32, createDeflateRaw } from "node:zlib";

export interface ZipEntrySpec {
  name: string;
  /** Bytes stored (deflated) for the entry; `zeros` instead writes that many zero bytes, deflated in chunks. */
  data?: Buffer;
  zeros?: number;
  /** The uncompressed size written into the headers, when it should lie about the real one. */
  declaredSize?: number;
  /** Stores `data` as it is (method 0), as ODF requires of its `mimetype` entry. */
  stored?: boolean;
}

async function deflate(spec: ZipEntrySpec): Promise<{ compressed: Buffer; size: number; crc: number }> {
  const deflater = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflater.on("data", (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve) => deflater.on("end", resolve));
  let crc = 0;
  let size = 0;
  const write = async (chunk: Buffer) => {
    crc = crc32(chunk, crc);
    size += chunk.length;
    if (!deflater.write(chunk)) await new Promise((resolve) => deflater.once("drain", resolve));
  };
  if (spec.data) await write(spec.data);
  if (spec.zeros) {
    const chunk = Buffer.alloc(Math.min(spec.zeros, 1024 * 1024));
    for (let left = spec.zeros; left > 0; left -= chunk.length)
      await write(chunk.subarray(0, Math.min(left, chunk.length)));
  }
  deflater.end();
  await done;
  return { compressed: Buffer.concat(out), size, crc };
}

/** A zip file (deflated or stored entries, no zip64) whose headers may lie about sizes: for zip bomb tests. */
export async function writeZip(entries: ZipEntrySpec[]): Promise<Buffer> {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const spec of entries) {
    const { compressed, size, crc } =
      spec.stored && spec.data
        ? { compressed: spec.data, size: spec.data.length, crc: crc32(spec.data) }
        : await deflate(spec);
    const method = spec.stored ? 0 : 8;
    const name = Buffer.from(spec.name, "utf8");
    const declared = spec.declaredSize ?? size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(declared, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
