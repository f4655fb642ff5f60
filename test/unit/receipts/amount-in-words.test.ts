import { amountInWords } from '../../../src/receipts/amount-in-words';
import { isAppError } from '../../../src/errors';

/**
 * Golden table (issue 6), each line written by hand from the rules of the domain notes §3.1:
 * mười/mươi, mốt after a tens digit >= 2, lăm after a non-zero tens digit, linh (never lẻ) for a
 * zero tens digit, "không trăm" in inner groups, all-zero groups skipped, nghìn/triệu/tỷ,
 * "bốn" (not "tư"), first letter capitalised, "đồng" appended.
 */
const golden: Array<[number, string]> = [
  [15, 'Mười lăm đồng'],
  [21, 'Hai mươi mốt đồng'],
  [24, 'Hai mươi bốn đồng'],
  [105, 'Một trăm linh năm đồng'],
  [1_005, 'Một nghìn không trăm linh năm đồng'],
  [21_000, 'Hai mươi mốt nghìn đồng'],
  [120_000, 'Một trăm hai mươi nghìn đồng'],
  [1_005_000, 'Một triệu không trăm linh năm nghìn đồng'],
  [1_000_001_000, 'Một tỷ không trăm linh một nghìn đồng'],
  [2_500_000, 'Hai triệu năm trăm nghìn đồng'],
];

/** Further cases from the rule table in §3.1. */
const rules: Array<[number, string]> = [
  [10, 'Mười đồng'],
  [11, 'Mười một đồng'],
  [14, 'Mười bốn đồng'],
  [25, 'Hai mươi lăm đồng'],
  [101, 'Một trăm linh một đồng'],
  [1_050, 'Một nghìn không trăm năm mươi đồng'],
  [1_000_050, 'Một triệu không trăm năm mươi đồng'],
  [105_000, 'Một trăm linh năm nghìn đồng'],
];

describe('amountInWords', () => {
  it.each(golden)('when the amount is %d (golden table), then it reads "%s"', (n, words) => {
    expect(amountInWords(n)).toBe(words);
  });

  it.each(rules)('when the amount is %d, then it reads "%s"', (n, words) => {
    expect(amountInWords(n)).toBe(words);
  });

  it('when the amount is given as a bigint, then it reads the same as the number', () => {
    expect(amountInWords(1_005_000n)).toBe(amountInWords(1_005_000));
  });

  it('when the amount is negative or fractional, then it is refused as RECEIPT_INVALID', () => {
    for (const bad of [-1, 1.5, Number.NaN]) {
      let caught: unknown;
      try {
        amountInWords(bad);
      } catch (e) {
        caught = e;
      }
      expect(isAppError(caught, 'RECEIPT_INVALID')).toBe(true);
    }
  });

  it('when the reading never contains the regional forms lẻ, tỉ or tư, then the config holds', () => {
    const words = [104, 1_000_000_004, 3_000_000_000_024]
      .flatMap((n) => amountInWords(n).toLowerCase().split(' '));
    for (const regional of ['lẻ', 'tỉ', 'tư', 'ngàn']) expect(words).not.toContain(regional);
    expect(amountInWords(3_000_000_000_024)).toBe('Ba nghìn tỷ không trăm hai mươi bốn đồng');
  });
});
