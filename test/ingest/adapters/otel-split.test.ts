import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/harness.js';

/**
 * A large OTel JSONL file whose wrapper spans (a framework span over the provider span) and their
 * children sit on different lines: read in two halves, it must give exactly what one pass gives
 * (the wrapper rule's buffered records keep the halves from joining inexactly).
 */
const kv = (key: string, v: string | number) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } });
const span = (id: string, parent: string | undefined, name: string, i: number) => ({
  traceId: `${i.toString(16).padStart(32, '0')}`,
  spanId: id,
  ...(parent ? { parentSpanId: parent } : {}),
  name,
  kind: 3,
  startTimeUnixNano: String(1790000000000000000n + BigInt(i) * 1000000000n),
  status: { code: 1 },
  attributes: [
    kv('llm.request.type', 'chat'),
    kv('gen_ai.system', 'openai'),
    kv('gen_ai.request.model', 'gpt-4.1'),
    kv('gen_ai.response.model', 'gpt-4.1-2025-04-14'),
    kv('gen_ai.usage.prompt_tokens', 1000 + (i % 7)),
    kv('gen_ai.usage.completion_tokens', 50),
    kv('gen_ai.usage.cache_read_input_tokens', 512),
    kv('padding.note', 'x'.repeat(600)),
  ],
});
const line = (spans: object[]) =>
  JSON.stringify({
    resourceSpans: [{ resource: { attributes: [kv('service.name', 'svc')] }, scopeSpans: [{ scope: { name: 's' }, spans }] }],
  });

describe('otel file read in two halves', () => {
  it('prints exactly what one pass prints, each call counted once', async () => {
    const lines: string[] = [];
    const n = 1400; // ~2.6 MB: above the size a split needs
    for (let i = 0; i < n; i++) {
      const parent = `p${i.toString(16).padStart(15, '0')}`;
      const child = `c${i.toString(16).padStart(15, '0')}`;
      // the child is exported first (it ends first), the wrapper on the next line
      lines.push(line([span(child, parent, 'openai.chat', i)]));
      lines.push(line([span(parent, undefined, 'ChatOpenAI.chat', i)]));
    }
    const file = join(mkdtempSync(join(tmpdir(), 'tokenomics-otel-split-')), 'spans.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    const args = ['report', file, '--format', 'json', '-v'];
    const split = await runCli(args, { env: { TOKENOMICS_SPLIT_MIN_BYTES: '0', TOKENOMICS_THREADS: '2' } });
    const onePass = await runCli(args, { env: { TOKENOMICS_THREADS: '1' } });
    expect(split.code).toBe(0);
    expect(split.stderr).toMatch(/worker thread/); // the split was tried
    expect(split.stdout).toBe(onePass.stdout);
    const out = JSON.parse(onePass.stdout);
    expect(out.inputs.counted).toBe(n);
    expect(out.inputs.skipped).toEqual({ 'aggregate-span': n });
  }, 120_000);
});
