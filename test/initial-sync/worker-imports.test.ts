/**
 * The page worker's start-up comes before its first page: the script starts it with the process, but whoever starts it
 * as the run begins (initialSyncFromConfig's default) waits for its imports. The Brevo SDK (~400 ms to load here) and
 * zod (~125 ms) must stay out of its import graph.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { projectPath } from '../../src/config.js';

/** Runtime imports of a TypeScript module (`import type` and type-only specifiers are erased by the compiler). */
function runtimeImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const match of source.matchAll(/^import\s+(type\s+)?([^'";]*?)\s*from\s+'([^']+)';/gm)) {
    const [, typeOnly, clause, specifier] = match;
    if (typeOnly) continue;
    const names = /\{([^}]*)\}/.exec(clause)?.[1].split(',').map((n) => n.trim()).filter(Boolean) ?? [];
    const onlyTypes = names.length > 0 && names.every((n) => n.startsWith('type ')) && !/^[\w$]+\s*,/.test(clause);
    if (!onlyTypes) specifiers.push(specifier);
  }
  return specifiers;
}

/** Every package and project module reachable from `entry` through runtime imports. */
function importGraph(entry: string): { packages: Set<string>; modules: Set<string> } {
  const packages = new Set<string>();
  const modules = new Set<string>();
  const visit = (file: string) => {
    if (modules.has(file)) return;
    modules.add(file);
    for (const specifier of runtimeImports(file)) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { packages, modules };
}

describe('page worker imports', () => {
  it('reach neither the Brevo SDK nor zod', () => {
    const { packages, modules } = importGraph(projectPath('src/initial-sync/page-worker.ts'));
    // The walk did reach what the worker needs, so an empty result cannot pass for a clean one.
    expect([...modules].some((m) => m.endsWith('src/outbound/mapping.ts'))).to.equal(true);
    expect(packages).to.include('libphonenumber-js');
    for (const heavy of ['@getbrevo/brevo', 'zod']) expect([...packages], heavy).to.not.include(heavy);
  });

  it('would see the SDK through the Brevo client', () => {
    expect(importGraph(projectPath('src/brevo/brevo-sdk.ts')).packages).to.include('@getbrevo/brevo');
    expect(importGraph(projectPath('src/initial-sync/from-config.ts')).packages).to.include('zod');
  });
});
