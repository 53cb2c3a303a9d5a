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

/**
 * undici's agents (src/core/undiciParts.ts) are a bundle of their own, dist/undici.js, required on
 * first use: inside cli.js and worker.js they were compiled at every start though only the proxy
 * path uses them. The test bundles keep them inline (this plugin is for dist/ only).
 */
const undiciOnDemand = {
  name: 'undici-on-demand',
  setup(build) {
    build.onResolve({ filter: /^\.\/undiciParts$/ }, (args) =>
      args.importer.endsWith(path.join('src', 'core', 'lazyModules.ts')) ? { path: './undici.js', external: true } : undefined,
    );
  },
};

async function main() {
  if (tests) {
    fs.rmSync('out/test', { recursive: true, force: true });
    await esbuild.build({ ...common, entryPoints: testEntryPoints(), outdir: 'out', outbase: '.' });
    await esbuild.build({ ...common, entryPoints: vscodeTestEntryPoints(), outdir: 'out', outbase: '.', external: ['vscode', 'mocha', '@vscode/test-electron'] });
    return;
  }
  const entryPoints = { cli: 'src/cli.ts', extension: 'src/extension.ts', worker: 'src/worker/engineWorker.ts', undici: 'src/core/undiciParts.ts' };
  await esbuild.build({
    ...common,
    entryPoints,
    outdir: 'dist',
    banner: { js: '' },
    plugins: [undiciOnDemand],
  });
  fs.chmodSync('dist/cli.js', 0o755);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
