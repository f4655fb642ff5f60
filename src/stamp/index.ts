/**
 * Visible signatures per Decree 30/2020/NĐ-CP Appendix I: rendering (pure), placement (anchor
 * text or rectangle) and grafting into an incremental update as the widget's /AP /N.
 */
export * from './appearance-spec';
export { renderAppearance } from './render-appearance';
export { formatVietnamTime, assertVietnamTime } from './signing-time';
export { findAnchorText, type AnchorMatch, type AnchorOptions } from './find-anchor-text';
export { placeOverPersonal, imageRectOnPage, placeTopRight, toPdfRect } from './place-appearance';
export { graftPageAsXObject, appearanceFrom, type GraftedAppearance } from './graft-page-as-xobject';
export { loadTinosFonts, DEFAULT_FONT_DIR } from './load-tinos-fonts';
export { createStampKit, type StampKit, type BuiltAppearance, type AppearanceBox } from './stamp-kit';
export { buildSubsetFont, STAMP_CHARSET, type SubsetFont } from './subset-font';
export { type AppearanceSize } from './place-appearance';
export { findSignatureImage, type SignatureImage } from './find-signature-image';
