// A test server route for chunks that fail to load, as when the server that has them restarts:
// GET /__flaky/<key>/down<N>.js answers 503 to the first N requests of that path (whatever the
// query), then `export const answer = 42;`. (Not a dropped connection: Chromium silently repeats a
// GET whose connection closed without an answer.) A fresh <key> per test keeps tests apart.
const requests = new Map();

export async function flakyModules(ctx, next) {
  const match = /^\/__flaky\/[\w-]+\/down(\d+)\.js$/.exec(ctx.path);
  if (!match) return next();
  const seen = (requests.get(ctx.path) ?? 0) + 1;
  requests.set(ctx.path, seen);
  if (seen <= Number(match[1])) {
    ctx.status = 503;
    return;
  }
  ctx.type = 'text/javascript';
  ctx.set('cache-control', 'no-store');
  ctx.body = 'export const answer = 42;';
}
