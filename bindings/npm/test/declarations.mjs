// The shipped TypeScript declarations as plain data, read by TypeScript's
// own checker (TypeScript 7's API, `typescript/unstable/sync`): extends,
// Omit, Pick, Partial, generics and intersections resolved as tsc resolves
// them, without a parser of our own to keep right. Used by
// types-drift.test.mjs (values against types) and readme.test.mjs (every
// export documented).
import { readFileSync } from 'node:fs';
import { API, SignatureKind, SymbolFlags, TypeFlags } from 'typescript/unstable/sync';
import { pkgDir } from './oracle.mjs';

/** The declaration files of the two entries, as wasm-bindgen and the custom sections wrote them. */
export const SHIPPED = {
  full: `${pkgDir}dist/node/full/momo_pos.d.ts`,
  browser: `${pkgDir}dist/node/browser/momo_pos.d.ts`,
};

/**
 * Plain models of every export of declaration texts ({ entry: text }), built
 * by the checker of TypeScript 7 and detached from it (the tsgo process it
 * talks to is closed before this returns):
 *   { k: 'string' | 'number' | 'bigint' | 'null' | 'undefined' | 'void' | 'any' }
 *   { k: 'lit', value }            a string, number or boolean literal
 *   { k: 'union', name, types }    boolean is the union of false and true
 *   { k: 'array', elem }
 *   { k: 'object', name, props: Map(name -> { optional, type }), index }
 *   { k: 'class', name }           an instance of an exported class
 *   { k: 'builtin', name }         Uint8Array, ArrayBuffer: lib types
 * Returns { entry: { types: Map(name -> model), members: [member] } } where a
 * member is { owner, name, kind: 'function' | 'method' | 'static' | 'getter'
 * | 'constructor', params: [{ name, optional, type }], returns }.
 */
