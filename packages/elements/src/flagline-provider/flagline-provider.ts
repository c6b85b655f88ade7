import { css, html, LitElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import type { FlagClient } from '@flagline/core';
import { ClientProvision } from '../internal/context.js';
import { VERSION } from '../internal/version.js';

/**
 * Provides one Flagline client to every Flagline element inside it, however deep (shadow roots
 * included). Elements can also take a `client` property directly. It adds no box
 * (`display: contents`).
 *
 * @summary Gives one Flagline client to every Flagline element inside it.
 *
 * @slot - The host's content, with Flagline elements anywhere inside.
 *
 * @tagname flagline-provider
 */
export class FlaglineProvider extends LitElement {
  static readonly version = VERSION;

  static override styles = css`
    :host {
      display: contents;
    }
  `;

  /** The client every element inside uses unless it has its own `client`. */
  @property({ attribute: false })
  client?: FlagClient;

  readonly #provision = new ClientProvision(this, () => this.client);

  override connectedCallback(): void {
    super.connectedCallback();
    this.#provision.announce();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.#provision.changed();
  }

  protected override render() {
    return html`<slot></slot>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'flagline-provider': FlaglineProvider;
  }
}
