/**
 * Fast receipt PDFs (issue 6 Performance): the objects every receipt shares (the two Tinos
 * subsets with their ToUnicode maps, STAMP_CHARSET) are serialized ONCE per process as the
 * file's first objects; each receipt appends only its own objects and a classic xref table:
 *
 *   1-10  fonts (Type0 / CIDFontType2 / descriptor / FontFile2 / ToUnicode, regular and bold)
 *   11 Catalog  /Pages 12 /Names << /EmbeddedFiles << /Names [(file) 16] >> >> /AF [16] /Lang
 *   12 Pages    13 Page (A4, /Contents 15, /Resources /Font F1 F2)    14 Info
 *   15 body content (text as glyph ids, rules, QR as rectangles), FlateDecode, laid out before
 *      the number is taken;  18 number content (symbol, number, date, footer note)
 *   16 Filespec /AFRelationship /Source /EF << /F 17 /UF 17 >>   17 EmbeddedFile text/xml (stored
 *      as is: not compressed, so the bytes in the file are the signed XML)
 *   signed (finishSigned): 19 the signature field and widget (in /AcroForm /Fields and the page's
 *      /Annots), 20 its empty appearance, 21 the /Sig dictionary (receipt-pades.ts)
 *
 * The signed XML is embedded as an associated file (ISO 32000-2 §14.13, PDF/A-3 style: the PDF is
 * rendered from the XML, domain notes §6); the PAdES signature covers the whole file, so the
 * associated file too. Text the subsets cannot draw makes {@link ReceiptPdfKit.prepare} throw
 * STAMP_SPEC_INVALID (the caller falls back to the pdf-lib rendering and signPdf).
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { ByteSink, name, PdfDict, PdfReal, PdfRef, PdfStream, PdfString, writeObject, type IncrementalWriter, type PdfObject } from '../pdf';
import { formatPdfDate } from '../signing/prepare-signature';
import { buildSubsetFont, type StampFonts, type SubsetFont } from '../stamp';
import { A4, layoutReceiptBody, layoutReceiptNumber, type ReceiptPageText, type ReceiptSlots } from './receipt-layout';
import type { ReceiptPdfInput } from './receipt-pdf';
import { formatReceiptNumber } from './series';
import { signatureObjects, signInPlace, type ReceiptSignature } from './receipt-pades';

/** A receipt page laid out and compressed except its number-dependent runs. */
export interface PreparedReceiptPdf {
  body: Buffer;
  slots: ReceiptSlots;
}

/** What {@link ReceiptPdfKit.finish} adds: the numbered receipt and its signed XML. */
export type NumberedReceiptPdf = Omit<ReceiptPdfInput, 'fonts' | 'lookupUrl'>;

/** Renders receipt PDFs from the shared template. */
export interface ReceiptPdfKit {
  /** Lays out the body (before the number is taken). Throws STAMP_SPEC_INVALID for text outside the subsets. */
  prepare(page: ReceiptPageText): PreparedReceiptPdf;
  /** The unsigned receipt PDF (one revision), the signed XML embedded byte for byte. */
  finish(prepared: PreparedReceiptPdf, input: NumberedReceiptPdf): Buffer;
  /** The same page with the organisation's PAdES signature, in the same one revision (receipt-pades.ts). */
  finishSigned(prepared: PreparedReceiptPdf, input: NumberedReceiptPdf, signature: ReceiptSignature): Promise<Buffer>;
  /** prepare + finish. */
  render(input: Omit<ReceiptPdfInput, 'fonts'>): Buffer;
}

/** Collects objects under consecutive numbers from 1 (what SubsetFont.write needs of a writer). */
class ObjectList {
  readonly objects: [PdfRef, PdfObject][] = [];
  add(obj: PdfObject): PdfRef {
    const ref = new PdfRef(this.objects.length + 1, 0);
    this.objects.push([ref, obj]);
    return ref;
  }
}

/** Writes `N 0 obj … endobj` entries, recording offsets (relative to `base`). */
function writeObjects(sink: ByteSink, objects: [PdfRef, PdfObject][], base: number, offsets: number[]): void {
  for (const [ref, obj] of objects) {
    offsets[ref.num] = base + sink.length;
    sink.text(`${ref.num} 0 obj\n`);
    writeObject(sink, obj);
    sink.text('\nendobj\n');
  }
}

const kits = new WeakMap<StampFonts, Promise<ReceiptPdfKit>>();

/** The kit for `fonts`, built once per fonts object (subsetting both faces takes tens of ms). */
export function receiptPdfKitFor(fonts: StampFonts): Promise<ReceiptPdfKit> {
  let kit = kits.get(fonts);
  if (!kit) {
    kit = createReceiptPdfKit(fonts);
    kits.set(fonts, kit);
    kit.catch(() => kits.delete(fonts));
  }
  return kit;
}

