// Preloaded with `node --import` by load.mjs: makes `momo-pos` resolve to
// the package in MOMO_POS_PACKAGE (e.g. an old commit's build in a git
// worktree) instead of the one beside the importing file, so the demo
// backend and the shipped example run unchanged against either build.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

const dir = process.env.MOMO_POS_PACKAGE;
if (dir) {
  register('./use-package-hooks.mjs', import.meta.url, {
    data: { packageJson: pathToFileURL(`${dir}/package.json`).href },
  });
}
