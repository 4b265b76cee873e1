#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

// A reader that closes early (`tokenomics report ... | head`) is not an error: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`tokenomics: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 2;
  },
);
