/** Registers every Flagline element (safe to load twice). */
import './define-flagline-provider.js';
import './define-flag-button.js';
import './define-raised-flags-widget.js';
