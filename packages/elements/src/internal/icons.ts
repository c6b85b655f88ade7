import { svg } from 'lit';
import type { Channel } from '@flagline/core';

/** Decorative icons: always aria-hidden, the text next to them carries the meaning. */

export function flagIcon() {
  return svg`<svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false"><path fill="currentColor" d="M3 1h1.5v14H3zM5.5 2h8l-2 3.5 2 3.5h-8z"/></svg>`;
}

const CHANNEL_PATHS: Record<Channel, string> = {
  voice: 'M4 1.5 6.5 4 5 6a8 8 0 0 0 5 5l2-1.5 2.5 2.5-2 2.5C7 14 2 9 1.5 3.5z',
  'enhanced-messaging': 'M2 2h12v9H6l-4 3zM5 5h6v1.5H5zm0 2.5h4V9H5z',
  'enhanced-chat': 'M1.5 2.5h9v6h-5l-3 2.5v-2.5h-1zM12 5h2.5v6.5h-1V14l-3-2.5H7V10h5z',
  'legacy-chat': 'M2 2.5h12v8H6l-4 3zm2 3h8V7H4z',
};

export function channelIcon(channel: Channel) {
  return svg`<svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false"><path fill="currentColor" d=${CHANNEL_PATHS[channel]}/></svg>`;
}
