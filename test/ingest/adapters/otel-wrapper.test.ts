import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/harness.js';

/**
 * A large OTel JSONL file whose wrapper spans (a framework span over the provider span) and their
 * children sit on different lines: each call is counted once, each wrapper skipped.
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

describe('otel wrapper spans on the line after their child', () => {
  it('counts each call once', async () => {
    const lines: string[] = [];
    const n = 1400; // ~2.6 MB
    for (let i = 0; i < n; i++) {
      const parent = `p${i.toString(16).padStart(15, '0')}`;
      const child = `c${i.toString(16).padStart(15, '0')}`;
      // the child is exported first (it ends first), the wrapper on the next line
      lines.push(line([span(child, parent, 'openai.chat', i)]));
      lines.push(line([span(parent, undefined, 'ChatOpenAI.chat', i)]));
    }
    const file = join(mkdtempSync(join(tmpdir(), 'tokenomics-otel-wrap-')), 'spans.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    const args = ['report', file, '--format', 'json', '-v'];
    const onePass = await runCli(args);
    expect(onePass.code).toBe(0);
    const out = JSON.parse(onePass.stdout);
    expect(out.inputs.counted).toBe(n);
    expect(out.inputs.skipped).toEqual({ 'aggregate-span': n });
  }, 120_000);
});
