/**
 * The development PKI as data (pyHanko certomancer.yml, DSS good-pki.xml): every identity, its
 * issuer, subject, key and validity relative to the generation time, so the same spec yields
 * fresh certs-dev/ files and per-test PKIs with dates that never go stale. NOT for production.
 *
 * Agency codes follow the QCVN 102:2016 / QĐ 20/2020 shape `NNN.NN.NN.Xnn` (level-1 unit last).
 * The codes below are illustrative values in that shape, not checked against the official list.
 */

/** What an identity is for; drives key usage, EKU and the index.json `role`. */
export type DevRole = 'root-ca' | 'sub-ca' | 'organisation' | 'personal' | 'tsa' | 'ocsp';

/** One attribute of a distinguished name, in the order it appears (RFC 4514 reverses it for display). */
export interface NameAttribute {
  /** Short name: C, ST, L, O, OU, CN, T (title), UID. */
  type: 'C' | 'ST' | 'L' | 'O' | 'OU' | 'CN' | 'T' | 'UID';
  value: string;
}

/** Key to generate. RSA only: node-forge signs the certificates and has no EC support. */
export interface KeySpec {
  kind: 'rsa';
  bits: 2048 | 3072 | 4096;
}

/** One certificate and key in the PKI. */
export interface IdentitySpec {
  alias: string;
  role: DevRole;
  /** Alias of the issuing CA; absent for the self-signed root. */
  issuer?: string;
  /** QCVN 102 agency identifier code of the organisation the identity belongs to. */
  agencyCode?: string;
  subject: NameAttribute[];
  key: KeySpec;
  /** Days from generation time to notBefore (negative = in the past). */
  notBeforeDays: number;
  /** Days from generation time to notAfter (negative = already expired). */
  notAfterDays: number;
  /** When set, the issuer's CRL lists this certificate as revoked that many days before generation. */
  revokedDaysAgo?: number;
  /** Development passphrase of the PKCS#12 file. */
  passphrase: string;
}

/** The whole PKI. */
export interface DevPkiSpec {
  /** Base URL for AIA (caIssuers, OCSP) and CRL distribution points. */
  publicBaseUrl: string;
  identities: IdentitySpec[];
  /** CRL validity: nextUpdate = generation time + this many days. */
  crlValidityDays: number;
}

const CA_YEARS = 3650;
const SIGNER_DAYS = 3 * 365;

const caKey: KeySpec = { kind: 'rsa', bits: 3072 };
const eeKey: KeySpec = { kind: 'rsa', bits: 2048 };

const longAn = (l: string): NameAttribute[] => [
  { type: 'C', value: 'VN' },
  { type: 'ST', value: 'Long An' },
  { type: 'L', value: l },
];
const thanhHoa: NameAttribute[] = [
  { type: 'C', value: 'VN' },
  { type: 'ST', value: 'Thanh Hóa' },
  { type: 'L', value: 'Thành phố Thanh Hóa' },
];

const CAN_GIUOC = { code: '000.00.31.H40', name: 'UBND huyện Cần Giuộc' };
const STTTT_LONG_AN = { code: '000.00.14.H40', name: 'Sở Thông tin và Truyền thông tỉnh Long An' };
const UBND_THANH_HOA = { code: '000.00.00.H56', name: 'UBND tỉnh Thanh Hóa' };

/** Subject of an organisation certificate: O = agency name, UID = agency code, CN = agency name. */
function organisation(base: NameAttribute[], agency: { code: string; name: string }): NameAttribute[] {
  return [...base, { type: 'O', value: agency.name }, { type: 'UID', value: agency.code }, { type: 'CN', value: agency.name }];
}

/** Subject of an officer's personal certificate: the title goes in T (id-at-title). */
function officer(base: NameAttribute[], agency: { code: string; name: string }, title: string, name: string): NameAttribute[] {
  return [
    ...base,
    { type: 'O', value: agency.name },
    { type: 'UID', value: agency.code },
    { type: 'T', value: title },
    { type: 'CN', value: name },
  ];
}

const signer = { key: eeKey, issuer: 'dev-gov-ca', notBeforeDays: -1, notAfterDays: SIGNER_DAYS };

