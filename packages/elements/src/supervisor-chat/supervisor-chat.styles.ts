import { css } from 'lit';
import { themeStyles } from '../internal/theme.styles.js';

/** The element itself: its box is there before its body has loaded (chat-view.styles.ts). */
export const supervisorChatStyles = [
  themeStyles,
  css`
    :host {
      display: flex;
      flex-direction: column;
      block-size: var(--flagline-chat-height, 24rem);
      min-block-size: 10rem;
      background: var(--_bg);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      position: relative;
    }
  `,
];
