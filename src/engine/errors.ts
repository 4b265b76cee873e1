/** Engine failures: exit code 2 with a message and a hint, never a stack trace. */
import { UserError } from '../core/issues.js';

export class EngineError extends UserError {
  constructor(message: string, hint?: string) {
    super(`engine: ${message}`, hint);
  }
}
