/**
 * Provider response shapes as the providers document them (hand-written from the cited pages), read by
 * the TypeScript readers: every token bucket counted, none dropped.
 */
import { describe, expect, it } from 'vitest';
import { bedrockAdapter } from '../../../src/ingest/adapters/bedrock.js';
import { geminiAdapter } from '../../../src/ingest/adapters/gemini.js';
import { openaiAdapter } from '../../../src/ingest/adapters/openai.js';
import { run, tot, totalsByModel } from './harness.js';

const lines = (...v: unknown[]) => v.map((x) => JSON.stringify(x)).join('\n');

/**
 * Gemini's OpenAI-compatible endpoint, streamed: usage on every chunk, cumulative, thinking tokens only
 * in total_tokens (the shape of the curl output in
 * https://discuss.ai.google.dev/t/endpoint-https-generativelanguage-googleapis-com-v1beta-openai-chat-completions-is-not-compliant-with-api-specs/127400).
 */
const chunk = (model: string, n: number, total: number, finish: string | null) => ({
  choices: [{ delta: { content: 'x', role: 'assistant' }, index: 0, ...(finish ? { finish_reason: finish } : {}) }],
  created: 1772149571,
  id: 'Q9ugadePBtbA',
  model,
  object: 'chat.completion.chunk',
  usage: { completion_tokens: n, prompt_tokens: 9, total_tokens: total },
});

describe('Gemini through the OpenAI-compatible endpoint', () => {
  it('keeps the last of cumulative chunks and counts the thinking tokens hidden in total_tokens as output', () => {
    const r = run(openaiAdapter, [
      {
        name: 'g.jsonl',
        text: lines(
          chunk('gemini-3-flash-preview', 1, 103, null),
          chunk('gemini-3-flash-preview', 3, 105, null),
          chunk('gemini-3-flash-preview', 7, 109, 'length'),
        ),
      },
    ]);
    // last chunk: prompt 9, completion 7, total 109 -> thoughts 109 - 9 - 7 = 93; output 7 + 93 = 100
    expect(totalsByModel(r.records)).toEqual({ 'gemini-3-flash-preview': tot({ records: 1, input: 9, output: 100, reasoning: 93 }) });
    expect(r.skips).toEqual({ duplicate: 2 });
  });

  it('reads a reasoning_tokens equal to the hidden part as outside completion_tokens', () => {
    const body = {
      id: 'g2',
      object: 'chat.completion',
      created: 1756684800,
      model: 'gemini-2.5-flash',
      choices: [],
      usage: { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1600, completion_tokens_details: { reasoning_tokens: 500 } },
    };
    const r = run(openaiAdapter, [{ name: 'g2.jsonl', text: lines(body) }]);
    // 1600 - 1000 - 100 = 500 = reasoning_tokens -> output 100 + 500 = 600 (was: rejected, reasoning 500 > output 100)
    expect(r.rejects).toEqual([]);
    expect(totalsByModel(r.records)).toEqual({ 'gemini-2.5-flash': tot({ records: 1, input: 1000, output: 600, reasoning: 500 }) });
  });

  it('leaves OpenAI models as OpenAI documents them (total = prompt + completion, reasoning inside)', () => {
    const body = {
      id: 'o1',
      object: 'chat.completion',
      created: 1756684800,
      model: 'o3-mini-2025-01-31',
      choices: [],
      usage: { prompt_tokens: 500, completion_tokens: 900, total_tokens: 1400, completion_tokens_details: { reasoning_tokens: 640 } },
    };
    const r = run(openaiAdapter, [{ name: 'o.jsonl', text: lines(body) }]);
    expect(totalsByModel(r.records)).toEqual({ 'o3-mini-2025-01-31': tot({ records: 1, input: 500, output: 900, reasoning: 640 }) });
  });

  it('keeps the largest of cumulative chunks of any model; an OpenAI usage chunk (choices []) is final', () => {
    const r = run(openaiAdapter, [
      {
        name: 'v.jsonl',
        text: lines(chunk('gpt-4o-mini', 1, 10, null), chunk('gpt-4o-mini', 3, 12, 'stop'), {
          id: 'u1',
          object: 'chat.completion.chunk',
          created: 1772149571,
          model: 'gpt-4o-mini',
          choices: [],
          usage: { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 },
        }),
      },
    ]);
    // stream Q9: the final chunk, prompt 9 + completion 3; stream u1: 20 + 5
    expect(totalsByModel(r.records)).toEqual({ 'gpt-4o-mini': tot({ records: 2, input: 9 + 20, output: 3 + 5 }) });
    expect(r.skips).toEqual({ duplicate: 1 });
  });
});

/**
 * Bedrock batch inference output (`<input>.jsonl.out`): `{recordId, modelInput, modelOutput}` with the
 * InvokeModel (or Converse) response body, an `error` object in its place when inference failed
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-results.html); input lines
 * `{recordId, modelInput}` (https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-data.html).
 */
