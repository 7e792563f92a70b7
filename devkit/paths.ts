import * as path from 'node:path';

/** The repository's root folder: everything the kit reads or writes lives under it. */
export const REPO_ROOT = path.resolve(__dirname, '..');
