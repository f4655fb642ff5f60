/**
 * Modification analysis between the revision a signature covers and the final document, object by
 * object. It is a whitelist (pyHanko `DiffPolicy`/`WhitelistRule`, style §2.5): every added,
 * changed or deleted object must be explained by a named rule, or its level is OTHER. Rules:
 * new signatures, DSS and document timestamps (ETSI EN 319 142-1 §5.4) → SIGNATURES_AND_TIMESTAMPS;
 * values and appearances of existing non-signature fields → FORM_FILLING; annotations → ANNOTATIONS
 * (ISO 32000-1 12.8.2.2.2 P=2/P=3).
 */
import * as pdf from '../pdf';
import type { PdfDocument, PdfObject } from '../pdf';
import type { ChangedObject, ModificationLevel } from './report';
import { changedNumbers } from './changed-numbers';
import { changedKeys, referencesIn, sameObject } from './same-object';

/** Result of comparing two revisions. */
export interface ModificationAnalysis {
  level: ModificationLevel;
  changes: ChangedObject[];
  /** Fully qualified names of fields whose value changed (for FieldMDP). */
  changedFields: string[];
  /** A new approval signature was added (forbidden by DocMDP P=1). */
  addsApprovalSignature: boolean;
}

/** Severity order of levels. */
export const LEVEL_ORDER: Record<ModificationLevel, number> = {
  NONE: 0,
  SIGNATURES_AND_TIMESTAMPS: 1,
  FORM_FILLING: 2,
  ANNOTATIONS: 3,
  OTHER: 4,
};

// Local aliases: the CommonJS output of tsx and ts-jest reads an imported binding through a
// getter (two for a re-export) at each use.
const { asArray, asName, PdfDict, PdfRef, PdfStream } = pdf;
type PdfDict = pdf.PdfDict;

const maxLevel = (a: ModificationLevel, b: ModificationLevel) => (LEVEL_ORDER[a] >= LEVEL_ORDER[b] ? a : b);
const WIDGET_FIELD_KEYS = new Set(['V', 'AS', 'AP', 'MK']);
const ACROFORM_KEYS: Record<string, ModificationLevel> = { Fields: 'SIGNATURES_AND_TIMESTAMPS', SigFlags: 'SIGNATURES_AND_TIMESTAMPS', DR: 'FORM_FILLING', DA: 'FORM_FILLING' };
const CATALOG_KEYS = new Set(['AcroForm', 'DSS', 'Extensions', 'Metadata']);

interface Item {
  num: number;
  gen: number;
  change: ChangedObject['change'];
  oldV: PdfObject;
  newV: PdfObject;
  kind: string;
  /** Keys that differ when both values are dictionaries (computed once, by collectItems). */
  keys?: string[];
  level?: ModificationLevel;
  rule?: string;
}

function safeGet(doc: PdfDocument, n: number): PdfObject | undefined {
  try {
    return doc.getObject(n);
  } catch {
    return undefined;
  }
}

function dictOf(o: PdfObject | undefined): PdfDict | undefined {
  return o instanceof PdfStream ? o.dict : o instanceof PdfDict ? o : undefined;
}

function refNum(o: PdfObject | undefined): number | undefined {
  return o instanceof PdfRef ? o.num : undefined;
}

function isSigDict(d: PdfDict): boolean {
  const t = asName(d.get('Type'));
  return t === 'Sig' || t === 'DocTimeStamp' || (d.has('ByteRange') && d.has('Contents'));
}

function fieldType(doc: PdfDocument, d: PdfDict): string | undefined {
  let cur: PdfDict | undefined = d;
  for (let i = 0; cur && i < 16; i++) {
    const ft = asName(cur.get('FT'));
    if (ft) return ft;
    cur = dictOf(doc.resolve(cur.get('Parent')));
  }
  return undefined;
}

/** Fully qualified field name (ISO 32000-1 12.7.3.2). */
export function fieldName(doc: PdfDocument, d: PdfDict): string {
  const parts: string[] = [];
  let cur: PdfDict | undefined = d;
  for (let i = 0; cur && i < 16; i++) {
    const t = cur.get('T');
    if (t && typeof t === 'object' && 'toText' in t) parts.unshift((t as { toText(): string }).toText());
    cur = dictOf(doc.resolve(cur.get('Parent')));
  }
  return parts.join('.');
}

