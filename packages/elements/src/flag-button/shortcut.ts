/** A host-enabled keyboard shortcut such as `Alt+Shift+F` (modifiers: Alt, Ctrl, Meta, Shift). */
export interface Shortcut {
  key: string;
  alt: boolean;
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
}

export function parseShortcut(text: string): Shortcut | null {
  const parts = text.split('+').map((p) => p.trim().toLowerCase()).filter(Boolean);
  const key = parts.pop();
  if (!key) return null;
  return {
    key,
    alt: parts.includes('alt'),
    ctrl: parts.includes('ctrl') || parts.includes('control'),
    meta: parts.includes('meta') || parts.includes('cmd'),
    shift: parts.includes('shift'),
  };
}

export function matchesShortcut(e: KeyboardEvent, s: Shortcut): boolean {
  // `code` keeps Alt+letter working on layouts where Alt changes `key` (macOS: Alt+F is ƒ).
  const key = e.key.toLowerCase() === s.key || e.code.toLowerCase() === `key${s.key}`;
  return key && e.altKey === s.alt && e.ctrlKey === s.ctrl && e.metaKey === s.meta && e.shiftKey === s.shift;
}

const MODIFIER_KEYS = { Alt: 'alt', Control: 'ctrl', Meta: 'meta', Shift: 'shift' } as const;

/** One of the shortcut's modifiers went down: the rest of the shortcut may follow. */
export function startsShortcut(e: KeyboardEvent, s: Shortcut): boolean {
  const modifier = MODIFIER_KEYS[e.key as keyof typeof MODIFIER_KEYS];
  return modifier !== undefined && s[modifier];
}
