/**
 * An example rule set (en/es/fr) a host or the demo can start from; `parseRules` accepts it as is.
 * Admins are expected to write their own per team; this one shows every condition type.
 */
import type { RuleInput } from './rule-schema.js';

export const EXAMPLE_RULES: readonly RuleInput[] = [
  {
    id: 'cancel',
    name: 'Customer mentions cancelling',
    when: { type: 'keywords', any: ['cancel', 'close my account', 'dar de baja', 'darme de baja', 'cancelar', 'résilier', 'annuler'] },
    action: 'suggest',
    suggestion: 'Customer mentions cancelling — raise a flag?',
    raise: { message: 'Customer wants to cancel', reason: 'retention' },
  },
  {
    id: 'manager',
    name: 'Customer asks for a manager',
    when: { type: 'keywords', any: ['manager', 'supervisor', 'encargado', 'responsable'] },
    action: 'suggest',
    suggestion: 'Customer asks for a manager — raise a flag?',
    raise: { message: 'Customer asks for a manager', reason: 'escalation' },
  },
  {
    id: 'legal',
    name: 'Customer mentions legal action',
    when: { type: 'keywords', any: ['lawyer', 'sue you', 'abogado', 'denunciar', 'avocat', 'porter plainte'] },
    action: 'auto-raise',
    raise: { message: 'Customer mentions legal action', reason: 'legal', severity: 'urgent' },
  },
  {
    id: 'card-number',
    name: 'Card number in the conversation',
    when: { type: 'regex', pattern: '\\b\\d{4}[- ]?\\d{4}[- ]?\\d{4}[- ]?\\d{4}\\b', from: 'any' },
    action: 'suggest',
    suggestion: 'A card number was said — raise a flag?',
    raise: { message: 'Card number shared in the conversation', reason: 'compliance' },
  },
  {
    id: 'souring',
    name: 'Customer is getting upset',
    when: { type: 'sentiment-shift', delta: 0.8 },
    action: 'suggest',
    suggestion: 'Customer is getting upset — raise a flag?',
    raise: { message: 'Customer is getting upset' },
  },
  {
    id: 'repeating',
    name: 'Customer repeats themselves',
    when: { type: 'repeated', count: 3 },
    action: 'suggest',
    suggestion: 'Customer has said the same thing three times — raise a flag?',
    raise: { message: 'Customer keeps repeating the same request' },
  },
  {
    id: 'dead-air',
    name: 'Long silence on the call',
    channels: ['voice'],
    when: { type: 'silence', overMs: 45_000 },
    action: 'suggest',
    suggestion: 'Long silence on the call — raise a flag?',
    raise: { message: 'Long silence on the call' },
  },
  {
    id: 'long-call',
    name: 'Long call',
    channels: ['voice'],
    when: { type: 'handle-time', overMs: 20 * 60_000 },
    action: 'auto-raise',
    raise: { message: 'Call over 20 minutes', severity: 'urgent' },
    cooldownMs: 0,
  },
];
