// Bundles the CLI, the extension and its engine worker into dist/, and the mocha suites into
// out/test/ (the VS Code suite keeps `vscode` and `mocha` external: the editor provides the one,
// node_modules the other).
// Bundling lets CommonJS output include ESM-only dependencies such as p-limit.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const tests = process.argv.includes('--tests');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  external: ['vscode'],
  logLevel: 'warning',
};

function testEntryPoints() {
  const roots = ['test/unit', 'test/integration'];
  return roots.flatMap((root) =>
    fs.existsSync(root)
      ? fs.readdirSync(root).filter((f) => f.endsWith('.test.ts')).map((f) => path.join(root, f))
      : [],
  );
}

function vscodeTestEntryPoints() {
  return fs.readdirSync('test/vscode').filter((f) => f.endsWith('.ts')).map((f) => path.join('test/vscode', f));
}

async function main() {
  if (tests) {
    fs.rmSync('out/test', { recursive: true, force: true });
    await esbuild.build({ ...common, entryPoints: testEntryPoints(), outdir: 'out', outbase: '.' });
    await esbuild.build({ ...common, entryPoints: vscodeTestEntryPoints(), outdir: 'out', outbase: '.', external: ['vscode', 'mocha', '@vscode/test-electron'] });
    return;
  }
  const entryPoints = { cli: 'src/cli.ts', extension: 'src/extension.ts', worker: 'src/worker/engineWorker.ts' };
  await esbuild.build({
    ...common,
    entryPoints,
    outdir: 'dist',
    banner: { js: '' },
  });
  fs.chmodSync('dist/cli.js', 0o755);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
