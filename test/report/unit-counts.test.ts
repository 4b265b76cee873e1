/**
 * Cost per conversation, customer and user divides the priced cost by the units that have a priced
 * request (src/pricing/unit-economics.ts): a unit whose requests are all of an unknown model adds
 * neither cost nor a unit, as `simulate` counts them. The report counted every distinct unit, so a
 * customer on an unpriced fine-tune halved everyone's cost per customer.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';

const MAP = ['--map', 'timestamp=ts,model=model,prompt=tin,output=tout,customer=cust,user=usr,conversation=conv'];

describe('unit economics with units that only have unpriced requests', () => {
  it('counts the conversations, customers and users with a priced request', async () => {
    // gpt-4o-mini input $0.15/MTok: 1,000,000 tokens = $0.15 (c1, u1, k1); 2,000,000 = $0.30 (c1, u2, k2);
    // c2 / u3 / k3 only on an unknown model: unpriced. Priced $0.45 over 1 customer ($0.45), 2 users and
    // 2 conversations ($0.225 each); counting every unit gave 2 customers ($0.225), 3 users and 3 conversations ($0.15)
    const stdin = [
      'ts,model,tin,tout,cust,usr,conv',
      '2026-10-01T10:00:00Z,gpt-4o-mini,1000000,0,c1,u1,k1',
      '2026-10-01T11:00:00Z,gpt-4o-mini,2000000,0,c1,u2,k2',
      '2026-10-01T12:00:00Z,unknown-model-x,1000,0,c2,u3,k3',
    ].join('\n');
    const r = await runCli(['report', '-', ...MAP, '--format', 'json'], { stdin });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).unitEconomics).toMatchObject({
      conversations: 2,
      costPerConversationUsd: 0.225,
      customers: 1,
      costPerCustomerUsd: 0.45,
      users: 2,
      costPerUserUsd: 0.225,
    });
  });

  it('every request priced: the counts of every unit (the turns pass counts the conversations)', async () => {
    // 1,000,000 + 2,000,000 + 3,000,000 gpt-4o-mini input = $0.90 over 2 customers, 3 users, 3 conversations
    const stdin = [
      'ts,model,tin,tout,cust,usr,conv',
      '2026-10-01T10:00:00Z,gpt-4o-mini,1000000,0,c1,u1,k1',
      '2026-10-01T11:00:00Z,gpt-4o-mini,2000000,0,c1,u2,k2',
      '2026-10-01T12:00:00Z,gpt-4o-mini,3000000,0,c2,u3,k3',
    ].join('\n');
    const r = await runCli(['report', '-', ...MAP, '--format', 'json'], { stdin });
    expect(JSON.parse(r.stdout).unitEconomics).toMatchObject({
      conversations: 3,
      costPerConversationUsd: 0.3,
      customers: 2,
      costPerCustomerUsd: 0.45,
      users: 3,
      costPerUserUsd: 0.3,
    });
  });
});
