#!/usr/bin/env node
// the bundled CLI (scripts/bundle.mjs): a command's start-up opens a few files, not hundreds. This
// file and the bundle's entry are CommonJS (bin/package.json): no start through the ES module loader.
'use strict';
const { main, errorDetail, removeTemporaries } = require('../dist/bundle/main.js');

// Stack traces are for developers: shown only with -v/--verbose or TOKENOMICS_DEBUG set.
const debug = !!process.env.TOKENOMICS_DEBUG || process.argv.includes('-v') || process.argv.includes('--verbose');

function fail(what, err) {
  // the message inert (it may quote a file or model name: no newline or escape sequence from it reaches the log)
  const detail = errorDetail(err, debug);
  try {
    process.stderr.write(`tokenomics: ${what}: ${detail}\n`);
  } catch {
    // stderr is gone too: the exit code is all that is left
  }
  process.exit(2);
}

// A reader that closes early (`tokenomics report ... | head`) is not an error: stop quietly.
// Any other failure to write the output (a full disk: `> /dev/full`) is an error, exit 2, never 1 (a failed gate).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    if (stream === process.stderr) process.exit(2);
    const why = err && err.code === 'ENOSPC' ? 'no space left on device' : err?.code ? err.code : String(err);
    fail('error', { message: `cannot write the output to stdout: ${why}`, stack: err?.stack });
  });
}
// Interrupted (Ctrl-C, kill, a closed terminal): no `finally` runs, so the run's temporary files and
// directories (DuckDB's spill directory, export's file before its rename) are removed here; then the
// signal is raised again, the handler gone, so the process ends as killed by it (exit status 128 + n).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    try {
      removeTemporaries();
    } finally {
      process.kill(process.pid, signal);
    }
  });
}
process.on('uncaughtException', (err) => fail('internal error', err));
process.on('unhandledRejection', (err) => fail('internal error', err));

main(process.argv, undefined, { exitsAfter: true }).then(
  (code) => {
    process.exitCode = code;
    // once a write error had its turn (its handler above exits 2), and when all output is handed to
    // the system: exit now, the engine's memory and the heap left to the exit instead of freed piece
    // by piece (else the process ends when the streams have drained)
    setImmediate(() => {
      const done = (s) => s.writableLength === 0 && !s.errored;
      if (done(process.stdout) && done(process.stderr)) process.exit(code);
    });
  },
  (err) => fail('internal error', err),
);
