// Custom Elements Manifest for Storybook autodocs and tooling: `npm run analyze`.
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts'],
  outdir: '.',
  litelement: true,
  plugins: [
    {
      // The analyzer also guesses events from `dispatchEvent(new X(arg))`, taking the first
      // constructor argument for the name ("reason", "flag"…). Our events are documented with
      // @fires, which carries a description: keep only those.
      name: 'flagline-documented-events-only',
      packageLinkPhase({ customElementsManifest }) {
        for (const mod of customElementsManifest.modules)
          for (const declaration of mod.declarations ?? [])
            if (declaration.events) declaration.events = declaration.events.filter((e) => e.name && e.description);
      },
    },
  ],
};
