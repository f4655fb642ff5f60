/**
 * Where to put rendered appearances on the page, per Decree 30/2020 Appendix I: the organisation
 * signature's seal overlaps about the left third of the personal signature image (I.II.8.a); the
 * attachment and copy blocks sit in the top-right corner of the first page (I.II.8.b, II.I.3.c).
 */
import { AppError } from '../errors';
import { AppearancePdf, Rect } from './appearance-spec';

/** What placement needs of an appearance: its size and where its parts are. */
export type AppearanceSize = Pick<AppearancePdf, 'width' | 'height' | 'layout'>;

/**
 * The widget rectangle of an organisation appearance placed so that its seal's right edge lies
 * one third into `personalImage` (the page rectangle of the personal signature image) and the
 * seal's centre is level with the image's centre.
 */
export function placeOverPersonal(personalImage: Rect, organisation: AppearanceSize): Rect {
  const seal = organisation.layout.seal;
  if (!seal) throw new AppError('STAMP_SPEC_INVALID', 'The appearance has no seal to place');
  const x = personalImage.x + personalImage.width / 3 - (seal.x + seal.width);
  const y = personalImage.y + personalImage.height / 2 - (seal.y + seal.height / 2);
  return { x, y, width: organisation.width, height: organisation.height };
}

/** The page rectangle of a personal appearance's image once the widget is placed at `widget`. */
export function imageRectOnPage(widget: Rect, personal: AppearanceSize): Rect {
  const s = personal.layout.signature;
  if (!s) throw new AppError('STAMP_SPEC_INVALID', 'The appearance has no signature image');
  const kx = widget.width / personal.width, ky = widget.height / personal.height;
  return { x: widget.x + s.x * kx, y: widget.y + s.y * ky, width: s.width * kx, height: s.height * ky };
}

/** Top-right corner placement inside the page margins (Decree 30: right 15-20 mm, top 20-25 mm). */
export function placeTopRight(pageBox: number[], block: AppearanceSize, marginRight = 42.5, marginTop = 42.5): Rect {
  const [, , x1, y1] = pageBox;
  return { x: x1 - marginRight - block.width, y: y1 - marginTop - block.height, width: block.width, height: block.height };
}

/** A rectangle as the [x1 y1 x2 y2] array of a widget's /Rect. */
export function toPdfRect(r: Rect): [number, number, number, number] {
  return [r.x, r.y, r.x + r.width, r.y + r.height];
}
