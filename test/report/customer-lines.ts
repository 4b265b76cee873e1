/**
 * OpenAI request/response pairs (the `{request, response}` JSONL shape) with a customer in the
 * request's metadata, or none: gpt-4o-mini, 100 prompt + 10 completion tokens each
 * ($0.000021 a request: 100 x $0.15 + 10 x $0.60 per MTok). For the tests of group keys.
 */
export function customerLines(customers: Array<string | undefined>): string {
  return customers
    .map((c, i) =>
      JSON.stringify({
        request: { metadata: c === undefined ? {} : { customer: c } },
        response: {
          id: `chatcmpl-${i}`,
          object: 'chat.completion',
          created: 1763000000 + i,
          model: 'gpt-4o-mini',
          choices: [],
          usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
        },
      }),
    )
    .join('\n');
}
