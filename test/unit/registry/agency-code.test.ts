import { parseAgencyCode, isAgencyCode } from '../../../src/agencies/agency-code';
import { isAppError } from '../../../src/errors';

describe('parseAgencyCode (QCVN 102 / QĐ 20: NNN.NN.NN.Xnn)', () => {
  test.each([
    ['000.00.00.G22', 1, null],
    ['000.00.00.H20', 1, null],
    ['000.00.14.H20', 2, '000.00.00.H20'],
    ['000.00.14.H56', 2, '000.00.00.H56'],
    ['000.03.14.H20', 3, '000.00.14.H20'],
    ['012.03.14.H20', 4, '000.03.14.H20'],
    ['000.00.00.A01', 1, null],
  ])('when the code is %s, then it is valid at level %i with parent %s', (code, depth, parent) => {
    const parsed = parseAgencyCode(code);
    expect(parsed.depth).toBe(depth);
    expect(parsed.parentCode).toBe(parent);
    expect(isAgencyCode(code)).toBe(true);
  });

  test.each([
    ['', /empty/],
    ['28.22.H17', /3 dot-separated group/],
    ['999.010.01.H22', /level-3 group "010"/],
    ['000.00.00.h20', /level-1 group "h20"/],
    ['000.00.00.H2', /level-1 group "H2"/],
    ['000.00.00.220', /level-1 group "220"/],
    ['000.00.1.H20', /level-2 group "1"/],
    ['000.0A.14.H20', /level-3 group "0A"/],
    ['00.00.14.H20', /level-4 group "00"/],
    ['000.05.00.H20', /level-3 unit needs a level-2 parent/],
    ['001.00.14.H20', /level-4 unit needs a level-3 parent/],
    [' 000.00.00.H20', /level-4 group/],
    ['000.00.00.H20.', /5 dot-separated group/],
  ])('when the code is %j, then AGENCY_CODE_INVALID says what is wrong', (code, why) => {
    let err: unknown;
    try {
      parseAgencyCode(code);
    } catch (e) {
      err = e;
    }
    expect(isAppError(err, 'AGENCY_CODE_INVALID')).toBe(true);
    expect((err as Error).message).toMatch(why);
    expect(isAgencyCode(code)).toBe(false);
  });
});
