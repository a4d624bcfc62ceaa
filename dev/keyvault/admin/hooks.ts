import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorHooks, VaultObjectEvent, VaultRequestInfo } from '../contracts.ts';
import { azureErrorBody, sendAzureError } from './azure-errors.ts';
import type { EmulatorClock } from '../contracts.ts';
import type { RequestCounters } from './counters.ts';
import type { FaultDecision, FaultRegistry } from './faults.ts';
import type { Throttler } from './throttling.ts';

/** The parts the hooks drive. */
export interface HookParts {
  clock: EmulatorClock;
  faults: FaultRegistry;
  throttler: Throttler;
  counters: RequestCounters;
  onObjectEvent(event: VaultObjectEvent): void;
}

/** Status recorded for a connection reset without an answer. */
export const RESET_STATUS = 0;

/**
 * Builds the server hooks. Requests the hooks answer themselves are counted here; a later
 * `afterResponse` with the same info object is then ignored, so the server may call it for
 * every request or only for those it served.
 */
export function createHooks(parts: HookParts): EmulatorHooks {
  const answered = new WeakSet<VaultRequestInfo>();
  const answer = (info: VaultRequestInfo, status: number): true => {
    answered.add(info);
    parts.counters.record(info.vault, info.operation, status);
    return true;
  };
  return {
    async beforeRequest(info, response) {
      const decision = parts.faults.decide(info);
      if (decision.delayMs > 0) await sleep(decision.delayMs);
      if (response.destroyed) return answer(info, RESET_STATUS);
      if (decision.action) return answer(info, applyFault(decision.action, info, response));
      if (!parts.throttler.enabled) return false;
      const throttle = parts.throttler.check(info, parts.clock.now().getTime());
      if (!throttle.throttled) return false;
      const retryAfter = parts.throttler.settings().retryAfter ? throttle.retryAfterSeconds : undefined;
      sendAzureError(response, 429, azureErrorBody(429), retryAfter);
      return answer(info, 429);
    },
    afterResponse(info, status) {
      if (!answered.has(info)) parts.counters.record(info.vault, info.operation, status);
    },
    onObjectEvent(event) {
      parts.onObjectEvent(event);
    },
  };
}

/** Carries out a status or reset fault; returns the status to count. */
function applyFault(
  action: NonNullable<FaultDecision['action']>,
  info: VaultRequestInfo,
  response: ServerResponse,
): number {
  if (action.kind === 'reset') {
    resetConnection(response);
    return RESET_STATUS;
  }
  const body = azureErrorBody(action.status, {
    vault: info.vault,
    ...(action.code !== undefined ? { code: action.code } : {}),
    ...(action.message !== undefined ? { message: action.message } : {}),
    ...(action.innerCode !== undefined ? { innerCode: action.innerCode } : {}),
  });
  sendAzureError(response, action.status, body, action.retryAfterSeconds);
  return action.status;
}

/** Drops the connection: a TCP RST where the socket allows it (plain TCP), else a plain destroy. */
function resetConnection(response: ServerResponse): void {
  const socket = response.socket;
  if (!socket) {
    response.destroy();
    return;
  }
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}
