/**
 * A Claude Code transcript tree for the ccusage comparison (issue 14), generated deterministically
 * into the bench data folder (never committed): `<root>/projects/<project>/<session>.jsonl`, shaped
 * as Claude Code writes them (docs/log-formats.md, "Claude Code"):
 *  - a user prompt, then turns of assistant lines and user tool results; every line carries
 *    sessionId, uuid/parentUuid, cwd, version, gitBranch and an ISO timestamp;
 *  - one assistant API response is written as one line per content block (thinking, text,
 *    tool_use) with the same message.id and requestId; the earlier copies show a partial
 *    output_tokens, the last one the final count (readers keep the largest copy);
 *  - usage with cache reads and writes split 5m / 1h, the occasional web search, a few
 *    `<synthetic>` placeholders, and tool results of a few KB (most of the bytes, as in real trees).
 * About 490 sessions and 250 MB by default (`sessions`, `targetMb`).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 as rng } from '../../dist/whatif/dist.js';

const MODELS = ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5-20250929', 'claude-opus-4-1-20250805', 'claude-haiku-4-5-20251001'];
const WORDS =
  'the test suite fails because the fixture path is resolved against the wrong working directory so we read it from the module url instead and run again'.split(
    ' ',
  );

function prose(rand, words) {
  const out = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]);
  return out.join(' ');
}

/** The lines of one session, as a string. */
function session(s, rand, linesWanted) {
  const sessionId = `0000${s.toString(16)}-5e55-4a1b-9c2d-${String(s).padStart(12, '0')}`;
  const base = {
    isSidechain: false,
    userType: 'external',
    cwd: `/home/dev/project-${s % 23}`,
    sessionId,
    version: '2.0.14',
    gitBranch: 'main',
  };
  let t = Date.UTC(2026, 7, 1) + s * 3_600_000 * 3;
  let parent = null;
  let n = 0;
  const out = [];
  const push = (o) => {
    const uuid = `${sessionId.slice(0, 8)}-u${n++}`;
    t += 500 + Math.floor(rand() * 20_000);
    out.push(JSON.stringify({ parentUuid: parent, ...base, ...o, uuid, timestamp: new Date(t).toISOString() }));
    parent = uuid;
  };
  push({ type: 'user', message: { role: 'user', content: prose(rand, 20 + Math.floor(rand() * 40)) } });
  let cache = 8_000 + Math.floor(rand() * 20_000);
  for (let turn = 0; out.length < linesWanted; turn++) {
    const model = rand() < 0.01 ? '<synthetic>' : MODELS[Math.floor(rand() * MODELS.length)];
    const id = `msg_${s}_${turn}`;
    const requestId = `req_${s}_${turn}`;
    const write = Math.floor(rand() * 3000);
    const oneHour = rand() < 0.3;
    const final = 20 + Math.floor(rand() * 1500);
    const usage = (output) => {
      const u = {
        input_tokens: 1 + Math.floor(rand() * 20),
        cache_creation_input_tokens: write,
        cache_read_input_tokens: cache,
        cache_creation: { ephemeral_5m_input_tokens: oneHour ? 0 : write, ephemeral_1h_input_tokens: oneHour ? write : 0 },
        output_tokens: output,
        service_tier: 'standard',
      };
      if (turn % 40 === 17) u.server_tool_use = { web_search_requests: 1, web_fetch_requests: 0 };
      return u;
    };
    const blocks = [
      { type: 'thinking', thinking: prose(rand, 30), signature: 'sig' },
      { type: 'text', text: prose(rand, 25) },
      { type: 'tool_use', id: `toolu_${s}_${turn}`, name: 'Bash', input: { command: 'npm test', description: 'run the tests' } },
    ].slice(Math.floor(rand() * 2));
    const u0 = usage(1);
    // a <synthetic> placeholder (Claude Code writes one when no API call was made) carries zero usage
    const synthetic = model === '<synthetic>';
    if (synthetic) {
      for (const k of Object.keys(u0)) if (typeof u0[k] === 'number') u0[k] = 0;
      u0.cache_creation = { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 };
    }
    blocks.forEach((block, i) => {
      const output = synthetic ? 0 : i === blocks.length - 1 ? final : Math.min(final, 1 + i * 10);
      const message = { model, id, type: 'message', role: 'assistant', content: [block], stop_reason: null, stop_sequence: null };
      message.usage = { ...u0, output_tokens: output };
      push({ message, requestId, type: 'assistant' });
    });
    if (!synthetic) cache += write;
    const result = prose(rand, 300 + Math.floor(rand() * 1200));
    push({
      type: 'user',
      message: { role: 'user', content: [{ tool_use_id: `toolu_${s}_${turn}`, type: 'tool_result', content: result, is_error: false }] },
      toolUseResult: { stdout: result.slice(0, 2000), stderr: '', interrupted: false },
    });
  }
  return `${out.join('\n')}\n`;
}

/** The tree at `root` (kept when its stamp says it is complete); returns its `projects` folder. */
export function claudeTree(root, { sessions = 490, targetMb = 250, seed = 20261001 } = {}) {
  const stamp = join(root, 'complete');
  const want = `v2 ${sessions} ${targetMb} ${seed}`;
  const projects = join(root, 'projects');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return projects;
  rmSync(root, { recursive: true, force: true });
  const rand = rng(seed);
  // lines per session: ~targetMb spread over the sessions (a line averages ~2.7 KB)
  const linesPer = Math.max(6, Math.round((targetMb * 1e6) / sessions / 2700));
  const tmp = `${root}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  for (let s = 0; s < sessions; s++) {
    const dir = join(tmp, 'projects', `-home-dev-project-${s % 23}`);
    mkdirSync(dir, { recursive: true });
    const lines = Math.max(4, Math.round(linesPer * (0.3 + rand() * 1.4)));
    writeFileSync(join(dir, `session-${String(s).padStart(4, '0')}.jsonl`), session(s, rand, lines));
  }
  writeFileSync(join(tmp, 'complete'), want);
  renameSync(tmp, root);
  return projects;
}
