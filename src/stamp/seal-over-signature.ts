/**
 * Geometry of the organisation appearance's top row, shared by both renderers: the seal at its
 * real size and the signature image beside it, the seal covering about the left third of the
 * signature image (Decree 30/2020, Appendix I, I.II.8.a).
 */
import type { OrganisationSpec } from './appearance-spec';
import { physicalWidthPt, type PreparedImage } from './png-image';

/** Sizes in points; the signature's x is measured from the seal's left edge. */
export interface SealOverSignature {
  sealW: number;
  sealH: number;
  sigW: number;
  sigH: number;
  sigX: number;
  /** The row's width and height. */
  topW: number;
  topH: number;
}

/** Lays out the seal and (optional) signature image of an organisation appearance. */
export function sealOverSignature(spec: OrganisationSpec, seal: PreparedImage, sig: PreparedImage | undefined): SealOverSignature {
  const sealW = spec.sealDiameterMm ? (spec.sealDiameterMm * 72) / 25.4 : physicalWidthPt(seal);
  const sealH = (sealW * seal.height) / seal.width;
  const sigH = sig ? spec.signatureHeight ?? 64 : 0;
  const sigW = sig ? (sigH * sig.width) / sig.height : 0;
  const sigX = sealW - sigW / 3;
  const topW = sig ? Math.max(sealW, sigX + sigW) : sealW;
  return { sealW, sealH, sigW, sigH, sigX, topW, topH: Math.max(sealH, sigH) };
}
