// Request headers that carry secrets (tokens) live in VS Code's SecretStorage, never in
// settings.json. The names of stored headers (not their values) are kept in globalState so
// they can be listed and cleared.
import * as vscode from 'vscode';

const INDEX_KEY = 'assetFetch.secretHeaderIndex';
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HOST = /^[a-z0-9.-]+(:\d{1,5})?$/i;

interface StoredHeader {
  host: string;
  name: string;
}

export class SecretHeaders {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
  ) {}

  /** Host → header name → value, for the engine's per-host headers. */
  async all(): Promise<Record<string, Record<string, string>>> {
    const result: Record<string, Record<string, string>> = {};
    for (const { host, name } of this.index()) {
      const value = await this.secrets.get(key(host, name));
      if (value !== undefined) (result[host] ??= {})[name] = value;
    }
    return result;
  }

  /** Command: asks for host, header name and value (masked), and stores the value. */
  async promptAndSet(): Promise<void> {
    const host = await vscode.window.showInputBox({
      title: 'Secret header (1/3): host',
      prompt: 'Host the header is sent to (exactly this host, e.g. "api.example.com" or "localhost:8080")',
      validateInput: (v) => (HOST.test(v.trim()) ? undefined : 'A host name such as cdn.example.com, optionally with :port'),
    });
    if (!host) return;
    const name = await vscode.window.showInputBox({
      title: 'Secret header (2/3): name',
      value: 'Authorization',
      validateInput: (v) => (HEADER_NAME.test(v.trim()) ? undefined : 'A header name: letters, digits and -'),
    });
    if (!name) return;
    const value = await vscode.window.showInputBox({ title: `Secret header (3/3): value of ${name.trim()} for ${host.trim()}`, password: true });
    if (value === undefined) return;
    const entry = { host: host.trim().toLowerCase(), name: name.trim() };
    await this.secrets.store(key(entry.host, entry.name), value);
    const index = this.index().filter((e) => key(e.host, e.name) !== key(entry.host, entry.name));
    await this.state.update(INDEX_KEY, [...index, entry]);
    void vscode.window.showInformationMessage(`Asset Fetch: ${entry.name} is stored in secret storage and sent to ${entry.host} only.`);
  }

  /** Command: pick stored headers to forget. */
  async promptAndClear(): Promise<void> {
    const index = this.index();
    if (index.length === 0) {
      void vscode.window.showInformationMessage('Asset Fetch: no secret headers are stored.');
      return;
    }
    const picked = await vscode.window.showQuickPick(
      index.map((e) => ({ label: e.name, description: e.host, entry: e })),
      { canPickMany: true, title: 'Forget secret headers' },
    );
    if (!picked || picked.length === 0) return;
    for (const { entry } of picked) await this.secrets.delete(key(entry.host, entry.name));
    const gone = new Set(picked.map((p) => key(p.entry.host, p.entry.name)));
    await this.state.update(INDEX_KEY, index.filter((e) => !gone.has(key(e.host, e.name))));
  }

  private index(): StoredHeader[] {
    return this.state.get<StoredHeader[]>(INDEX_KEY, []);
  }
}

function key(host: string, name: string): string {
  return `assetFetch.header/${host}/${name.toLowerCase()}`;
}
