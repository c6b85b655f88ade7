// `npm run demo:reset`: delete the demo's SQLite data (the relay must be stopped).
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';

const dir = resolve(process.env.FLAGLINE_DATA_DIR ?? resolve(import.meta.dirname, '..', '.flagline-data'));
rmSync(dir, { recursive: true, force: true });
console.log(`Removed ${dir}`);
