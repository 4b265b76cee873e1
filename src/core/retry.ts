/**
 * The one meaning of `retryRate`, everywhere (simulate's route lever, whatif features, estimate):
 * the share of attempts that fail and are sent again, each attempt failing independently. A request
 * therefore takes 1 / (1 - retryRate) attempts on average (geometric series 1 + r + r^2 + ...), and
 * each attempt is billed what the provider bills for it. retryRate 0.5 means two attempts per request,
 * not one and a half.
 */

/** Highest retryRate accepted: 0.99 already means 100 attempts per request. */
export const MAX_RETRY_RATE = 0.99;

/** Expected attempts per request for a retry rate in [0, MAX_RETRY_RATE]. */
export function attemptsPerRequest(retryRate: number): number {
  if (!(retryRate >= 0 && retryRate <= MAX_RETRY_RATE))
    throw new RangeError(`retryRate must be in [0, ${MAX_RETRY_RATE}] (got ${retryRate})`);
  return 1 / (1 - retryRate);
}
