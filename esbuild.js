// Bundles the CLI (and, later, the extension) into dist/, and the mocha suites into out/test/.
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

async function main() {
  if (tests) {
    fs.rmSync('out/test', { recursive: true, force: true });
    await esbuild.build({ ...common, entryPoints: testEntryPoints(), outdir: 'out', outbase: '.' });
    return;
  }
  const entryPoints = { cli: 'src/cli.ts' };
  if (fs.existsSync('src/extension.ts')) entryPoints.extension = 'src/extension.ts';
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
