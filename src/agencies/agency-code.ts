/**
 * Agency identifier codes ("mã định danh") of QCVN 102:2016/BTTTT as amended in 2022, which
 * defers to QĐ 20/2020/QĐ-TTg: `NNN.NN.NN.Xnn`, 13 characters, four groups separated by dots,
 * read right to left from the highest level:
 *
 * - level 1 (last group): one capital letter and two digits, e.g. `G22` (Government Office),
 *   `H20` (Đồng Tháp province);
 * - level 2 (third group): two digits, `00` when unused;
 * - level 3 (second group): two digits, `00` when unused;
 * - level 4 (first group): three digits, `000` when unused.
 *
 * A lower level can only be set under a set higher level (`000.05.00.H20` names a level-3 unit
 * with no level-2 parent and is refused). Source: /work/shared/domain/exchange.md §1.2; the
 * group-to-level mapping is derived from the examples there (`000.00.14.H20` is a department of
 * province H20). Values such as `28.22.H17` or `999.010.01.H22`, seen in samples, are refused.
 */
import { AppError } from '../errors';

/** A parsed agency code. */
export interface AgencyCode {
  /** The code as given (already canonical: it is accepted only in canonical form). */
  code: string;
  /** Level-1 unit, e.g. 'H20'. */
  level1: string;
  /** Level-2, level-3 and level-4 groups; '00'/'000' when unused. */
  level2: string;
  level3: string;
  level4: string;
  /** 1 to 4: the lowest level that is set. */
  depth: 1 | 2 | 3 | 4;
  /** The code of the parent unit (the lowest set level zeroed), or null at level 1. */
  parentCode: string | null;
}

const SHAPE_HINT = 'An agency code has the form NNN.NN.NN.Xnn (for example 000.00.14.H20)';

function invalid(code: string, why: string): AppError {
  return new AppError('AGENCY_CODE_INVALID', `Agency code "${code}" is invalid: ${why}. ${SHAPE_HINT}.`, { code, reason: why });
}

/** Parses and validates an agency code; throws AGENCY_CODE_INVALID saying which part is wrong. */
export function parseAgencyCode(code: string): AgencyCode {
  if (typeof code !== 'string' || code.length === 0) throw invalid(String(code), 'it is empty');
  const groups = code.split('.');
  if (groups.length !== 4) throw invalid(code, `it has ${groups.length} dot-separated group(s) instead of 4`);
  const [level4, level3, level2, level1] = groups;
  if (!/^[A-Z][0-9]{2}$/.test(level1)) {
    throw invalid(code, `the level-1 group "${level1}" (last) must be one capital letter followed by two digits`);
  }
  if (!/^[0-9]{2}$/.test(level2)) throw invalid(code, `the level-2 group "${level2}" (third) must be exactly two digits`);
  if (!/^[0-9]{2}$/.test(level3)) throw invalid(code, `the level-3 group "${level3}" (second) must be exactly two digits`);
  if (!/^[0-9]{3}$/.test(level4)) throw invalid(code, `the level-4 group "${level4}" (first) must be exactly three digits`);
  const set2 = level2 !== '00';
  const set3 = level3 !== '00';
  const set4 = level4 !== '000';
  if (set3 && !set2) throw invalid(code, 'a level-3 unit needs a level-2 parent, but the level-2 group is 00');
  if (set4 && !set3) throw invalid(code, 'a level-4 unit needs a level-3 parent, but the level-3 group is 00');
  const depth = set4 ? 4 : set3 ? 3 : set2 ? 2 : 1;
  const parentCode =
    depth === 1 ? null
    : depth === 2 ? `000.00.00.${level1}`
    : depth === 3 ? `000.00.${level2}.${level1}`
    : `000.${level3}.${level2}.${level1}`;
  return { code, level1, level2, level3, level4, depth, parentCode };
}

/** True when `code` is a valid agency code (no throw). */
export function isAgencyCode(code: string): boolean {
  try {
    parseAgencyCode(code);
    return true;
  } catch {
    return false;
  }
}
