import { css } from 'lit';

/** The composer's and the panel's styles: they come with the panel's code (see flag-panel.ts). */
export const flagPanelStyles = css`
  dialog,
  [popover] {
    background: var(--_bg);
    color: var(--_fg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: calc(var(--_space) * 2);
    inline-size: min(28rem, 92vw);
    max-block-size: calc(100dvh - 2 * var(--_space));
    overflow: auto;
  }
  /* Docked at the viewport's bottom inline-end corner, like a utility-bar panel: always in view,
     never over the conversation the button sits in. A bottom sheet on narrow screens. */
  [popover] {
    position: fixed;
    inset: auto;
    inset-block-end: var(--_space);
    inset-inline-end: var(--_space);
    margin: 0;
    inline-size: min(var(--flagline-panel-width, 24rem), 100vw - 2 * var(--_space));
    max-block-size: calc(100dvh - 2 * var(--_space));
    overflow: auto;
    box-shadow: 0 8px 32px rgb(0 0 0 / 0.25);
  }
  @media (max-width: 40rem) {
    [popover] {
      inset-inline: 0;
      inset-block-end: 0;
      inline-size: auto;
      max-block-size: 85dvh;
      border-end-start-radius: 0;
      border-end-end-radius: 0;
    }
  }
  fieldset.context {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    margin: var(--_space) 0 0;
    padding: calc(var(--_space) / 2) var(--_space) var(--_space);
    min-inline-size: 0;
  }
  .turns {
    list-style: none;
    margin: calc(var(--_space) / 2) 0 0;
    padding: 0;
    max-block-size: 12rem;
    overflow-y: auto;
  }
  .turns label.check {
    align-items: flex-start;
    margin-block-start: calc(var(--_space) / 2);
  }
  .turns span {
    min-inline-size: 0;
    overflow-wrap: anywhere;
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.35);
  }
  h2 {
    font-size: 1.1em;
    margin: 0 0 var(--_space);
  }
  label {
    display: block;
    margin-block-start: var(--_space);
  }
  label.check {
    display: flex;
    gap: calc(var(--_space) / 2);
    align-items: center;
  }
  textarea,
  input:not([type]) {
    inline-size: 100%;
    margin-block-start: calc(var(--_space) / 2);
  }
  textarea {
    resize: vertical;
  }
  .counter {
    text-align: end;
    font-size: 0.85em;
  }
  .quick-reasons {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) / 2);
    margin-block-start: calc(var(--_space) / 2);
  }
  .chip {
    border-radius: 999px;
    font-size: 0.9em;
    max-inline-size: 100%;
    overflow-wrap: anywhere;
  }
  .chip[aria-pressed='true'] {
    background: var(--_accent);
    color: var(--_accent-fg);
    border-color: var(--_accent);
  }
  supervisor-chat {
    block-size: 18rem;
  }
  .status {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
`;
