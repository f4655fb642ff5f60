/**
 * A PDF opened lazily: only the cross-reference data is read up front; objects are parsed (and
 * decrypted) when asked for and cached. Signing a page touches the catalog, the page tree path,
 * one page and the form, never the rest (issue 2, section 5).
 */
import { AppError } from '../errors';
import { decodeFilters, filterSteps, hasCryptFilter } from './filters';
import { LimitGuard } from './limits';
import { asArray, asInt, asName, PdfDict, PdfObject, PdfRef, PdfStream, PdfString } from './objects';
import { Parser, ValueSpans } from './parser';
import { isCatalogDict, RepairResult, scanObjects } from './repair';
import { Revision, revisionsFromEofMarkers, revisionsFromSections } from './revisions';
import { CryptMethod, openSecurityHandler, SecurityHandler } from './security';
import { PageTree } from './page-tree';
import { loadXrefChain, XrefChain } from './xref-chain';
import { XrefTable } from './xref-table';

/** A decoded object stream: where each member starts. */
interface ObjStmCache {
  data: Buffer;
  first: number;
  offsets: Map<number, number>;
  /** Position of each member in the stream's header (the xref stream's third field). */
  indices: Map<number, number>;
}

/** An open document. Create with `openPdf`. */
export class PdfDocument {
  /** Object locations (merged over all revisions, or rebuilt by a repair scan). */
  entries = new XrefTable();
  /** The effective trailer (/Root, /Info, /ID, /Encrypt, /Size). */
  trailer = new PdfDict();
  /** The chain as read, newest section first (empty after a repair). */
  chain?: XrefChain;
  /** True when the cross-reference data had to be rebuilt by scanning the file. */
  repaired = false;
  /** Why the file was repaired. */
  repairReason?: string;
  /** True when the repair had to guess (the writer refuses such files). */
  isRepairAmbiguous = false;
  /** The standard security handler when the file is encrypted. */
  security?: SecurityHandler;
  /** The /Encrypt dictionary's reference, when indirect (never decrypted). */
  encryptRef?: PdfRef;
  /**
   * Top-level value spans by object number, shared with other revisions of the same file: a value
   * another revision already parsed from equal bytes is reused, not parsed again (a page whose
   * 250-font /Resources each signature's update rewrites is parsed once). Unused when encrypted.
   */
  valueSpans?: Map<number, ValueSpans>;
  private readonly cache = new Map<number, PdfObject>();
  private readonly objStms = new Map<number, ObjStmCache>();
  private readonly loading = new Set<number>();
  private readonly streamOwners = new WeakMap<PdfStream, PdfRef>();
  private pageTree?: PageTree;

  constructor(
    /** The input, never modified. */
    readonly bytes: Buffer,
    readonly guard: LimitGuard,
    /** Where `%PDF-` starts (junk before it is tolerated up to 1024 bytes). */
    readonly headerOffset: number,
  ) {}

  /** Reads the xref chain, or repairs; then opens the security handler and checks the catalog. */
  load(): void {
    try {
      const chain = loadXrefChain(this.bytes, this.guard, this.headerOffset);
      this.chain = chain;
      this.entries = chain.entries;
      this.trailer = chain.trailer;
      this.openSecurity();
      if (!isCatalogDict(this.catalogOrUndefined())) throw new AppError('PDF_XREF_BROKEN', 'the trailer /Root is not a catalog');
    } catch (e) {
      if (e instanceof AppError && ['PDF_LIMIT_EXCEEDED', 'PDF_TIMEOUT', 'PDF_ENCRYPTED', 'PDF_UNSUPPORTED_ENCRYPTION'].includes(e.code)) throw e;
      this.repair(e instanceof Error ? e.message : String(e));
    }
  }

  private repair(reason: string): void {
    let found: RepairResult;
    try {
      found = scanObjects(this.bytes, this.guard, this.headerOffset);
    } catch (e) {
      if (e instanceof AppError && e.code === 'PDF_XREF_BROKEN' && !this.endsWithEof()) {
        throw new AppError('PDF_TRUNCATED', 'The PDF is incomplete (truncated): it has no end-of-file marker and no readable structure');
      }
      throw e;
    }
    this.repaired = true;
    this.repairReason = reason;
    this.isRepairAmbiguous = found.isAmbiguous;
    this.entries = found.entries;
    this.trailer = found.trailer;
    this.cache.clear();
    this.objStms.clear();
    this.pageTree = undefined;
    for (const sn of found.objectStreams) this.addObjectStreamMembers(sn);
    this.openSecurity();
    if (!isCatalogDict(this.catalogOrUndefined())) {
      throw new AppError('PDF_XREF_BROKEN', `The cross-reference data is damaged (${reason}) and no document catalog could be found`);
    }
  }

  private endsWithEof(): boolean {
    return this.bytes.lastIndexOf('%%EOF') >= Math.max(0, this.bytes.length - 1100);
  }

