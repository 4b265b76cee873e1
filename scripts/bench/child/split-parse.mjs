/**
 * Baseline: stream the file in 1 MiB chunks, split into lines, JSON.parse each line, nothing else.
 * The floor any JSONL reader pays. Prints {lines, bytes}.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const file = process.argv[2];
const dec = new StringDecoder('utf8');
let carry = '';
let lines = 0;
let bytes = 0;
let sink = 0;
for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
  bytes += chunk.length;
  const text = carry + dec.write(chunk);
  let start = 0;
  let nl = text.indexOf('\n');
  while (nl !== -1) {
    if (nl > start) {
      const v = JSON.parse(text.slice(start, nl));
      if (v !== null && typeof v === 'object') sink++;
      lines++;
    }
    start = nl + 1;
    nl = text.indexOf('\n', start);
  }
  carry = text.slice(start);
}
if (carry.trim()) {
  JSON.parse(carry);
  lines++;
}
process.stdout.write(JSON.stringify({ lines, bytes, objects: sink }) + '\n');
