// What the built package ships, for the tests that read it as a user's
// tools would.
import { readdirSync } from 'node:fs';
import { pkgDir } from './oracle.mjs';

/** Every TypeScript declaration file under dist/. */
export function declarationFiles() {
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(`${dir}/${e.name}`);
      else if (/\.d\.m?ts$/.test(e.name)) files.push(`${dir}/${e.name}`);
    }
  };
  walk(`${pkgDir}dist`);
  return files;
}
