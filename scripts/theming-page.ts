/**
 * The page scripts/theming-screenshot.ts photographs: the Theming story (memory hub, the
 * high-contrast teal theme applied), rendered as Storybook renders it.
 */
import '@flagline/elements/define.js';
import { render, type TemplateResult } from 'lit';
import { HighContrastTeal } from '../stories/theming.stories.js';

type Loaded = Record<string, unknown>;
const story = HighContrastTeal as {
  loaders: (() => Promise<Loaded>)[];
  render: (args: object, context: { args: object; loaded: Loaded }) => TemplateResult;
};
const loaded: Loaded = {};
for (const loader of story.loaders) Object.assign(loaded, await loader());
render(story.render({}, { args: {}, loaded }), document.body);
