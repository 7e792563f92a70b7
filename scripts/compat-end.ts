/** `npx tsx scripts/compat-end.ts oldest|newest`: prints that end of the supported n8n range. */
import { NEWEST_N8N, OLDEST_N8N } from '../devkit/n8n/compat';

const end = process.argv[2];
if (end !== 'oldest' && end !== 'newest') throw new Error('usage: compat-end.ts oldest|newest');
console.log(end === 'oldest' ? OLDEST_N8N : NEWEST_N8N);