  private addObjectStreamMembers(sn: number): void {
    try {
      const os = this.objectStream(sn);
      for (const [n, index] of os.indices) if (!this.entries.has(n)) this.entries.set(n, { type: 'c', stream: sn, index });
    } catch (e) {
      if (e instanceof AppError && (e.code === 'PDF_LIMIT_EXCEEDED' || e.code === 'PDF_TIMEOUT')) throw e;
    }
  }

  private openSecurity(): void {
    this.security = undefined;
    const enc = this.trailer.get('Encrypt');
    if (enc === undefined || enc === null) return;
    this.encryptRef = enc instanceof PdfRef ? enc : undefined;
    const dict = enc instanceof PdfRef ? this.getObject(enc) : enc;
    if (!(dict instanceof PdfDict)) throw new AppError('PDF_ENCRYPTED', 'The PDF is encrypted but its /Encrypt dictionary is unreadable');
    const id = asArray(this.trailer.get('ID'));
    const id0 = id?.[0] instanceof PdfString ? Buffer.from(id[0].bytes) : Buffer.alloc(0);
    this.security = openSecurityHandler(dict, id0);
  }

  private catalogOrUndefined(): PdfObject | undefined {
    const root = this.trailer.get('Root');
    return root instanceof PdfRef ? this.getObject(root) : undefined;
  }

  /** The document catalog (7.7.2). */
  get catalog(): PdfDict {
    const c = this.catalogOrUndefined();
    if (!(c instanceof PdfDict)) throw new AppError('PDF_MALFORMED', 'The PDF has no document catalog');
    return c;
  }

  /** The catalog's reference. */
  get rootRef(): PdfRef {
    return this.trailer.get('Root') as PdfRef;
  }

  /** The page tree, shared by every caller on this document (pages found once are kept). */
  get pages(): PageTree {
    this.pageTree ??= new PageTree(this);
    return this.pageTree;
  }

  /** Highest object number in use plus one (the next free number for an incremental update). */
  get nextObjectNumber(): number {
    const size = asInt(this.trailer.get('Size')) ?? 0;
    return Math.max(size, this.entries.maxNum + 1, 1);
  }

  /** Every revision (incremental section) oldest first, with the byte offset where it ends. */
  get revisions(): Revision[] {
    if (this.repaired || !this.chain) return revisionsFromEofMarkers(this.bytes);
    return revisionsFromSections(this.bytes, this.chain.sections, this.chain.shift);
  }

  /** The object `ref` points to; null when it does not exist (7.3.10). */
  getObject(ref: PdfRef | number): PdfObject {
    const num = typeof ref === 'number' ? ref : ref.num;
    const hit = this.cache.get(num);
    if (hit !== undefined) return hit;
    const entry = this.entries.get(num);
    if (!entry || entry.type === 'f') return null;
    if (this.loading.has(num)) throw new AppError('PDF_MALFORMED', `Object ${num} refers to itself while being read`);
    this.loading.add(num);
    try {
      const obj = entry.type === 'n' ? this.readAt(num, entry) : this.readCompressed(num, entry.stream);
      this.cache.set(num, obj);
      return obj;
    } finally {
      this.loading.delete(num);
    }
  }

  private readAt(num: number, entry: { offset: number; gen: number }): PdfObject {
    const shift = this.chain?.shift ?? 0;
    let got: { num: number; gen: number; obj: PdfObject } | undefined;
    let error: unknown;
    const spans = this.security ? undefined : this.valueSpans;
    try {
      const p = new Parser(this.bytes, entry.offset + (this.repaired ? 0 : shift), this.guard);
      if (spans) {
        p.reuseSpans = spans.get(num);
        p.recordSpans = new Map();
      }
      got = p.parseIndirect((r) => this.lengthOf(r));
      if (spans && got.num === num && p.recordSpans!.size > 0) spans.set(num, p.recordSpans!);
    } catch (e) {
      if (e instanceof AppError && (e.code === 'PDF_LIMIT_EXCEEDED' || e.code === 'PDF_TIMEOUT')) throw e;
      error = e;
    }
    if ((!got || got.num !== num) && !this.repaired && this.headerOffset > 0 && shift === 0) {
      try {
        const again = new Parser(this.bytes, entry.offset + this.headerOffset, this.guard).parseIndirect((r) => this.lengthOf(r));
        if (again.num === num) {
          got = again;
          if (this.chain) this.chain.shift = this.headerOffset;
        }
      } catch {
        // fall through to the repair below
      }
    }
    if (!got || got.num !== num) {
      if (!this.repaired) {
        this.repair(`object ${num} is not at the offset ${entry.offset} its cross-reference entry gives`);
        this.loading.delete(num);
        return this.getObject(num);
      }
      if (error) throw error;
      return null;
    }
    let obj = got.obj;
    if (obj instanceof PdfStream) this.streamOwners.set(obj, new PdfRef(num, got.gen));
    if (this.security && !(this.encryptRef && this.encryptRef.num === num)) {
      const t = obj instanceof PdfStream ? asName(obj.dict.get('Type')) : undefined;
      if (t !== 'XRef') obj = this.decryptStrings(obj, num, got.gen, this.security.stringMethod);
    }
    return obj;
  }

