/** A seeded PRNG (mulberry32), so a failing chaos run can be replayed with its printed seed. */
export function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** CHAOS_SEED from the environment, else one from the clock. */
export const SEED = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);

/** Resolves when `ok()` holds, polling; false if the deadline passed first. */
export async function eventually(ok: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}
