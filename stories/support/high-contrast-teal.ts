/**
 * The custom theme of docs/theming.md (quoted there; test/docs/quotes.test.ts keeps the quote
 * current): a host brand in high-contrast teal, shown by stories/theming.stories.ts and in
 * docs/theming.png (scripts/theming-screenshot.ts).
 */
export const highContrastTeal = `/* Tokens: set once on a container, every Flagline element inside follows. */
.teal-brand {
  --flagline-color-bg: #ffffff;
  --flagline-color-surface: #e3f2f0;
  --flagline-color-fg: #061a19;
  --flagline-color-muted: #24514d;
  --flagline-color-border: #0b5c56;
  --flagline-color-accent: #00605a;
  --flagline-color-accent-fg: #ffffff;
  --flagline-color-danger: #9e0a1e;
  --flagline-color-warning: #7a3a00;
  --flagline-color-success: #125b25;
  --flagline-color-highlight: #c9efe9;
  --flagline-focus-ring: 3px solid #c2410c;
  --flagline-radius: 0;
  --flagline-space: 10px;
  --flagline-font: 'Atkinson Hyperlegible', system-ui, sans-serif;
  --flagline-font-size: 15px;
}

/* Parts: deeper changes where a token is not enough. */
.teal-brand flag-button::part(button) {
  border-width: 2px;
  font-weight: 700;
}
.teal-brand raised-flags-widget::part(row) {
  border-width: 2px;
  border-inline-start-width: 8px; /* its colour still marks urgent flags */
}
.teal-brand supervisor-chat::part(composer) {
  border-block-start-width: 2px;
}
`;
