// Source text without its comments, for the tests that read declarations
// (TypeScript) and structs (Rust) as text.

/**
 * `text` without its line and block comments; string literals, opened by any
 * of `quotes`, kept whole (a `//` inside a URL is not a comment). Rust
 * passes only `"`: its `'` opens lifetimes and chars.
 */
export function stripComments(text, quotes = '"\'`') {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (quotes.includes(c)) {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i += 1;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}