describe('Bedrock batch inference files', () => {
  const claude = {
    recordId: 'CALL0000001',
    modelInput: {
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 100,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    },
    modelOutput: {
      id: 'msg_bdrk_01',
      type: 'message',
      role: 'assistant',
      model: 'claude-3-haiku-20240307',
      content: [{ type: 'text', text: 'Hello' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 1000, cache_read_input_tokens: 300, output_tokens: 200 },
    },
  };
  const titan = {
    recordId: '3223593EFGH',
    modelInput: { inputText: 'Roses are red, violets are' },
    modelOutput: { inputTextTokenCount: 8, results: [{ tokenCount: 3, outputText: 'blue\n', completionReason: 'FINISH' }] },
  };
  const nova = {
    recordId: 'NOVA0000001',
    modelInput: { messages: [{ role: 'user', content: [{ text: 'hi' }] }] },
    modelOutput: {
      output: { message: { role: 'assistant', content: [{ text: 'x' }] } },
      stopReason: 'end_turn',
      usage: { inputTokens: 100, outputTokens: 20, totalTokens: 170, cacheReadInputTokenCount: 50 },
    },
  };
  const failed = {
    recordId: '1223213ABCD',
    modelInput: { inputText: 'Hello world' },
    error: { errorCode: 400, errorMessage: 'bad request' },
  };
  const input = { recordId: 'CALL0000002', modelInput: { inputText: 'Hello' } };
  const r = run(bedrockAdapter, [{ name: 'out.jsonl.out', text: lines(claude, titan, nova, failed, input) }]);

  it('counts every output line at batch rates; a failed line and an input line skip', () => {
    expect(totalsByModel(r.records)).toEqual({
      // the Anthropic body names its model; input excludes the 300 cache reads
      'claude-3-haiku-20240307': tot({ records: 1, input: 1000, cacheRead: 300, output: 200 }),
      // Titan 8 + 3, Nova 100 (+ 50 cache reads: 100 + 20 + 50 = 170 total) + 20; the line names no model
      '(no model)': tot({ records: 2, input: 8 + 100, cacheRead: 50, output: 3 + 20 }),
    });
    expect(r.skips).toEqual({ 'failed-request': 1, 'batch-input-line': 1 });
    expect(r.rejects).toEqual([]);
    expect(r.records.map((x) => [x.serviceTier, x.tags.custom_id, x.provider])).toEqual([
      ['batch', 'CALL0000001', 'bedrock'],
      ['batch', '3223593EFGH', 'bedrock'],
      ['batch', 'NOVA0000001', 'bedrock'],
    ]);
  });

  it('warns once a file at the first output line without a model, with how to name it; its route is left unknown', () => {
    // lines: 1 claude (names its model), 2 titan and 3 nova (no model), 4 failed, 5 input: 2 lines, first at line 2.
    // Before: no warning of the file's (only the run's "records without a model id", no file:line), and the
    // records were flagged regional (in-region uplift) from the placeholder id "(no model)".
    expect(r.warnings).toEqual([
      {
        code: 'batch-output-without-model',
        message:
          '2 Bedrock batch output lines name no model (the batch job names it, not its output files): counted under "(no model)", unpriced',
        hint: expect.stringContaining('aws bedrock get-model-invocation-job --job-identifier JOB_ARN --query modelId'),
        file: 'out.jsonl.out',
        line: 2,
      },
    ]);
    expect(r.records.filter((x) => x.model === '(no model)').map((x) => x.regional)).toEqual([undefined, undefined]);
    // a Llama body (prompt_token_count / generation_token_count) the same: 500 in, 100 out, warned at line 1
    const llama = {
      recordId: 'LLAMA000001',
      modelInput: { prompt: 'hi' },
      modelOutput: { generation: 'x', prompt_token_count: 500, generation_token_count: 100 },
    };
    const l = run(bedrockAdapter, [{ name: 'llama.jsonl.out', text: lines(llama) }]);
    expect(totalsByModel(l.records)).toEqual({ '(no model)': tot({ records: 1, input: 500, output: 100 }) });
    expect(l.warnings.map((w) => [w.file, w.line, w.message.slice(0, 47)])).toEqual([
      ['llama.jsonl.out', 1, '1 Bedrock batch output line names no model (the'],
    ]);
  });

  it('is detected as Bedrock', () => {
    for (const v of [claude, titan, nova, failed]) expect(bedrockAdapter.detect(v)).toBeGreaterThanOrEqual(90);
  });

  it('rejects a bad count at its modelOutput path', () => {
    const bad = { ...nova, modelOutput: { ...nova.modelOutput, usage: { inputTokens: -1, outputTokens: 2 } } };
    const b = run(bedrockAdapter, [{ name: 'bad.jsonl.out', text: lines(bad) }]);
    expect(b.rejects.map((x) => x.path)).toEqual(['modelOutput.usage.inputTokens']);
  });
});

/**
 * Gemini usageMetadata with every count (https://ai.google.dev/api/generate-content#UsageMetadata): audio input
 * (promptTokensDetails modality AUDIO) is counted in the input buckets and the file warns that it is priced as text.
 */
describe('Gemini usageMetadata, every count', () => {
  const usage = {
    promptTokenCount: 10000,
    candidatesTokenCount: 1000,
    totalTokenCount: 13700,
    cachedContentTokenCount: 4000,
    thoughtsTokenCount: 2000,
    toolUsePromptTokenCount: 700,
    promptTokensDetails: [
      { modality: 'TEXT', tokenCount: 9000 },
      { modality: 'AUDIO', tokenCount: 1000 },
    ],
    cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 4000 }],
    trafficType: 'ON_DEMAND',
  };
  const body = (id: string, finish: boolean) => ({
    candidates: [{ content: { role: 'model', parts: [{ text: 'x' }] }, ...(finish ? { finishReason: 'STOP' } : {}) }],
    usageMetadata: usage,
    modelVersion: 'gemini-2.5-flash',
    responseId: id,
  });

  it('counts every bucket and warns once a response about audio priced as text', () => {
    const r = run(geminiAdapter, [{ name: 'g.jsonl', text: lines(body('a', false), body('a', true), body('b', true)) }]);
    // per response: input 10000 - 4000 cached + 700 tool-use prompt = 6700; output 1000 + 2000 thoughts = 3000
    expect(totalsByModel(r.records)).toEqual({
      'gemini-2.5-flash': tot({ records: 2, input: 2 * 6700, cacheRead: 2 * 4000, output: 2 * 3000, reasoning: 2 * 2000 }),
    });
    // stream a (two chunks, one final) and b: 2 responses, 2 x 1000 audio tokens
    expect(r.warnings.map((w) => [w.code, w.message.slice(0, 40)])).toEqual([
      ['audio-priced-as-text', '2 responses carried audio input (2000 to'],
    ]);
  });

  it('says nothing when no response has audio', () => {
    const text = { ...body('c', true), usageMetadata: { ...usage, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 10000 }] } };
    expect(run(geminiAdapter, [{ name: 't.jsonl', text: lines(text) }]).warnings).toEqual([]);
  });
});

