// Settings `npm run dev` and `npm run cluster` share: where their data lives and the demo clinic's time
// zone; each adds the ports of its own servers. ARO's processes read theirs from src/config.ts.
import path from 'node:path';
import { z } from 'zod';

const ROOT = path.resolve(__dirname, '../..');

export const portSetting = z.coerce.number().int().min(1).max(65535);

export const sharedLocalSettings = {
  ARO_DEV_DEMO_TIMEZONE: z.string().default('America/New_York'),
  ARO_DEV_DATA_DIR: z.string().default(path.join(ROOT, '.data')),
};
