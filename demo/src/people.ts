/** The demo's people are the relay's dev-mode directory: its token endpoint signs for exactly these. */
export { DEV_DIRECTORY as PEOPLE, DEV_SECOND_TIER_TEAMS as SECOND_TIER_TEAMS } from '../../packages/relay/src/dev-directory.js';