function refsOf(doc: PdfDocument, o: PdfObject | undefined): number[] {
  const arr = asArray(o instanceof PdfRef ? safeGet(doc, o.num) ?? null : o ?? null) ?? [];
  return arr.map(refNum).filter((n): n is number => n !== undefined);
}

function kindOf(newDoc: PdfDocument, num: number, v: PdfObject, ctx: { root?: number; acroForm?: number; info?: number; annotArrays: Set<number>; fieldArrays: Set<number> }): string {
  if (num === ctx.root) return 'catalog';
  if (num === ctx.acroForm) return 'acroform';
  if (num === ctx.info) return 'info';
  if (ctx.annotArrays.has(num)) return 'annots-array';
  if (ctx.fieldArrays.has(num)) return 'fields-array';
  const d = dictOf(v);
  if (!d) return 'other';
  const t = asName(d.get('Type'));
  if (v instanceof PdfStream && (t === 'XRef' || t === 'ObjStm')) return 'structure';
  if (v instanceof PdfStream && t === 'Metadata') return 'metadata';
  if (isSigDict(d)) return 'sig';
  if (t === 'DSS' || t === 'VRI') return 'dss';
  if (t === 'Page') return 'page';
  if (t === 'Pages') return 'pages';
  const sub = asName(d.get('Subtype'));
  if (sub === 'Widget' || d.has('FT') || (d.has('T') && d.has('Parent'))) {
    return fieldType(newDoc, d) === 'Sig' ? 'sig-field' : 'field';
  }
  if (t === 'Annot' || (sub && d.has('Rect'))) return 'annotation';
  return 'other';
}

function compareRefLists(oldRefs: number[], newRefs: number[]): { removed: number[]; added: number[] } {
  const o = new Set(oldRefs);
  const n = new Set(newRefs);
  return { removed: oldRefs.filter((r) => !n.has(r)), added: newRefs.filter((r) => !o.has(r)) };
}

function rectArea(doc: PdfDocument, d: PdfDict): number {
  const r = (asArray(doc.resolve(d.get('Rect'))) ?? []).map((x) => (typeof x === 'number' ? x : 0));
  return r.length === 4 ? Math.abs((r[2] - r[0]) * (r[3] - r[1])) : 0;
}

/**
 * Compares the signed revision `oldDoc` with the final `newDoc`.
 * @param laterNumbers the object numbers defined after the signed revision (from the
 *   cross-reference sections), or null to compare every object
 */
export function analyseModifications(oldDoc: PdfDocument, newDoc: PdfDocument, laterNumbers: readonly number[] | null = null): ModificationAnalysis {
  const out: ModificationAnalysis = { level: 'NONE', changes: [], changedFields: [], addsApprovalSignature: false };
  const items = collectItems(oldDoc, newDoc, laterNumbers);
  if (refNum(oldDoc.trailer.get('Root')) !== refNum(newDoc.trailer.get('Root'))) {
    items.push({ num: refNum(newDoc.trailer.get('Root')) ?? 0, gen: 0, change: 'changed', oldV: null, newV: null, kind: 'trailer', level: 'OTHER', rule: 'catalog-replaced' });
  }
  const byNum = new Map(items.map((i) => [i.num, i]));
  for (const it of items) if (!it.level) classify(it, oldDoc, newDoc, byNum, out);
  const referrers = referrersOf(items);
  for (let pass = 0; referrers.size > 0 && pass < 6; pass++) {
    for (const it of items) {
      if (it.level || it.kind !== 'other' || it.change !== 'added') continue;
      const from = referrers.get(it.num) ?? [];
      if (from.length === 0) {
        [it.level, it.rule] = it.num < oldDoc.nextObjectNumber ? ['OTHER', 'fills-old-object-number'] : ['NONE', 'unreferenced'];
      } else if (from.every((f) => f.level)) {
        it.level = from.map((f) => f.level!).reduce(maxLevel, 'NONE');
        it.rule = 'used-by-' + from[0].kind;
      }
    }
  }
  for (const it of items) {
    const level = it.level ?? 'OTHER';
    out.level = maxLevel(out.level, level);
    out.changes.push({ objectNumber: it.num, generation: it.gen, change: it.change, kind: it.kind, level, rule: it.rule ?? 'not-whitelisted' });
  }
  return out;
}

