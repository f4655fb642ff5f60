/**
 * Incremental update (ISO 32000-1 7.5.6): the input bytes stay exactly as they are; new and changed
 * objects are appended with a new cross-reference section of the same kind as the file's last one
 * (a table with a trailer, or an xref stream), chained by /Prev. For a repaired file the appended
 * section is complete (no /Prev) so strict readers can read the result; an ambiguous repair is
 * refused. New strings and streams are encrypted when the document is.
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { AppError } from '../errors';
import type { PdfDocument } from './document';
import { asArray, name, PdfDict, PdfObject, PdfRef, PdfStream, PdfString } from './objects';
import { ByteSink, ObjectCipher, writeObject } from './serializer';

/** Cross-reference stream data up to this many bytes is stored unfiltered (7.5.8.2 allows it). */
const XREF_STREAM_COMPRESS_ABOVE = 1024;

/**
 * The result of {@link IncrementalWriter.write}: the input followed by the appended update, kept
 * as two parts so that a large input is never copied (write `parts` with one writev).
 */
export class WrittenUpdate {
  constructor(
    /** The input bytes, untouched (the first part of the output). */
    readonly base: Buffer,
    /** The appended update (objects, cross-reference section, trailer). */
    readonly tail: Buffer,
    /** Byte offset (in the whole output) of each written object's `N G obj` header. */
    readonly positions: Map<number, number>,
    /** Offset of the new cross-reference section. */
    readonly startxref: number,
  ) {}

  /** `[base, tail]`, in order. */
  get parts(): [Buffer, Buffer] {
    return [this.base, this.tail];
  }

  /** Length of the whole output. */
  get totalLength(): number {
    return this.base.length + this.tail.length;
  }

  /** The whole output joined: a fresh copy on every access (prefer {@link WrittenUpdate.parts}). */
  get bytes(): Buffer {
    return Buffer.concat([this.base, this.tail], this.totalLength);
  }
}

/** Collects new and changed objects of one incremental update. */
export class IncrementalWriter {
  private readonly objects = new Map<number, { ref: PdfRef; obj: PdfObject }>();
  private next: number;

  constructor(readonly doc: PdfDocument) {
    this.next = doc.nextObjectNumber;
  }

  /** A fresh object number (generation 0). */
  allocate(): PdfRef {
    return new PdfRef(this.next++, 0);
  }

  /** Adds `obj` as a new indirect object. */
  add(obj: PdfObject): PdfRef {
    const ref = this.allocate();
    this.objects.set(ref.num, { ref, obj });
    return ref;
  }

  /** Writes `obj` as the new version of `ref` (an existing object being changed, or an allocated one). */
  set(ref: PdfRef, obj: PdfObject): void {
    this.objects.set(ref.num, { ref, obj });
  }

  /** True when `ref` is already part of this update. */
  has(ref: PdfRef): boolean {
    return this.objects.has(ref.num);
  }

  private cipherFor(ref: PdfRef): ObjectCipher | undefined {
    const sec = this.doc.security;
    if (!sec) return undefined;
    return {
      string: (b) => sec.encrypt(b, ref.num, ref.gen, sec.stringMethod),
      stream: (b) => sec.encrypt(b, ref.num, ref.gen, sec.streamMethod),
    };
  }

  /** Serializes the update; the input is referenced, not copied. */
  write(): WrittenUpdate {
    const doc = this.doc;
    if (doc.repaired && doc.isRepairAmbiguous) {
      throw new AppError(
        'PDF_XREF_BROKEN',
        `The cross-reference data is damaged (${doc.repairReason ?? 'unknown'}) and cannot be repaired safely: the document catalog is ambiguous`,
      );
    }
    const root = doc.trailer.get('Root');
    if (root instanceof PdfRef && root.num === 0) {
      // Object 0 is the head of the free list (ISO 32000-1 7.5.4): no reader can use it as the catalog.
      throw new AppError('PDF_XREF_BROKEN', 'The document catalog is object number 0, which the cross-reference format reserves; the file cannot be updated safely');
    }
    const base = doc.bytes;
    const shift = doc.repaired ? 0 : doc.chain?.shift ?? 0;
    const sink = new ByteSink();
    const last = base[base.length - 1];
    if (last !== 0x0a && last !== 0x0d) sink.text('\n');
    const positions = new Map<number, number>();
    const xrefOffsets = new Map<number, { offset: number; gen: number }>();
    for (const { ref, obj } of this.objects.values()) {
      const at = base.length + sink.length;
      positions.set(ref.num, at);
      xrefOffsets.set(ref.num, { offset: at - shift, gen: ref.gen });
      sink.text(`${ref.num} ${ref.gen} obj\n`);
      writeObject(sink, obj, this.cipherFor(ref));
      sink.text('\nendobj\n');
    }
    const isFull = doc.repaired;
    const kind = doc.chain?.sections[0]?.kind ?? 'table';
    const hasCompressed = isFull && doc.entries.hasCompressed();
    const trailer = this.trailerBase(isFull);
    const startxref = base.length + sink.length;
    if ((isFull && hasCompressed) || (!isFull && kind === 'stream')) {
      this.writeXrefStream(sink, trailer, xrefOffsets, startxref - shift, isFull);
    } else {
      this.writeXrefTable(sink, trailer, xrefOffsets, isFull);
    }
    sink.text(`startxref\n${startxref - shift}\n%%EOF\n`);
    return new WrittenUpdate(base, sink.toBuffer(), positions, startxref);
  }

