// `npm run test:vscode`: downloads a VS Code build with @vscode/test-electron and runs the suite
// in it. Needs internet access to update.code.visualstudio.com; where there is none (this
// project's CI machine), test/e2e runs the same suite inside code-server instead.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../../..');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'asset-fetch-vscode-'));
  try {
    await runTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(__dirname, 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    });
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`Extension tests failed: ${(err as Error).message}`);
  process.exit(1);
});
