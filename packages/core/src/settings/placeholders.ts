import type { Flag } from '../model.js';

/** The placeholders a canned reply may hold, filled from the flag it is sent on. */
export const PLACEHOLDERS = ['agent', 'customer', 'supervisor'] as const;

/**
 * A canned reply's text with `{agent}`, `{customer}` and `{supervisor}` replaced: the flag's
 * agent, its customer label and the supervisor inserting it. A placeholder with no value (no
 * customer label) is left as written, so the sender sees what to fill in; other braces are text.
 */
export function fillPlaceholders(text: string, flag: Pick<Flag, 'agent' | 'customerLabel'>, supervisor: { name: string }): string {
  const values: Record<(typeof PLACEHOLDERS)[number], string> = {
    agent: flag.agent.name,
    customer: flag.customerLabel,
    supervisor: supervisor.name,
  };
  return text.replace(/\{(agent|customer|supervisor)\}/g, (whole, name: keyof typeof values) => values[name] || whole);
}