export function readDeclarations(texts) {
  const dir = '/momo-pos-types';
  const files = new Map(Object.entries(texts).map(([entry, text]) => [`${dir}/${entry}.d.ts`, text]));
  files.set(`${dir}/tsconfig.json`, JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: 'es2022', lib: ['es2022', 'esnext.disposable'], types: [] },
    files: Object.keys(texts).map((entry) => `${entry}.d.ts`),
  }));
  // A virtual folder: the texts may be altered copies, and nothing is written.
  const api = new API({
    cwd: dir,
    fs: { readFile: (f) => files.get(f), fileExists: (f) => files.has(f) || undefined },
  });
  try {
    const project = api.updateSnapshot({ openProject: `${dir}/tsconfig.json` }).getProjects()[0];
    const checker = project.checker;
    const ours = (symbol) => symbol?.declarations?.some((d) => files.has(d.path));
    const models = new Map(); // type id -> model: shared, so recursion (JsonValue) ends
    // Our own names only: Partial<DriverConfig> is labeled by its text, an object literal not at all.
    const typeName = (type) => {
      const alias = type.getAliasSymbol();
      if (alias) return ours(alias) ? alias.name : undefined;
      const symbol = type.getSymbol();
      return ours(symbol) && !symbol.name.startsWith('__') ? symbol.name : undefined;
    };

    function model(type) {
      if (models.has(type.id)) return models.get(type.id);
      const f = type.flags;
      const simple = [
        [TypeFlags.String, 'string'], [TypeFlags.Number, 'number'], [TypeFlags.BigInt, 'bigint'],
        [TypeFlags.Null, 'null'], [TypeFlags.Undefined, 'undefined'], [TypeFlags.Void, 'void'],
        [TypeFlags.Any | TypeFlags.Unknown, 'any'],
      ].find(([flag]) => f & flag);
      if (simple) return remember(type, { k: simple[1] });
      if (f & (TypeFlags.StringLiteral | TypeFlags.NumberLiteral | TypeFlags.BooleanLiteral)) {
        return remember(type, { k: 'lit', value: type.value });
      }
      if (f & TypeFlags.Union) {
        const m = remember(type, { k: 'union', name: typeName(type), types: [] });
        m.types.push(...type.getTypes().map(model));
        return m;
      }
      if (f & TypeFlags.Intersection) {
        const parts = type.getTypes();
        if (parts.every((p) => p.flags & TypeFlags.Object)) return objectModel(type);
        // `string & {}` (Environment's open end): the primitive is the type.
        const primitive = parts.filter((p) => !(p.flags & TypeFlags.Object));
        const empty = parts.filter((p) => p.flags & TypeFlags.Object).every((p) => checker.getPropertiesOfType(p).length === 0);
        if (primitive.length === 1 && empty) return remember(type, model(primitive[0]));
      }
      if (f & TypeFlags.Object) {
        if (checker.isArrayType(type)) {
          const m = remember(type, { k: 'array', elem: null });
          m.elem = model(checker.getTypeArguments(type)[0]);
          return m;
        }
        const symbol = type.getSymbol();
        if (symbol && symbol.flags & SymbolFlags.Class) return remember(type, { k: 'class', name: symbol.name });
        if (symbol && symbol.name !== '__type' && !ours(symbol)) return remember(type, { k: 'builtin', name: symbol.name });
        return objectModel(type);
      }
      throw new Error(`unsupported type in the declarations: ${checker.typeToString(type)} (flags ${f})`);
    }
    function remember(type, m) {
      models.set(type.id, m);
      return m;
    }
    function objectModel(type) {
      const m = remember(type, { k: 'object', name: typeName(type), label: checker.typeToString(type), props: new Map(), index: null });
      for (const p of checker.getPropertiesOfType(type)) {
        const optional = Boolean(p.flags & SymbolFlags.Optional);
        m.props.set(p.name, { optional, type: model(checker.getTypeOfSymbol(p)) });
      }
      const [index] = checker.getIndexInfosOfType(type);
      if (index) m.index = model(index.valueType);
      return m;
    }
    const params = (signature) => signature.getParameters().map((p) => ({
      name: p.name,
      optional: Boolean(p.flags & SymbolFlags.Optional),
      type: model(checker.getTypeOfSymbol(p)),
      label: checker.typeToString(checker.getTypeOfSymbol(p)),
    }));
    const callable = (owner, name, kind, type, construct = false) =>
      checker.getSignaturesOfType(type, construct ? SignatureKind.Construct : SignatureKind.Call).map((s) => ({
        owner, name, kind, params: params(s), returns: model(checker.getReturnTypeOfSignature(s)),
      }));

    const out = {};
    for (const entry of Object.keys(texts)) {
      const types = new Map();
      const members = [];
      const source = project.program.getSourceFile(`${dir}/${entry}.d.ts`);
      for (const statement of source.statements) {
        if (!statement.name) continue;
        const symbol = checker.getSymbolAtLocation(statement.name);
        const name = symbol.name;
        if (symbol.flags & SymbolFlags.Function) {
          members.push(...callable(null, name, 'function', checker.getTypeOfSymbol(symbol)));
        } else if (symbol.flags & SymbolFlags.Class) {
          const statics = checker.getTypeOfSymbol(symbol);
          members.push(...callable(name, 'constructor', 'constructor', statics, true));
          for (const p of checker.getPropertiesOfType(statics)) {
            if (p.name !== 'prototype') members.push(...callable(name, p.name, 'static', checker.getTypeOfSymbol(p)));
          }
          for (const p of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) {
            const type = checker.getTypeOfSymbol(p);
            if (p.flags & SymbolFlags.Method) members.push(...callable(name, p.name, 'method', type));
            else members.push({ owner: name, name: p.name, kind: 'getter', params: [], returns: model(type) });
          }
        } else if (symbol.flags & (SymbolFlags.Interface | SymbolFlags.TypeAlias)) {
          // Generic declarations (MomoResponse<T>) are modeled where they are
          // instantiated: a return type names them with their argument.
          if (symbol.flags & SymbolFlags.Interface && statement.typeParameters?.length) continue;
          if (symbol.flags & SymbolFlags.TypeAlias && statement.typeParameters?.length) continue;
          types.set(name, model(checker.getDeclaredTypeOfSymbol(symbol)));
        }
      }
      out[entry] = { types, members };
    }
    return out;
  } finally {
    api.close();
  }
}

/** `Class.member`, or a function's name. */
export const memberKey = (m) => (m.owner ? `${m.owner}.${m.name}` : m.name);

/** The shipped declarations of both entries. */
export function readShipped() {
  return readDeclarations(Object.fromEntries(Object.entries(SHIPPED).map(([entry, file]) => [entry, readFileSync(file, 'utf8')])));
}
