// Finds the loosely typed places of a module's public API with the TypeScript checker:
// every exported value and type is walked (function parameters and results, properties,
// array elements, union members, index signatures, class instances), and each `any` and each
// `Record<string, unknown>`-like object (a string index signature of type unknown and no
// declared property) is reported with the path that reaches it.
import ts from "typescript";

/** `[path, what]` for each loose type reachable from the exports of `specifier` (resolved from `fromDir`). */
export function looseTypes(fromDir, specifier, compilerOptions = {}) {
  const entry = `${fromDir}/__loose_entry.ts`;
  const source = `export * from ${JSON.stringify(specifier)};\n`;
  const options = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ["lib.es2022.d.ts", "lib.dom.d.ts"], types: [], ...compilerOptions };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => (f === entry ? source : readFile(f));
  host.fileExists = ((exists) => (f) => f === entry || exists(f))(host.fileExists.bind(host));
  host.getSourceFile = ((get) => (f, lang, ...rest) => (f === entry ? ts.createSourceFile(f, source, lang) : get(f, lang, ...rest)))(host.getSourceFile.bind(host));
  const program = ts.createProgram([entry], options, host);
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry));
  const found = [];
  const visited = new Set();

  /** Private and protected class members are not API (their declarations carry no type). */
  const isPublic = (p) =>
    !p.name.startsWith("#") &&
    !(p.declarations ?? []).some((d) => ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected));

  function walk(type, path, depth) {
    if (depth > 12) return;
    if (type.flags & ts.TypeFlags.Any) return void found.push([path, "any"]);
    if (type.flags & ts.TypeFlags.Object) {
      // Before the visited check: the one interned Record<string, unknown> is reported wherever it occurs.
      const index = checker.getIndexInfosOfType(type).find((i) => i.keyType.flags & ts.TypeFlags.String);
      if (index && checker.getPropertiesOfType(type).length === 0 && index.type.flags & ts.TypeFlags.Unknown) {
        return void found.push([path, "Record<string, unknown>"]);
      }
    }
    if (visited.has(type)) return;
    visited.add(type);
    if (type.isUnionOrIntersection()) return type.types.forEach((t) => walk(t, path, depth + 1));
    if (!(type.flags & ts.TypeFlags.Object)) return;
    const typeArgs = checker.getTypeArguments?.(type) ?? [];
    if (checker.isArrayType(type) || checker.isTupleType(type)) return typeArgs.forEach((t) => walk(t, `${path}[]`, depth + 1));
    const props = checker.getPropertiesOfType(type);
    const index = checker.getIndexInfosOfType(type).find((i) => i.keyType.flags & ts.TypeFlags.String);
    if (index) walk(index.type, `${path}[string]`, depth + 1);
    for (const sig of [...type.getCallSignatures(), ...type.getConstructSignatures()]) {
      sig.getParameters().forEach((p) => walk(checker.getTypeOfSymbol(p), `${path}(${p.name})`, depth + 1));
      walk(sig.getReturnType(), `${path}()`, depth + 1);
    }
    // Promises and other library generics: their type arguments only.
    const declared = type.getSymbol()?.declarations?.[0]?.getSourceFile().fileName ?? "";
    if (/node_modules\/typescript\/lib\//.test(declared)) return typeArgs.forEach((t) => walk(t, `${path}<>`, depth + 1));
    for (const p of props.filter(isPublic)) walk(checker.getTypeOfSymbol(p), `${path}.${p.name}`, depth + 1);
  }

  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if (target.flags & ts.SymbolFlags.Value) walk(checker.getTypeOfSymbol(target), symbol.name, 0);
    if (target.flags & (ts.SymbolFlags.Type | ts.SymbolFlags.Class)) walk(checker.getDeclaredTypeOfSymbol(target), symbol.name, 0);
  }
  return found;
}