describe('Vertex AI Provisioned Throughput', () => {
  // TrafficType PROVISIONED_THROUGHPUT: https://docs.cloud.google.com/ruby/docs/reference/google-cloud-ai_platform-v1/latest/Google-Cloud-AIPlatform-V1-UsageMetadata-TrafficType
  const body = (id: string, traffic: string, finish: boolean) => ({
    candidates: [{ content: { role: 'model', parts: [{ text: 'x' }] }, ...(finish ? { finishReason: 'STOP' } : {}) }],
    usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 10, totalTokenCount: 110, trafficType: traffic },
    modelVersion: 'gemini-2.5-flash',
    responseId: id,
  });

  it('counts the tokens, tags them, and warns once a response that they are priced at pay-as-you-go rates', () => {
    const r = run(geminiAdapter, [
      {
        name: 'pt.jsonl',
        text: lines(
          body('p1', 'PROVISIONED_THROUGHPUT', false),
          body('p1', 'PROVISIONED_THROUGHPUT', true),
          body('p2', 'PROVISIONED_THROUGHPUT', true),
          body('o1', 'ON_DEMAND', true),
        ),
      },
    ]);
    // three responses (p1 streamed in two chunks): 3 x 100 input, 3 x 10 output
    expect(totalsByModel(r.records)).toEqual({ 'gemini-2.5-flash': tot({ records: 3, input: 300, output: 30 }) });
    expect(r.records.map((x) => x.tags.traffic_type)).toEqual(['PROVISIONED_THROUGHPUT', 'PROVISIONED_THROUGHPUT', undefined]);
    // p1 and p2
    expect(r.warnings.map((w) => [w.code, w.message.slice(0, 12)])).toEqual([['provisioned-throughput', '2 responses ']]);
  });
});

describe('a stream chunk and a complete body of the same id', () => {
  const usage = { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 };
  const chunk = { id: 'c1', object: 'chat.completion.chunk', created: 1772149571, model: 'gpt-4o-mini', choices: [], usage };
  const full = { id: 'c1', object: 'chat.completion', created: 1772149571, model: 'gpt-4o-mini', choices: [], usage };

  it.each([
    ['chunk first', [chunk, full]],
    ['complete body first', [full, chunk]],
  ])('count once (%s)', (_, values) => {
    const r = run(openaiAdapter, [{ name: 'c.jsonl', text: lines(...values) }]);
    // one request: 20 input, 5 output
    expect(totalsByModel(r.records)).toEqual({ 'gpt-4o-mini': tot({ records: 1, input: 20, output: 5 }) });
    expect(r.skips).toEqual({ duplicate: 1 });
  });
});
