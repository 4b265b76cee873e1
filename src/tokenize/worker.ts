/**
 * Worker-thread entry for countTokensParallel (parallel.ts). Receives chunks
 * of texts, replies with their token counts. Loaded as the compiled
 * `worker.js` next to `parallel.js`.
 */
import { parentPort } from 'node:worker_threads';
import { getEncoder } from './encoder.js';
import type { EncodingName } from './encodings.js';

export interface WorkRequest {
  id: number;
  encoding: EncodingName;
  texts: string[];
}

export type WorkReply = { id: number; counts: number[] } | { id: number; error: string };

const port = parentPort;
if (port !== null) {
  port.on('message', (req: WorkRequest) => {
    let reply: WorkReply;
    try {
      const enc = getEncoder(req.encoding);
      reply = { id: req.id, counts: req.texts.map((t) => enc.count(t)) };
    } catch (err) {
      reply = { id: req.id, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(reply);
  });
}
