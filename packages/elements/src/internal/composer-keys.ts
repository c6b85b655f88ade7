/**
 * Enter sends, Shift+Enter is a newline, and nothing happens while an input method is
 * composing (Japanese, Chinese… use Enter to confirm a candidate; keyCode 229 covers browsers
 * that report the confirming keydown after compositionend).
 */
export function isSubmitKey(e: KeyboardEvent): boolean {
  return e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229;
}
