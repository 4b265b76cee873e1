/**
 * Worker-thread entry for countTokensParallel (parallel.ts). Receives chunks
 * of texts, replies with their token counts. Loaded as the compiled
 * `worker.js` next to `parallel.js`.
 */
import { parentPort } from 'node:worker_threads';
import { getEncoder } from './encoder.js';
import type { EncodingName } from './encodings.js';

interface WorkRequest {
  id: number;
  encoding: EncodingName;
  texts: string[];
  /** Reply with token ids (one Uint32Array per text, transferred) instead of counts. */
  ids?: boolean;
}

export type WorkReply = { id: number; counts: number[] } | { id: number; ids: Uint32Array[] } | { id: number; error: string };

const port = parentPort;
if (port !== null) {
  port.on('message', (req: WorkRequest) => {
    let reply: WorkReply;
    let transfer: ArrayBuffer[] = [];
    try {
      const enc = getEncoder(req.encoding);
      if (req.ids) {
        const ids = req.texts.map((t) => Uint32Array.from(enc.encode(t)));
        transfer = ids.map((a) => a.buffer as ArrayBuffer);
        reply = { id: req.id, ids };
      } else reply = { id: req.id, counts: req.texts.map((t) => enc.count(t)) };
    } catch (err) {
      reply = { id: req.id, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(reply, transfer);
  });
}
