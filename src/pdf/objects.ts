/**
 * The PDF object model (ISO 32000-1 7.3). Integers are plain JS numbers; reals are {@link PdfReal}
 * so that a value read as a real is written back as a real. Streams keep their raw (undecoded,
 * possibly encrypted) bytes as a view into the input: nothing is copied until someone decodes.
 */

/** A real number (ISO 32000-1 7.3.3); integers are plain `number`s. */
export class PdfReal {
  constructor(readonly value: number) {}
}

/** A name object (7.3.5), with #xx escapes already decoded. Interned: compare with `===`. */
export class PdfName {
  private static readonly table = new Map<string, PdfName>();
  private constructor(readonly name: string) {}

  /** The interned name `/value`. */
  static of(value: string): PdfName {
    let n = PdfName.table.get(value);
    if (!n) {
      n = new PdfName(value);
      if (PdfName.table.size < 100_000) PdfName.table.set(value, n);
    }
    return n;
  }
}

/** A string object (7.3.4): raw bytes plus whether it was written in hex. */
export class PdfString {
  /**
   * @param bytes the string's bytes (decrypted when the document is encrypted)
   * @param hex written as `<...>` rather than `(...)`
   * @param isPlain never encrypted on output (the signature /Contents, ISO 32000-1 7.6.1)
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly hex = false,
    readonly isPlain = false,
  ) {}

  /** A string from text: PDFDocEncoding when it is printable ASCII, else UTF-16BE with a BOM (7.9.2.2). */
  static fromText(text: string): PdfString {
    if (/^[\x20-\x7e]*$/.test(text)) return new PdfString(Buffer.from(text, 'latin1'));
    const b = Buffer.from(text, 'utf16le');
    b.swap16();
    return new PdfString(Buffer.concat([Buffer.from([0xfe, 0xff]), b]));
  }

  /** Decodes a text string: UTF-16BE (BOM), UTF-8 (BOM, PDF 2.0) or PDFDocEncoding (as latin1). */
  toText(): string {
    const b = this.bytes;
    if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
      const copy = Buffer.from(b.subarray(2, 2 + ((b.length - 2) & ~1)));
      copy.swap16();
      return copy.toString('utf16le');
    }
    if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
      return Buffer.from(b.subarray(3)).toString('utf8');
    }
    return Buffer.from(b).toString('latin1');
  }
}

/** An indirect reference `num gen R` (7.3.10). */
export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}

  /** `"num gen"`, usable as a map key. */
  get key(): string {
    return `${this.num} ${this.gen}`;
  }
}

/** A dictionary (7.3.7). Keys are names without the slash. */
export class PdfDict extends Map<string, PdfObject> {
  /** A dictionary from a plain record (handy when building objects to write). */
  static from(entries: Record<string, PdfObject | undefined>): PdfDict {
    const d = new PdfDict();
    for (const [k, v] of Object.entries(entries)) if (v !== undefined) d.set(k, v);
    return d;
  }
}

/** A stream (7.3.8): its dictionary and its raw bytes as stored in the file. */
export class PdfStream {
  /**
   * @param dict the stream dictionary
   * @param raw the bytes between `stream` and `endstream`, still filtered (and encrypted for a file stream)
   * @param offset byte offset of the data in the file (-1 for a new stream)
   * @param isFromFile true when read from the file: its bytes are written back as they are,
   *   new streams are encrypted by the writer when the document is encrypted
   */
  constructor(
    readonly dict: PdfDict,
    public raw: Uint8Array,
    readonly offset = -1,
    readonly isFromFile = false,
  ) {}
}

/** An array (7.3.6). */
export type PdfArray = PdfObject[];

/** Any PDF object. `null` is the null object. */
export type PdfObject =
  | null
  | boolean
  | number
  | PdfReal
  | PdfName
  | PdfString
  | PdfArray
  | PdfDict
  | PdfRef
  | PdfStream;

/** The interned name for `value` (shorthand for {@link PdfName.of}). */
export function name(value: string): PdfName {
  return PdfName.of(value);
}

/** The numeric value of an integer or a real, else undefined. */
export function asNumber(o: PdfObject | undefined): number | undefined {
  if (typeof o === 'number') return o;
  if (o instanceof PdfReal) return o.value;
  return undefined;
}

/** The integer value, else undefined. */
export function asInt(o: PdfObject | undefined): number | undefined {
  return typeof o === 'number' && Number.isInteger(o) ? o : undefined;
}

/** The name's text (no slash), else undefined. */
export function asName(o: PdfObject | undefined): string | undefined {
  return o instanceof PdfName ? o.name : undefined;
}

/** The dictionary of a dictionary or a stream, else undefined. */
export function asDict(o: PdfObject | undefined): PdfDict | undefined {
  if (o instanceof PdfDict) return o;
  if (o instanceof PdfStream) return o.dict;
  return undefined;
}

/** The array, else undefined. */
export function asArray(o: PdfObject | undefined): PdfArray | undefined {
  return Array.isArray(o) ? o : undefined;
}

/** The decoded text of a string object, else undefined. */
export function asText(o: PdfObject | undefined): string | undefined {
  return o instanceof PdfString ? o.toText() : undefined;
}
