// Apart from context-view.ts so an element that only names these words (the flag button's
// composer) does not load the view's template and styles with them.

/** The words of a shared conversation, the same in every element that shows one. */
export interface ContextStrings {
  /** The section's name, e.g. "Shared conversation". */
  title: string;
  summary: string;
  /** Who said a turn. */
  from: (from: 'customer' | 'agent') => string;
  /** A flag a rule raised by itself. */
  automatic: (ruleName: string) => string;
  /** A flag the agent raised from a rule's suggestion. */
  suggested: (ruleName: string) => string;
}

export const defaultContextStrings: ContextStrings = {
  title: 'Shared conversation',
  summary: 'Summary',
  from: (from) => (from === 'customer' ? 'Customer' : 'Agent'),
  automatic: (ruleName) => `Raised automatically: ${ruleName}`,
  suggested: (ruleName) => `Suggested by a rule: ${ruleName}`,
};
