#!/usr/bin/env node
// The kyso command. TypeScript sources are loaded through tsx so that `npx kyso` works right after `npm ci`.
// Signatures (crypto.sign callback) and the file store's fsyncs share libuv's thread pool; its
// default of 4 threads makes fsyncs queue behind signatures under load. Must be set before any
// asynchronous work starts; an operator's own value wins.
process.env.UV_THREADPOOL_SIZE = process.env.UV_THREADPOOL_SIZE || '16';
require('tsx/cjs');
require('../src/cli/main.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    if (typeof code === 'number') process.exitCode = code;
  });