/** The changed objects that reference each added object still to be explained by its users. */
function referrersOf(items: Item[]): Map<number, Item[]> {
  const referrers = new Map<number, Item[]>();
  for (const it of items) if (!it.level && it.kind === 'other' && it.change === 'added') referrers.set(it.num, []);
  if (referrers.size === 0) return referrers;
  for (const it of items) {
    for (const r of referencesIn(it.newV ?? undefined)) referrers.get(r.num)?.push(it);
  }
  return referrers;
}

function collectItems(oldDoc: PdfDocument, newDoc: PdfDocument, laterNumbers: readonly number[] | null): Item[] {
  const root = refNum(newDoc.trailer.get('Root'));
  const catalog = root !== undefined ? dictOf(safeGet(newDoc, root)) : undefined;
  const ctx = {
    root,
    acroForm: refNum(catalog?.get('AcroForm')),
    info: refNum(newDoc.trailer.get('Info')),
    annotArrays: new Set<number>(),
    fieldArrays: new Set<number>(),
  };
  const af = dictOf(newDoc.resolve(catalog?.get('AcroForm')));
  const fieldsRef = refNum(af?.get('Fields'));
  if (fieldsRef !== undefined) ctx.fieldArrays.add(fieldsRef);
  const raw: Array<Omit<Item, 'kind'>> = [];
  for (const num of changedNumbers(oldDoc, newDoc, laterNumbers)) {
    const e = newDoc.entries.get(num);
    const o = oldDoc.entries.get(num);
    if (!e || e.type === 'f') {
      if (o && o.type !== 'f') raw.push({ num, gen: 0, change: 'deleted', oldV: safeGet(oldDoc, num) ?? null, newV: null });
      continue;
    }
    const newV = safeGet(newDoc, num) ?? null;
    const oldV = o && o.type !== 'f' ? safeGet(oldDoc, num) : undefined;
    let keys: string[] | undefined;
    if (oldV instanceof PdfDict && newV instanceof PdfDict) {
      keys = changedKeys(oldV, newV);
      if (keys.length === 0) continue;
    } else if (oldV !== undefined && sameObject(oldV, newV)) continue;
    const gen = e.type === 'n' ? e.gen : 0;
    raw.push({ num, gen, change: oldV === undefined || oldV === null ? 'added' : 'changed', oldV: oldV ?? null, newV, keys });
    const d = dictOf(newV);
    if (d && asName(d.get('Type')) === 'Page') {
      const a = refNum(d.get('Annots'));
      if (a !== undefined) ctx.annotArrays.add(a);
    }
  }
  return raw.map((r) => ({ ...r, kind: kindOf(newDoc, r.num, r.newV ?? r.oldV, ctx) }));
}

function classify(it: Item, oldDoc: PdfDocument, newDoc: PdfDocument, byNum: Map<number, Item>, out: ModificationAnalysis): void {
  const set = (level: ModificationLevel, rule: string): void => {
    it.level = level;
    it.rule = rule;
  };
  if (it.kind === 'structure') return set('NONE', 'file-structure');
  if (it.change === 'deleted') return set('OTHER', 'object-deleted');
  const nd = dictOf(it.newV);
  const od = dictOf(it.oldV);
  switch (it.kind) {
    case 'sig':
      if (it.change !== 'added') return set('OTHER', 'signature-dictionary-changed');
      if (asName(nd?.get('Type')) !== 'DocTimeStamp') out.addsApprovalSignature = true;
      return set('SIGNATURES_AND_TIMESTAMPS', 'new-signature');
    case 'dss':
      return set('SIGNATURES_AND_TIMESTAMPS', 'dss');
    case 'info':
    case 'metadata':
      return set('SIGNATURES_AND_TIMESTAMPS', 'document-metadata');
    case 'catalog': {
      if (!od || !nd) return set('OTHER', 'catalog-replaced');
      const keys = it.keys ?? changedKeys(od, nd);
      if (!keys.every((k) => CATALOG_KEYS.has(k))) return set('OTHER', 'catalog-changed');
      if (keys.includes('AcroForm') && !(nd.get('AcroForm') instanceof PdfRef)) {
        const lvl = acroFormLevel(oldDoc, newDoc, dictOf(oldDoc.resolve(od.get('AcroForm'))), dictOf(newDoc.resolve(nd.get('AcroForm'))), byNum);
        return set(lvl, 'catalog-acroform');
      }
      return set('SIGNATURES_AND_TIMESTAMPS', 'catalog-dss-acroform');
    }
    case 'acroform':
      return set(acroFormLevel(oldDoc, newDoc, od, nd, byNum), 'acroform');
    case 'fields-array':
      return set(fieldListLevel(refsOf(oldDoc, it.oldV), refsOf(newDoc, it.newV), byNum), 'acroform-fields');
    case 'page': {
      if (!od || !nd) return set('OTHER', 'page-replaced');
      const keys = it.keys ?? changedKeys(od, nd);
      if (keys.some((k) => k !== 'Annots')) return set('OTHER', 'page-changed');
      return set(annotsLevel(refsOf(oldDoc, od.get('Annots')), refsOf(newDoc, nd.get('Annots')), byNum), 'page-annotations');
    }
    case 'annots-array':
      return set(annotsLevel(refsOf(oldDoc, it.oldV), refsOf(newDoc, it.newV), byNum), 'page-annotations');
    case 'sig-field':
      return classifySigField(it, newDoc, od, nd, set);
    case 'field': {
      if (it.change === 'added' || !od || !nd) return set('OTHER', 'new-form-field');
      if (!(it.keys ?? changedKeys(od, nd)).every((k) => WIDGET_FIELD_KEYS.has(k))) return set('OTHER', 'field-structure-changed');
      out.changedFields.push(fieldName(newDoc, nd));
      return set('FORM_FILLING', 'form-fill');
    }
    case 'annotation':
      return set('ANNOTATIONS', it.change === 'added' ? 'new-annotation' : 'annotation-changed');
    case 'other':
      if (it.change === 'changed') return set('OTHER', 'content-changed');
  }
}