/** Builds the template: subsets both faces and serializes the font objects. */
export async function createReceiptPdfKit(fonts: StampFonts): Promise<ReceiptPdfKit> {
  const regular = await buildSubsetFont(fonts.regular, 'KYSORR');
  const bold = await buildSubsetFont(fonts.bold, 'KYSORB');
  const shared = new ObjectList();
  // SubsetFont.write only calls add(); ObjectList numbers the objects from 1 in a new file.
  const regularRef = regular.write(shared as unknown as IncrementalWriter);
  const boldRef = bold.write(shared as unknown as IncrementalWriter);
  const offsets: number[] = [];
  const head = new ByteSink();
  head.text('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
  writeObjects(head, shared.objects, 0, offsets);
  const prefix = head.toBuffer();
  const firstOwn = shared.objects.length + 1;
  const resources = PdfDict.from({ Font: PdfDict.from({ F1: regularRef, F2: boldRef }), ProcSet: [name('PDF'), name('Text')] });

  const template = { prefix, offsets, firstOwn, resources };
  const kit: ReceiptPdfKit = {
    prepare(page) {
      const layout = layoutReceiptBody(page, regular, bold);
      // Level 1: 0.08 ms instead of 0.23 ms (level 6) for the ~16 KB body, +0.5 KB on a ~60 KB file.
      return { body: deflateSync(Buffer.from(layout.body, 'latin1'), { level: 1 }), slots: layout.slots };
    },
    finish(prepared, input) {
      const numbered = Buffer.from(layoutReceiptNumber(input.receipt, input.xmlFileName, prepared.slots, regular, bold), 'latin1');
      const { tail } = assemble(input, prepared.body, numbered, template);
      return Buffer.concat([prefix, tail]);
    },
    finishSigned(prepared, input, signature) {
      const numbered = Buffer.from(layoutReceiptNumber(input.receipt, input.xmlFileName, prepared.slots, regular, bold), 'latin1');
      const { tail, signatureAt } = assemble(input, prepared.body, numbered, template, signature);
      return signInPlace(prefix, tail, signatureAt, signature);
    },
    render(input) {
      return kit.finish(kit.prepare(input), input);
    },
  };
  return kit;
}

interface Template {
  prefix: Buffer;
  offsets: number[];
  firstOwn: number;
  resources: PdfDict;
}

/**
 * The receipt's own objects after the template's, the xref and the trailer (the file's tail);
 * with `signature`, also its field, widget and /Sig dictionary (`signatureAt`: where that
 * dictionary starts in the tail).
 */
function assemble(input: NumberedReceiptPdf, body: Buffer, numbered: Buffer, t: Template, signature?: ReceiptSignature): { tail: Buffer; signatureAt: number } {
  const { receipt } = input;
  const n = t.firstOwn;
  const ref = (i: number) => new PdfRef(n + i, 0);
  const [catalog, pages, page, info, contents, filespec, file, numberContents, widget, appearance, sig] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(ref) as PdfRef[];
  const date = PdfString.fromText(formatPdfDate(receipt.issuedAt));
  const text = (s: string) => PdfString.fromText(s);
  const catalogDict = PdfDict.from({
    Type: name('Catalog'), Pages: pages, Lang: text('vi-VN'), AF: [filespec!],
    Names: PdfDict.from({ EmbeddedFiles: PdfDict.from({ Names: [text(input.xmlFileName), filespec!] }) }),
  });
  const pageDict = PdfDict.from({
    Type: name('Page'), Parent: pages, MediaBox: [0, 0, new PdfReal(A4[0]), new PdfReal(A4[1])], Resources: t.resources, Contents: [contents!, numberContents!],
  });
  const own: [PdfRef, PdfObject][] = [
    [catalog!, catalogDict],
    [pages!, PdfDict.from({ Type: name('Pages'), Kids: [page!], Count: 1 })],
    [page!, pageDict],
    [info!, PdfDict.from({
      Title: text(`Biên lai ${receipt.templateSymbol}-${receipt.symbol}-${formatReceiptNumber(receipt.number)}`),
      Author: text(receipt.collector.name), Producer: text('kyso'), CreationDate: date, ModDate: date,
    })],
    [contents!, new PdfStream(PdfDict.from({ Filter: name('FlateDecode') }), body)],
    [filespec!, PdfDict.from({
      Type: name('Filespec'), F: text(input.xmlFileName), UF: text(input.xmlFileName), AFRelationship: name('Source'),
      Desc: text('Dữ liệu biên lai điện tử (XML đã ký số)'), EF: PdfDict.from({ F: file, UF: file }),
    })],
    [file!, new PdfStream(PdfDict.from({
      Type: name('EmbeddedFile'), Subtype: name('text/xml'),
      Params: PdfDict.from({ Size: input.signedXml.length, CreationDate: date, ModDate: date }),
    }), input.signedXml)],
    [numberContents!, new PdfStream(new PdfDict(), numbered)],
  ];
  if (signature) {
    // ISO 32000-1 12.7.2, 12.8: the field is its own widget, listed in /AcroForm and the page's /Annots
    catalogDict.set('AcroForm', PdfDict.from({ Fields: [widget!], SigFlags: 3 }));
    pageDict.set('Annots', [widget!]);
    own.push(...signatureObjects(signature, { widget: widget!, appearance: appearance!, signature: sig!, page: page! }));
  }
  const sink = new ByteSink();
  const offsets = [...t.offsets];
  writeObjects(sink, own, t.prefix.length, offsets);
  const xref = t.prefix.length + sink.length;
  const size = n + own.length;
  sink.text(`xref\n0 ${size}\n0000000000 65535 f\r\n`);
  for (let i = 1; i < size; i++) sink.text(`${String(offsets[i]).padStart(10, '0')} 00000 n\r\n`);
  const id = new PdfString(createHash('md5').update(receipt.id).update(input.signedXml).digest(), true);
  sink.text('trailer\n');
  writeObject(sink, PdfDict.from({ Size: size, Root: catalog, Info: info, ID: [id, id] }));
  sink.text(`\nstartxref\n${xref}\n%%EOF\n`);
  return { tail: sink.toBuffer(), signatureAt: signature ? offsets[sig!.num]! - t.prefix.length : -1 };
}
