import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { FlagError } from '@flagline/core/basics';
// Types only: the host loads the automation code; this element never bundles it.
import type { RuleEngine, RuleTrigger } from '@flagline/core/automation';

/**
 * Follows a host's rules engine for one interaction: the suggestion to show (the oldest not yet
 * answered). Answers go back to the engine (`accept` / `dismiss`), which counts them and never
 * suggests the same rule twice there. Auto-raises are the host's to raise (its `onTrigger`): they
 * must happen whether or not this interaction's button is on the page.
 */
export class SuggestionController implements ReactiveController {
  suggestion: RuleTrigger | undefined;
  readonly #host: ReactiveControllerHost;
  #followed: [RuleEngine | undefined, string] = [undefined, ''];
  #stop: (() => void) | undefined;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Called before each render: starts over when the engine or the interaction changed. */
  follow(engine: RuleEngine | undefined, interactionId: string): void {
    if (this.#stop && this.#followed[0] === engine && this.#followed[1] === interactionId) return;
    this.hostDisconnected();
    this.#followed = [engine, interactionId];
    this.suggestion = engine && interactionId ? engine.pendingSuggestions(interactionId)[0] : undefined;
    if (!engine || !interactionId) return;
    this.#stop = engine.subscribe((trigger) => {
      if (trigger.interactionId !== interactionId || trigger.action !== 'suggest') return;
      if (!this.suggestion) {
        this.suggestion = trigger;
        this.#host.requestUpdate();
      }
    });
  }

  hostConnected(): void {
    this.#host.requestUpdate();
  }

  hostDisconnected(): void {
    this.#stop?.();
    this.#stop = undefined;
  }

  /** The agent raises the suggested flag: returns it, counted as accepted. */
  accept(): RuleTrigger | undefined {
    return this.#settle((engine, id) => engine.accept(id));
  }

  dismiss(): void {
    this.#settle((engine, id) => engine.dismiss(id));
  }

  #settle(answer: (engine: RuleEngine, triggerId: string) => void): RuleTrigger | undefined {
    const [engine] = this.#followed;
    const trigger = this.suggestion;
    if (!engine || !trigger) return undefined;
    try {
      answer(engine, trigger.id);
    } catch (error) {
      // Its interaction ended meanwhile: the engine forgot it, so there is nothing left to count.
      if (!(error instanceof FlagError && error.code === 'not-found')) throw error;
    }
    // The next suggestion still open there, if several rules fired.
    this.suggestion = engine.pendingSuggestions(trigger.interactionId)[0];
    this.#host.requestUpdate();
    return trigger;
  }
}
