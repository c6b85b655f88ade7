/**
 * The CDN bundle's entry (`dist/cdn/flagline.min.js`): everything a plain HTML page needs from one
 * `<script type="module">` — the core client and transports, the element classes and events —
 * and every element registered.
 */
export * from '@flagline/core';
export * from '@flagline/elements';
import '@flagline/elements/define.js';
