// Custom Elements Manifest for Storybook autodocs and tooling: `npm run analyze`.
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts'],
  outdir: '.',
  litelement: true,
  // package.json's `customElements` is written by hand; scripts/api-docs.mjs runs the analyzer
  // from the repository root, where the analyzer would otherwise add it to the root package.json.
  packagejson: false,
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
    {
      // Docs and controls are for hosts: internal state, private and protected members stay out.
      name: 'flagline-public-members-only',
      packageLinkPhase({ customElementsManifest }) {
        for (const mod of customElementsManifest.modules)
          for (const declaration of mod.declarations ?? [])
            if (declaration.members)
              declaration.members = declaration.members.filter(
                (m) => (!m.privacy || m.privacy === 'public') && !m.static && !m.name.startsWith('#'),
              );
      },
    },
  ],
};
