#!/usr/bin/env node
// The kyso command. TypeScript sources are loaded through tsx so that `npx kyso` works right after `npm ci`.
require('tsx/cjs');
require('../src/cli/main.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    if (typeof code === 'number') process.exitCode = code;
  });
