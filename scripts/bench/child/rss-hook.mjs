/** Preloaded with --import when /usr/bin/time is unavailable: reports peak RSS (KiB) at exit. */
import { appendFileSync } from 'node:fs';

const out = process.env.BENCH_RSS_FILE;
if (out) process.on('exit', () => appendFileSync(out, `${process.resourceUsage().maxRSS}\n`));
