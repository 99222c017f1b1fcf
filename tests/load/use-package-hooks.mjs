// Resolve hook for use-package.mjs: `momo-pos` and `momo-pos/...` are
// resolved as if imported from inside the chosen package, where Node's
// self-reference (package.json "name" + "exports") finds that package.
let packageJson;

export function initialize(data) {
  packageJson = data.packageJson;
}

export function resolve(specifier, context, next) {
  if (specifier === 'momo-pos' || specifier.startsWith('momo-pos/')) {
    return next(specifier, { ...context, parentURL: packageJson });
  }
  return next(specifier, context);
}