  private lengthOf(ref: PdfRef): number | undefined {
    if (this.loading.has(ref.num)) return undefined;
    const v = this.getObject(ref);
    return typeof v === 'number' ? v : undefined;
  }

  private decryptStrings(o: PdfObject, num: number, gen: number, m: CryptMethod): PdfObject {
    if (m === 'none') return o;
    if (o instanceof PdfString) return new PdfString(this.security!.decrypt(o.bytes, num, gen, m), o.hex);
    if (Array.isArray(o)) return o.map((x) => this.decryptStrings(x, num, gen, m));
    if (o instanceof PdfStream) {
      for (const [k, v] of o.dict) o.dict.set(k, this.decryptStrings(v, num, gen, m));
      return o;
    }
    if (o instanceof PdfDict) {
      // A signature's /Contents is never encrypted (ISO 32000-1 7.6.1).
      const isSig = o.has('ByteRange') || ['Sig', 'DocTimeStamp'].includes(asName(o.get('Type')) ?? '');
      for (const [k, v] of o) if (!(isSig && k === 'Contents')) o.set(k, this.decryptStrings(v, num, gen, m));
    }
    return o;
  }

  private objectStream(sn: number): ObjStmCache {
    const cached = this.objStms.get(sn);
    if (cached) return cached;
    const s = this.getObject(sn);
    if (!(s instanceof PdfStream) || asName(s.dict.get('Type')) !== 'ObjStm') {
      throw new AppError('PDF_MALFORMED', `Object ${sn} should be an object stream but is not`);
    }
    const n = asInt(this.resolve(s.dict.get('N'))) ?? 0;
    const first = asInt(this.resolve(s.dict.get('First'))) ?? -1;
    const data = this.decodeStream(s);
    if (n < 0 || first < 0 || first > data.length) throw new AppError('PDF_MALFORMED', `Object stream ${sn} has an invalid /N or /First`);
    this.guard.checkObjects(n);
    const p = new Parser(data, 0, this.guard, first);
    const offsets = new Map<number, number>();
    const indices = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      this.guard.tick();
      const num = p.parseToken();
      const off = p.parseToken();
      if (typeof num !== 'number' || typeof off !== 'number') break;
      if (!offsets.has(num)) {
        offsets.set(num, first + off);
        indices.set(num, i);
      }
    }
    const c = { data, first, offsets, indices };
    this.objStms.set(sn, c);
    return c;
  }

  private readCompressed(num: number, sn: number): PdfObject {
    const os = this.objectStream(sn);
    const at = os.offsets.get(num);
    if (at === undefined || at >= os.data.length) return null;
    const obj = new Parser(os.data, at, this.guard).parseObject();
    return obj instanceof PdfStream ? null : obj;
  }

  /** Follows references (with a bound) until a direct object. */
  resolve(o: PdfObject | undefined): PdfObject {
    for (let i = 0; o instanceof PdfRef; i++) {
      if (i > 32) throw new AppError('PDF_MALFORMED', 'A chain of references does not end');
      o = this.getObject(o);
    }
    return o ?? null;
  }

  /** `dict[key]`, resolved. */
  get(dict: PdfDict | undefined, key: string): PdfObject {
    return dict ? this.resolve(dict.get(key)) : null;
  }

  /** The reference a stream was read from (for decryption keys). */
  ownerOf(stream: PdfStream): PdfRef | undefined {
    return this.streamOwners.get(stream);
  }

  /**
   * The decoded data of a stream (decrypted first when the file is encrypted).
   * With `allowRaw`, image codecs and unknown filters return the bytes decoded so far.
   */
  decodeStream(stream: PdfStream, opts: { allowRaw?: boolean } = {}): Buffer {
    const steps = filterSteps(this.resolve(stream.dict.get('Filter')), this.resolve(stream.dict.get('DecodeParms')));
    let data: Uint8Array = stream.raw;
    const owner = this.streamOwners.get(stream);
    if (this.security && owner && stream.isFromFile) {
      const type = asName(stream.dict.get('Type'));
      let m = this.security.streamMethod;
      const crypt = hasCryptFilter(steps);
      if (crypt) m = this.security.methodOf(crypt.name);
      if (type === 'XRef' || (type === 'Metadata' && !this.security.encryptMetadata)) m = 'none';
      data = this.security.decrypt(data, owner.num, owner.gen, m);
    }
    return decodeFilters(data, steps, { maxDecompressedBytes: this.guard.limits.maxDecompressedBytes, allowRaw: opts.allowRaw });
  }
}
