import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * The public API is documented: every exported declaration of a module lib/index.ts re-exports has TSDoc, and
 * every optional property of an exported interface states its default with `@default`.
 */
const libDir = path.join(__dirname, '..', 'lib');
/** The modules lib/index.ts re-exports, relative to lib/ (e.g. `web/blue-green-app.ts`). */
const files = fs.readFileSync(path.join(libDir, 'index.ts'), 'utf8').split('\n')
  .map((line) => /^export \* from '\.\/(.+)';$/.exec(line)?.[1]).filter((f): f is string => f !== undefined)
  .map((f) => `${f}.ts`).sort();

test('the public API has modules to check', () => {
  expect(files.length).toBeGreaterThan(0);
});

function hasDoc(node: ts.Node): boolean {
  return ts.getJSDocCommentsAndTags(node).length > 0;
}

function isExported(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function problemsIn(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(libDir, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  const problems: string[] = [];
  const where = (node: ts.Node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  for (const statement of source.statements) {
    if (!isExported(statement)) {
      continue;
    }
    const name = (statement as ts.DeclarationStatement).name?.getText() ?? (ts.isVariableStatement(statement) ? statement.declarationList.declarations[0].name.getText() : '?');
    if (!hasDoc(statement)) {
      problems.push(`${where(statement)} ${name}: no TSDoc`);
    }
    if (ts.isInterfaceDeclaration(statement)) {
      for (const member of statement.members) {
        if (ts.isPropertySignature(member) && member.questionToken !== undefined) {
          const tags = ts.getJSDocTags(member).map((t) => t.tagName.getText());
          if (!tags.includes('default')) {
            problems.push(`${where(member)} ${name}.${member.name.getText()}: optional prop without @default`);
          }
        }
      }
    }
  }
  return problems;
}

describe('TSDoc of the public API', () => {
  test.each(files)('%s documents every export and the default of every optional prop', (file) => {
    expect(problemsIn(file)).toEqual([]);
  });
});
