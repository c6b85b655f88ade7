import { css } from 'lit';

/** The quick-reply picker (above the composer) and its editor dialog. */
export const cannedStyles = css`
  .canned {
    flex: none;
    max-block-size: 40%;
    overflow-y: auto;
    border-block-start: 1px solid var(--_border);
    padding: calc(var(--_space) / 2) var(--_space);
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) / 2);
  }
  .canned [role='listbox']:focus-visible {
    outline: var(--flagline-focus-ring, 2px solid var(--_accent));
    outline-offset: 2px;
  }
  .option {
    display: grid;
    grid-template-columns: minmax(0, 1fr) auto;
    gap: 0 var(--_space);
    padding: calc(var(--_space) / 2);
    border-radius: var(--_radius);
    cursor: pointer;
  }
  .option.active {
    background: var(--_surface);
    outline: 2px solid var(--_accent);
    outline-offset: -2px;
  }
  .option-title {
    font-weight: 600;
  }
  .option-text {
    grid-column: 1 / -1;
    font-size: 0.9em;
    overflow-wrap: anywhere;
    max-block-size: 2.8em;
    overflow: hidden;
  }
  .badge {
    font-size: 0.8em;
    color: var(--_muted);
  }
  .canned .empty {
    margin: 0;
  }
  .canned .manage {
    align-self: flex-start;
  }
  dialog.canned-editor {
    background: var(--_bg);
    color: var(--_fg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    inline-size: min(32rem, calc(100vw - 2rem));
    max-block-size: calc(100vh - 2rem);
    box-sizing: border-box;
    overflow-y: auto;
  }
  .canned-editor h2 {
    font-size: 1.15em;
    margin-block: 0 var(--_space);
  }
  .canned-editor h3 {
    font-size: 1em;
    margin-block: var(--_space) calc(var(--_space) / 2);
  }
  .canned-editor ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .canned-editor li {
    display: flex;
    align-items: center;
    gap: calc(var(--_space) / 2);
    padding-block: calc(var(--_space) / 4);
  }
  .canned-editor li > span {
    flex: 1;
  }
  .reply-form {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) / 2);
    margin-block-start: var(--_space);
    border-block-start: 1px solid var(--_border);
    padding-block-start: var(--_space);
  }
  .reply-form label {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) / 4);
  }
  .reply-form p {
    margin: 0;
    font-size: 0.85em;
  }
  .reply-form .actions {
    display: flex;
    gap: var(--_space);
  }
  .canned-editor form[method='dialog'] {
    margin-block-start: var(--_space);
    text-align: end;
  }
`;
