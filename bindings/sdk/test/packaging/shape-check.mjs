// Checks a runtime value against a type declared in the built .d.ts files, with the
// TypeScript checker: every key of every object must be declared (or fall under a declared
// index signature), every required key must be there, and every value must match its
// declared type (primitives, literals, unions, arrays, nested objects). So a field the Rust
// core writes that the TS types do not declare, or a declared required field it does not
// write, or a wrong type, is a failure naming the path.
import ts from "typescript";

/** Loads the module at `dtsPath`; returns `check(value, typeName)` → list of problems. */
export function shapeChecker(dtsPath) {
  const program = ts.createProgram([dtsPath], { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(dtsPath);
  if (!source) throw new Error(`cannot read ${dtsPath}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  const exports = new Map(checker.getExportsOfModule(moduleSymbol).map((s) => [s.name, s]));
  /** `(type, property)` pairs seen in values, for coverage. */
  const seen = new Set();

  const typeNamed = (name) => {
    let symbol = exports.get(name);
    if (!symbol) throw new Error(`${name} is not exported by ${dtsPath}`);
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return checker.getDeclaredTypeOfSymbol(symbol);
  };
  const show = (t) => checker.typeToString(t);

  function check(value, type, path, problems) {
    const f = type.flags;
    if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
    if (type.isUnion()) return checkUnion(value, type, path, problems);
    if (type.isIntersection()) {
      // Objects (`A & {b}`) as one object with all their properties; `string & {}` member by member.
      if (type.types.every((t) => t.flags & ts.TypeFlags.Object)) return checkObject(value, type, path, problems);
      for (const t of type.types) check(value, t, path, problems);
      return;
    }
    if (f & ts.TypeFlags.Null) return void (value === null || problems.push(`${path}: ${JSON.stringify(value)} is not null`));
    if (f & ts.TypeFlags.Undefined) return void (value === undefined || problems.push(`${path}: present, declared undefined`));
    if (type.isStringLiteral() || type.isNumberLiteral()) {
      if (value !== type.value) problems.push(`${path}: ${JSON.stringify(value)} is not ${show(type)}`);
      return;
    }
    if (f & ts.TypeFlags.BooleanLiteral) {
      if (value !== (show(type) === "true")) problems.push(`${path}: ${JSON.stringify(value)} is not ${show(type)}`);
      return;
    }
    for (const [flag, kind] of [[ts.TypeFlags.String, "string"], [ts.TypeFlags.Number, "number"], [ts.TypeFlags.Boolean, "boolean"]]) {
      if (f & flag) return void (typeof value === kind || problems.push(`${path}: ${JSON.stringify(value)} is not a ${kind}`));
    }
    if (checker.isArrayType(type) || checker.isTupleType(type)) {
      if (!Array.isArray(value)) return void problems.push(`${path}: not an array: ${JSON.stringify(value)?.slice(0, 80)}`);
      const [element] = checker.getTypeArguments(type);
      value.forEach((v, i) => check(v, element, `${path}[${i}]`, problems));
      return;
    }
    if (f & ts.TypeFlags.Object) return checkObject(value, type, path, problems);
    problems.push(`${path}: cannot check against ${show(type)}`);
  }

  function checkUnion(value, type, path, problems) {
    let best;
    for (const member of type.types) {
      if (value !== undefined && member.flags & ts.TypeFlags.Undefined) continue;
      const mine = [];
      check(value, member, path, mine);
      if (mine.length === 0) return;
      if (!best || mine.length < best.length) best = mine;
    }
    problems.push(...(best ?? [`${path}: matches no member of ${show(type)}`]));
  }

  function checkObject(value, type, path, problems) {
    const props = checker.getPropertiesOfType(type);
    const index = checker.getIndexInfosOfType(type).find((i) => i.keyType.flags & ts.TypeFlags.String);
    if (props.length === 0 && !index) {
      // `{}` (as in `string & {}`): anything but null and undefined.
      if (value === null || value === undefined) problems.push(`${path}: null where ${show(type)} is declared`);
      return;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      return void problems.push(`${path}: not an object (${show(type)}): ${JSON.stringify(value)?.slice(0, 80)}`);
    }
    const byName = new Map(props.map((p) => [p.name, p]));
    for (const [key, v] of Object.entries(value)) {
      const prop = byName.get(key);
      if (prop) {
        seen.add(`${show(type)}.${key}`);
        check(v, checker.getTypeOfSymbol(prop), `${path}.${key}`, problems);
      } else if (index) {
        check(v, index.type, `${path}[${JSON.stringify(key)}]`, problems);
      } else {
        problems.push(`${path}.${key}: not declared in ${show(type)}`);
      }
    }
    for (const p of props) {
      if (!(p.flags & ts.SymbolFlags.Optional) && !(p.name in value)) problems.push(`${path}.${p.name}: required by ${show(type)}, missing`);
    }
  }

  return {
    /** Problems of `value` as a `typeName` (an empty list when it conforms). */
    check(value, typeName, path = typeName) {
      const problems = [];
      check(value, typeNamed(typeName), path, problems);
      return problems;
    },
    /** The properties of `typeName` that some checked value had. */
    seenOf(typeName) {
      const prefix = `${show(typeNamed(typeName))}.`;
      return [...seen].filter((s) => s.startsWith(prefix)).map((s) => s.slice(prefix.length));
    },
    /** Every property `typeName` declares. */
    propertiesOf(typeName) {
      return checker.getPropertiesOfType(typeNamed(typeName)).map((p) => p.name);
    },
  };
}
