import { planFull } from './full.js';
import type { DhcpPolicy, DhcpRequest, DhcpState, ReplyPlan } from './policy.js';
import { planProxy } from './proxy.js';

/** Decides the answer to one request in the policy's mode; null means stay silent. Pure: no sockets, no clock. */
export function planReply(request: DhcpRequest, state: DhcpState, policy: DhcpPolicy): ReplyPlan | null {
  return policy.mode === 'full' ? planFull(request, state, policy) : planProxy(request, policy);
}