/** The committed development PKI (certs-dev/). */
export const DEV_PKI_SPEC: DevPkiSpec = {
  publicBaseUrl: 'http://localhost:3000/pki',
  crlValidityDays: 365,
  identities: [
    {
      alias: 'dev-root-ca',
      role: 'root-ca',
      subject: [
        { type: 'C', value: 'VN' },
        { type: 'O', value: 'Kyso Development PKI - NOT FOR PRODUCTION' },
        { type: 'CN', value: 'Kyso Development Root CA' },
      ],
      key: caKey,
      notBeforeDays: -400,
      notAfterDays: CA_YEARS,
      passphrase: 'kyso-dev-root',
    },
    {
      alias: 'dev-gov-ca',
      role: 'sub-ca',
      issuer: 'dev-root-ca',
      subject: [
        { type: 'C', value: 'VN' },
        { type: 'O', value: 'Kyso Development PKI - NOT FOR PRODUCTION' },
        { type: 'CN', value: 'Kyso Dev Government CA' },
      ],
      key: caKey,
      notBeforeDays: -400,
      notAfterDays: CA_YEARS,
      passphrase: 'kyso-dev-gov-ca',
    },
    { ...signer, alias: 'org-can-giuoc', role: 'organisation', agencyCode: CAN_GIUOC.code, subject: organisation(longAn('huyện Cần Giuộc'), CAN_GIUOC), passphrase: 'kyso-dev-org-can-giuoc' },
    { ...signer, alias: 'org-stttt-long-an', role: 'organisation', agencyCode: STTTT_LONG_AN.code, subject: organisation(longAn('Thành phố Tân An'), STTTT_LONG_AN), passphrase: 'kyso-dev-org-stttt-long-an' },
    { ...signer, alias: 'org-ubnd-thanh-hoa', role: 'organisation', agencyCode: UBND_THANH_HOA.code, subject: organisation(thanhHoa, UBND_THANH_HOA), passphrase: 'kyso-dev-org-ubnd-thanh-hoa' },
    { ...signer, alias: 'can-giuoc-chu-tich', role: 'personal', agencyCode: CAN_GIUOC.code, subject: officer(longAn('huyện Cần Giuộc'), CAN_GIUOC, 'Chủ tịch', 'Nguyễn Văn Hùng'), passphrase: 'kyso-dev-can-giuoc-chu-tich' },
    { ...signer, alias: 'can-giuoc-van-thu', role: 'personal', agencyCode: CAN_GIUOC.code, subject: officer(longAn('huyện Cần Giuộc'), CAN_GIUOC, 'Văn thư', 'Lê Thị Mỹ Dung'), passphrase: 'kyso-dev-can-giuoc-van-thu' },
    { ...signer, alias: 'long-an-stttt-giam-doc', role: 'personal', agencyCode: STTTT_LONG_AN.code, subject: officer(longAn('Thành phố Tân An'), STTTT_LONG_AN, 'Giám đốc', 'Trần Thị Bích Ngọc'), passphrase: 'kyso-dev-long-an-stttt-giam-doc' },
    { ...signer, alias: 'thanh-hoa-pho-chu-tich', role: 'personal', agencyCode: UBND_THANH_HOA.code, subject: officer(thanhHoa, UBND_THANH_HOA, 'Phó Chủ tịch', 'Đỗ Minh Quốc'), passphrase: 'kyso-dev-thanh-hoa-pho-chu-tich' },
    {
      ...signer,
      alias: 'revoked-signer',
      role: 'personal',
      agencyCode: CAN_GIUOC.code,
      subject: officer(longAn('huyện Cần Giuộc'), CAN_GIUOC, 'Phó Chủ tịch', 'Phạm Quang Thắng (đã thu hồi)'),
      notBeforeDays: -90,
      notAfterDays: SIGNER_DAYS - 90,
      revokedDaysAgo: 30,
      passphrase: 'kyso-dev-revoked-signer',
    },
    {
      ...signer,
      alias: 'expired-signer',
      role: 'personal',
      agencyCode: STTTT_LONG_AN.code,
      subject: officer(longAn('Thành phố Tân An'), STTTT_LONG_AN, 'Chánh Văn phòng', 'Hoàng Thị Lan (hết hạn)'),
      notBeforeDays: -395,
      notAfterDays: -30,
      passphrase: 'kyso-dev-expired-signer',
    },
    {
      ...signer,
      alias: 'dev-tsa',
      role: 'tsa',
      subject: [
        { type: 'C', value: 'VN' },
        { type: 'O', value: 'Kyso Development PKI - NOT FOR PRODUCTION' },
        { type: 'CN', value: 'Kyso Dev Time-Stamping Authority' },
      ],
      notAfterDays: CA_YEARS - 400,
      passphrase: 'kyso-dev-tsa',
    },
    {
      ...signer,
      alias: 'dev-ocsp',
      role: 'ocsp',
      subject: [
        { type: 'C', value: 'VN' },
        { type: 'O', value: 'Kyso Development PKI - NOT FOR PRODUCTION' },
        { type: 'CN', value: 'Kyso Dev Government CA OCSP Responder' },
      ],
      passphrase: 'kyso-dev-ocsp',
    },
  ],
};