function classifySigField(it: Item, doc: PdfDocument, od: PdfDict | undefined, nd: PdfDict | undefined, set: (l: ModificationLevel, r: string) => void): void {
  if (!nd) return set('OTHER', 'signature-field-removed');
  if (it.change === 'added') {
    const signed = doc.resolve(nd.get('V')) instanceof PdfDict;
    const visible = nd.has('AP') && rectArea(doc, nd) > 0;
    return signed || !visible ? set('SIGNATURES_AND_TIMESTAMPS', 'new-signature-field') : set('ANNOTATIONS', 'unsigned-signature-field-with-appearance');
  }
  const keys = it.keys ?? changedKeys(od!, nd);
  if (!keys.every((k) => WIDGET_FIELD_KEYS.has(k))) return set('OTHER', 'signature-field-structure-changed');
  if (keys.includes('V') && od!.get('V') !== undefined) return set('OTHER', 'signature-value-replaced');
  return set('SIGNATURES_AND_TIMESTAMPS', 'sign-empty-field');
}

function annotsLevel(oldRefs: number[], newRefs: number[], byNum: Map<number, Item>): ModificationLevel {
  const { removed, added } = compareRefLists(oldRefs, newRefs);
  let level: ModificationLevel = removed.length ? 'ANNOTATIONS' : 'SIGNATURES_AND_TIMESTAMPS';
  for (const n of added) {
    const it = byNum.get(n);
    if (!it || it.change !== 'added') return 'OTHER';
    if (!['sig-field', 'annotation'].includes(it.kind)) return 'OTHER';
    if (it.kind === 'annotation') level = maxLevel(level, 'ANNOTATIONS');
  }
  return level;
}

function fieldListLevel(oldRefs: number[], newRefs: number[], byNum: Map<number, Item>): ModificationLevel {
  const { removed, added } = compareRefLists(oldRefs, newRefs);
  if (removed.length) return 'OTHER';
  for (const n of added) {
    const it = byNum.get(n);
    if (!it || it.change !== 'added' || it.kind !== 'sig-field') return 'OTHER';
  }
  return 'SIGNATURES_AND_TIMESTAMPS';
}

function acroFormLevel(oldDoc: PdfDocument, newDoc: PdfDocument, od: PdfDict | undefined, nd: PdfDict | undefined, byNum: Map<number, Item>): ModificationLevel {
  if (!nd) return 'OTHER';
  if (!od) return fieldListLevel([], refsOf(newDoc, nd.get('Fields')), byNum);
  let level: ModificationLevel = 'SIGNATURES_AND_TIMESTAMPS';
  for (const k of changedKeys(od, nd)) {
    const l = ACROFORM_KEYS[k];
    if (!l) return 'OTHER';
    level = maxLevel(level, k === 'Fields' ? fieldListLevel(refsOf(oldDoc, od.get('Fields')), refsOf(newDoc, nd.get('Fields')), byNum) : l);
  }
  return level;
}
