import { describe, expect, it } from 'vitest';
import { unitCosts } from '../../src/pricing/unit-economics.js';

describe('unit economics, one computation', () => {
  it('divides priced cost by priced units, with the one rounding policy', () => {
    // $0.01 = 10^13 femto over 3 priced requests = 3,333,333,333,333.33 -> ...333; per 1,000: 10^16 / 3 = ...3,333.33 -> ...333
    // conversations: $0.009 over 2 = 4.5e12; customers: $0.01 over 1; users: none (null);
    // successes: $0.007 over 2.5 expected successes = 2.8e12 (a fractional count, exactly)
    const u = unitCosts({
      cost: 10_000_000_000_000n,
      pricedRequests: 3,
      conversationCost: 9_000_000_000_000n,
      conversations: 2,
      customerCost: 10_000_000_000_000n,
      customers: 1,
      userCost: 0n,
      users: 0,
      successCost: 7_000_000_000_000n,
      successes: 2.5,
    });
    expect(u).toEqual({
      perRequest: 3_333_333_333_333n,
      per1kRequests: 3_333_333_333_333_333n,
      perConversation: 4_500_000_000_000n,
      perCustomer: 10_000_000_000_000n,
      perUser: null,
      perSuccess: 2_800_000_000_000n,
    });
  });

  it('nothing priced is null, never $0', () => {
    expect(unitCosts({ cost: null, pricedRequests: 0 })).toEqual({
      perRequest: null,
      per1kRequests: null,
      perConversation: null,
      perCustomer: null,
      perUser: null,
      perSuccess: null,
    });
  });
});
