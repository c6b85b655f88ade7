import { css, unsafeCSS } from 'lit';

/**
 * Design tokens. Each `--_x` private variable falls back from the public `--flagline-*` custom
 * property to a light or dark default, so a host overrides one property and every element
 * follows. Dark applies with `theme="dark"`, or under `prefers-color-scheme: dark` unless
 * `theme="light"`.
 */
const light = {
  bg: '#ffffff',
  surface: '#f3f4f6',
  fg: '#1b1f24',
  muted: '#545d68',
  border: '#8c959f',
  accent: '#0b57d0',
  'accent-fg': '#ffffff',
  danger: '#b3261e',
  warning: '#7a4300',
  success: '#1b6e3b',
  highlight: '#fff1b8',
};
const dark: typeof light = {
  bg: '#1e2126',
  surface: '#2a2e35',
  fg: '#e8eaed',
  muted: '#aab2bd',
  border: '#6b7480',
  accent: '#8ab4f8',
  'accent-fg': '#0b1a33',
  danger: '#f2b8b5',
  warning: '#f0c27b',
  success: '#8fd6a5',
  highlight: '#4a3f12',
};

function palette(colors: typeof light): string {
  return Object.entries(colors)
    .map(([name, value]) => `--_${name}: var(--flagline-color-${name}, ${value})`)
    .join(';\n');
}

export const themeStyles = css`
  :host {
    ${unsafeCSS(palette(light))};
    --_radius: var(--flagline-radius, 6px);
    --_space: var(--flagline-space, 8px);
    --_font: var(--flagline-font, system-ui, sans-serif);
    --_font-size: var(--flagline-font-size, 14px);
    --_focus: var(--flagline-focus-ring, 2px solid var(--_accent));
    color-scheme: light;
    /* In a host's flex or grid layout, never wider than the track because of a long word inside. */
    min-inline-size: 0;
    font-family: var(--_font);
    font-size: var(--_font-size);
    color: var(--_fg);
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${unsafeCSS(palette(dark))};
      color-scheme: dark;
    }
  }
  :host([theme='dark']) {
    ${unsafeCSS(palette(dark))};
    color-scheme: dark;
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    padding: calc(var(--_space) / 2) var(--_space);
  }
  button.primary {
    background: var(--_accent);
    color: var(--_accent-fg);
    border-color: var(--_accent);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.7;
  }
  :focus-visible {
    outline: var(--_focus);
    outline-offset: 2px;
  }
  textarea,
  input,
  select {
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: calc(var(--_space) / 2);
  }
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .error {
    color: var(--_danger);
    margin: calc(var(--_space) / 2) 0;
    overflow-wrap: anywhere;
  }
  /* One line, cut with an ellipsis; the element puts the full text in a title. */
  .one-line {
    min-inline-size: 0;
    max-inline-size: 100%;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .muted {
    color: var(--_muted);
  }
  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation: none !important;
      transition: none !important;
    }
  }
`;

/** The look of an element that stands alone on a page as a card (the wallboard, history, metrics). */
export const cardStyles = css`
  :host {
    display: block;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: var(--_space);
  }
`;
