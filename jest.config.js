/** Jest: TypeScript through ts-jest in transpile-only mode (type checking is `npm run typecheck`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
    // PGlite's CJS build uses import("fs/promises"); see the transform's comment.
    '@electric-sql/pglite/dist/.+\\.cjs$': '<rootDir>/test/helpers/cjs-dynamic-import-transform.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/)'],
  testTimeout: 60000,
  maxWorkers: 2,
};
