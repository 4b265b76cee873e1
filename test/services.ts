/** The engines test/services.setup.ts brought up; a loud skip only under TOKENOMICS_SKIP_SERVICES=1. */
import { inject } from 'vitest';

export function service(key: 'TOKENOMICS_TEST_PG_URL' | 'TOKENOMICS_TEST_CHDB'): string | undefined {
  const value = inject('services')[key];
  if (value === undefined) {
    if (process.env.TOKENOMICS_SKIP_SERVICES !== '1') throw new Error(`test service ${key} is not up (see scripts/test-services.sh)`);
    console.warn(`\n*** SKIPPED: ${key} tests (TOKENOMICS_SKIP_SERVICES=1): the real-engine tests did not run ***\n`);
  }
  return value;
}
