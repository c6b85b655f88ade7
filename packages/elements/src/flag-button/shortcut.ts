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
