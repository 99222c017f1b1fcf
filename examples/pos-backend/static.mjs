// Static files: the cashier page (www/) and the browser entry of momo-pos.
// The vendor mount is an allow-list, not a directory listing: the page
// gets only the public-key build (web/browser.js, web/browser/*, error.mjs),
// never the full entry that can sign.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
};

const VENDOR_ALLOWED = [/^web\/browser\.js$/, /^web\/browser\/[\w.-]+\.(js|wasm)$/, /^error\.mjs$/];

/**
 * @param {string} wwwDir
 * @param {string} distDir the package's dist/
 * @returns {(pathname: string) => Promise<{ type: string, body: Buffer } | null>}
 */
export function staticFiles(wwwDir, distDir) {
  return async (pathname) => {
    let file;
    if (pathname.startsWith('/vendor/momo-pos/')) {
      const rel = pathname.slice('/vendor/momo-pos/'.length);
      if (!VENDOR_ALLOWED.some((re) => re.test(rel))) return null;
      file = join(distDir, rel);
    } else {
      const rel = pathname === '/' ? 'index.html' : pathname.slice(1);
      // No dotfiles, no climbing out of www/.
      if (rel.split('/').some((part) => part.startsWith('.') || part === '')) return null;
      file = normalize(join(wwwDir, rel));
      if (!file.startsWith(wwwDir + sep)) return null;
    }
    const type = TYPES[extname(file)];
    if (!type) return null;
    try {
      return { type, body: await readFile(file) };
    } catch {
      return null;
    }
  };
}