  private trailerBase(isFull: boolean): PdfDict {
    const doc = this.doc;
    const t = new PdfDict();
    let size = doc.nextObjectNumber;
    for (const n of this.objects.keys()) size = Math.max(size, n + 1);
    t.set('Size', size);
    for (const key of ['Root', 'Info', 'Encrypt']) {
      const v = doc.trailer.get(key);
      if (v !== undefined && v !== null) t.set(key, v);
    }
    const id = asArray(doc.trailer.get('ID'));
    if (id && id.length === 2 && id.every((x) => x instanceof PdfString)) t.set('ID', id);
    else if (doc.security) {
      // The file key of an encrypted document is derived from the first /ID string (ISO 32000-1
      // 7.6.3.3, Algorithm 2): adding or repairing an /ID would make every existing object undecryptable.
      if (id) t.set('ID', id);
    } else {
      const h = createHash('md5').update(doc.bytes.subarray(0, 4096)).update(String(doc.bytes.length)).digest();
      t.set('ID', [new PdfString(h, true), new PdfString(h, true)]);
    }
    if (!isFull && doc.chain) t.set('Prev', doc.chain.startxref);
    return t;
  }

  private fullEntries(newOnes: Map<number, { offset: number; gen: number }>): Map<number, { offset: number; gen: number } | { stream: number; index: number }> {
    const all = new Map<number, { offset: number; gen: number } | { stream: number; index: number }>();
    for (const [n, e] of this.doc.entries) {
      if (e.type === 'n') all.set(n, { offset: e.offset, gen: e.gen });
      else if (e.type === 'c') all.set(n, { stream: e.stream, index: e.index });
    }
    for (const [n, e] of newOnes) all.set(n, e);
    all.delete(0);
    return all;
  }

  private writeXrefTable(sink: ByteSink, trailer: PdfDict, offsets: Map<number, { offset: number; gen: number }>, isFull: boolean): void {
    const entries = isFull ? this.fullEntries(offsets) : offsets;
    const nums = [...entries.keys()].sort((a, b) => a - b);
    sink.text('xref\n');
    if (isFull) nums.unshift(0);
    for (let i = 0; i < nums.length; ) {
      let j = i;
      while (j + 1 < nums.length && nums[j + 1] === nums[j] + 1) j++;
      sink.text(`${nums[i]} ${j - i + 1}\n`);
      for (let k = i; k <= j; k++) {
        const e = entries.get(nums[k]);
        if (!e || !('offset' in e)) sink.text('0000000000 65535 f\r\n');
        else sink.text(`${String(e.offset).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} n\r\n`);
      }
      i = j + 1;
    }
    sink.text('trailer\n');
    writeObject(sink, trailer);
    sink.text('\n');
  }

  private writeXrefStream(
    sink: ByteSink,
    trailer: PdfDict,
    offsets: Map<number, { offset: number; gen: number }>,
    selfOffset: number,
    isFull: boolean,
  ): void {
    const self = this.allocate();
    const withSelf = new Map(offsets);
    withSelf.set(self.num, { offset: selfOffset, gen: 0 });
    const entries = isFull ? this.fullEntries(withSelf) : withSelf;
    const nums = [...entries.keys()].sort((a, b) => a - b);
    if (isFull) nums.unshift(0);
    let maxField = 0;
    for (const e of entries.values()) maxField = Math.max(maxField, 'offset' in e ? e.offset : e.stream);
    const w2 = Math.max(1, Math.ceil(Math.log2(maxField + 1) / 8));
    const rowLen = 1 + w2 + 2;
    const data = Buffer.alloc(nums.length * rowLen);
    const index: number[] = [];
    nums.forEach((n, i) => {
      if (i === 0 || nums[i - 1] !== n - 1) index.push(n, 0);
      index[index.length - 1]++;
      const e = entries.get(n);
      const row = i * rowLen;
      if (!e) {
        data[row] = 0;
        data.writeUIntBE(0xffff, row + 1 + w2, 2);
      } else if ('offset' in e) {
        data[row] = 1;
        data.writeUIntBE(e.offset, row + 1, w2);
        data.writeUIntBE(e.gen & 0xffff, row + 1 + w2, 2);
      } else {
        data[row] = 2;
        data.writeUIntBE(e.stream, row + 1, w2);
        data.writeUIntBE(e.index & 0xffff, row + 1 + w2, 2);
      }
    });
    const dict = new PdfDict([['Type', name('XRef')], ...trailer]);
    dict.set('Size', Math.max(trailer.get('Size') as number, self.num + 1));
    dict.set('W', [1, w2, 2]);
    dict.set('Index', index);
    // A few rows are cheaper to store than to compress (a zlib context costs more than the bytes).
    const compress = data.length > XREF_STREAM_COMPRESS_ABOVE;
    if (compress) dict.set('Filter', name('FlateDecode'));
    // The xref stream is never encrypted (7.5.8.4 / 7.6.1); it is written without a cipher.
    sink.text(`${self.num} 0 obj\n`);
    writeObject(sink, new PdfStream(dict, compress ? deflateSync(data) : data));
    sink.text('\nendobj\n');
  }
}
