// package.json against the one table of names (src/vscode/ids.ts): every command it contributes
// or names in a menu, a view's welcome text or a walkthrough is in the table and the other way
// round; every when-clause names known context keys, existing views, and tree contextValues the
// tree can produce. A renamed command or a typo in a when-clause fails here, not in a user's menu.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { batchContextValue, COMMANDS, CONTEXT_KEYS, ERROR_CODES, hostWaitContextValue, ITEM_STATUSES, itemContextValue, VIEW_CONTAINER, VIEWS } from '../../src/vscode/ids';

interface MenuEntry {
  command?: string;
  alt?: string;
  submenu?: string;
  when?: string;
}

interface Manifest {
  activationEvents?: string[];
  contributes: {
    commands: { command: string; enablement?: string }[];
    menus: Record<string, MenuEntry[]>;
    submenus?: { id: string }[];
    views: Record<string, { id: string; when?: string }[]>;
    viewsContainers?: Record<string, { id: string }[]>;
    viewsWelcome?: { view: string; contents: string; when?: string }[];
    keybindings?: { command: string; when?: string }[];
    configuration: { properties: Record<string, unknown> };
    walkthroughs?: unknown[];
  };
}

/** Context keys of VS Code itself that the manifest may use. */
const BUILT_IN_CONTEXT_KEYS = new Set([
  'view',
  'viewItem',
  'resourceScheme',
  'resourceExtname',
  'resourceFilename',
  'resourcePath',
  'resourceLangId',
  'resource',
  'explorerResourceIsFolder',
  'editorHasSelection',
  'editorLangId',
  'editorTextFocus',
  'isWorkspaceTrusted',
  'workspaceFolderCount',
  'true',
  'false',
]);

const manifest = JSON.parse(fs.readFileSync('package.json', 'utf8')) as Manifest;
const { contributes } = manifest;
const tableCommands = new Set<string>(Object.values(COMMANDS));
const views = new Set<string>(Object.values(VIEWS));
const contextKeys = new Set<string>(Object.values(CONTEXT_KEYS));
const settings = new Set(Object.keys(contributes.configuration.properties));

/** Every contextValue a row of the Downloads tree can have. */
function treeContextValues(): string[] {
  const values = new Set<string>();
  const bools = [false, true];
  for (const running of bools) for (const retryable of bools) for (const pausable of bools) for (const resumable of bools) values.add(batchContextValue({ running, retryable, pausable, resumable }));
  for (const status of ITEM_STATUSES) {
    for (const code of status === 'failed' ? [undefined, ...ERROR_CODES] : [undefined]) {
      for (const running of bools) for (const retryable of bools) for (const saved of bools) values.add(itemContextValue(status, code, { running, retryable, saved }));
    }
  }
  for (const status of [429, 503]) values.add(hostWaitContextValue(status));
  return [...values];
}

type Token = { kind: 'key' | 'value' | 'regex'; text: string } | { kind: 'op'; text: string };

/** A when-clause as tokens: keys, operators, and the values compared with (regex literals whole). */
function tokenize(when: string): Token[] {
  const tokens: Token[] = [];
  let rest = when.trim();
  let expectValue = false;
  while (rest.length > 0) {
    const op = /^(&&|\|\||==|!=|=~|<=|>=|<|>|!|\(|\)|not in\b|in\b)/.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', text: op[1] });
      expectValue = ['==', '!=', '=~', '<=', '>=', '<', '>'].includes(op[1]);
      // The right side of `in` is a context key holding a list or an object.
      rest = rest.slice(op[0].length).trimStart();
      continue;
    }
    const regex = expectValue ? /^\/((?:\\.|[^/\\])*)\/([a-z]*)/.exec(rest) : null;
    const quoted = /^'([^']*)'/.exec(rest);
    const bare = /^[^\s()!=<>&|]+/.exec(rest);
    const match = regex ?? quoted ?? bare;
    assert.ok(match, `cannot read the when-clause at "${rest}" in "${when}"`);
    if (regex) tokens.push({ kind: 'regex', text: regex[0] });
    else tokens.push({ kind: expectValue ? 'value' : 'key', text: quoted ? quoted[1] : match[0] });
    expectValue = false;
    rest = rest.slice(match[0].length).trimStart();
  }
  return tokens;
}

/** The comparisons of a when-clause: `key`, `key == value`, `key =~ /re/`, `key in otherKey`. */
function comparisons(when: string): { key: string; op?: string; value?: string }[] {
  const tokens = tokenize(when);
  const found: { key: string; op?: string; value?: string }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind !== 'key') continue;
    const op = tokens[i + 1];
    const value = tokens[i + 2];
    if (op?.kind === 'op' && value && value.kind !== 'op' && !['&&', '||', '(', ')', '!'].includes(op.text)) {
      found.push({ key: token.text, op: op.text, value: value.text });
      if (op.text === 'in' || op.text === 'not in') found.push({ key: value.text });
      i += 2;
    } else {
      found.push({ key: token.text });
    }
  }
  return found;
}

/** Where a when-clause is: "menus.view/item/context[3]". */
function allWhenClauses(): { where: string; when: string }[] {
  const clauses: { where: string; when: string }[] = [];
  for (const [menu, entries] of Object.entries(contributes.menus)) entries.forEach((e, i) => e.when && clauses.push({ where: `menus.${menu}[${i}]`, when: e.when }));
  for (const [container, list] of Object.entries(contributes.views)) list.forEach((v, i) => v.when && clauses.push({ where: `views.${container}[${i}]`, when: v.when }));
  (contributes.viewsWelcome ?? []).forEach((w, i) => w.when && clauses.push({ where: `viewsWelcome[${i}]`, when: w.when }));
  (contributes.keybindings ?? []).forEach((k, i) => k.when && clauses.push({ where: `keybindings[${i}]`, when: k.when }));
  contributes.commands.forEach((c, i) => c.enablement && clauses.push({ where: `commands[${i}].enablement`, when: c.enablement }));
  return clauses;
}

/** Every `command:assetFetch.x` link in texts (view welcome contents, walkthrough steps). */
function commandLinks(value: unknown): string[] {
  const links = JSON.stringify(value ?? null).match(/command:assetFetch\.[A-Za-z0-9_.]+/g) ?? [];
  return links.map((link) => link.slice('command:'.length));
}

describe('package.json against the table of names (src/vscode/ids.ts)', () => {
  it('contributes exactly the commands of the table', () => {
    const contributed = contributes.commands.map((c) => c.command);
    assert.deepEqual(contributed.filter((id) => !tableCommands.has(id)), [], 'contributed but not in COMMANDS');
    assert.deepEqual([...tableCommands].filter((id) => !contributed.includes(id)), [], 'in COMMANDS but not contributed');
    assert.equal(new Set(contributed).size, contributed.length, 'each command contributed once');
  });

  it('names only commands of the table in menus, keybindings, view welcome texts and walkthroughs', () => {
    const submenus = new Set((contributes.submenus ?? []).map((s) => s.id));
    const unknown: string[] = [];
    for (const [menu, entries] of Object.entries(contributes.menus)) {
      entries.forEach((entry, i) => {
        for (const id of [entry.command, entry.alt]) if (id !== undefined && !tableCommands.has(id)) unknown.push(`menus.${menu}[${i}]: ${id}`);
        if (entry.submenu !== undefined && !submenus.has(entry.submenu)) unknown.push(`menus.${menu}[${i}]: submenu ${entry.submenu}`);
        if (entry.command === undefined && entry.submenu === undefined) unknown.push(`menus.${menu}[${i}]: neither command nor submenu`);
      });
    }
    for (const k of contributes.keybindings ?? []) if (!tableCommands.has(k.command)) unknown.push(`keybindings: ${k.command}`);
    // A link may also show a view: VS Code adds "<view>.focus" for each.
    const focusCommands = new Set([...views].map((view) => `${view}.focus`));
    for (const id of [...commandLinks(contributes.viewsWelcome), ...commandLinks(contributes.walkthroughs)]) if (!tableCommands.has(id) && !focusCommands.has(id)) unknown.push(`link: ${id}`);
    assert.deepEqual(unknown, []);
  });

  it('declares the views and the view container of the table', () => {
    const declared = Object.values(contributes.views).flat().map((v) => v.id);
    assert.deepEqual(declared.sort(), [...views].sort());
    assert.ok(VIEW_CONTAINER in contributes.views, `views are declared in the "${VIEW_CONTAINER}" container`);
    assert.ok(Object.values(contributes.viewsContainers ?? {}).flat().some((c) => c.id === VIEW_CONTAINER), `the "${VIEW_CONTAINER}" container is declared`);
    for (const w of contributes.viewsWelcome ?? []) assert.ok(views.has(w.view), `viewsWelcome names the view ${w.view}`);
  });

  it('uses in when-clauses only known context keys, existing views, and contextValues the tree produces', () => {
    const rows = treeContextValues();
    const problems: string[] = [];
    for (const { where, when } of allWhenClauses()) {
      for (const { key, op, value } of comparisons(when)) {
        const known = BUILT_IN_CONTEXT_KEYS.has(key) || contextKeys.has(key) || (key.startsWith('config.') && settings.has(key.slice('config.'.length)));
        if (!known) problems.push(`${where}: unknown context key "${key}" in "${when}"`);
        if (key === 'view' && value !== undefined && !views.has(value)) problems.push(`${where}: no view "${value}" in "${when}"`);
        if (key !== 'viewItem' || value === undefined) continue;
        if (op === '==' && !rows.includes(value)) problems.push(`${where}: no tree row has contextValue "${value}"`);
        if (op === '=~') {
          const [, source, flags] = /^\/(.*)\/([a-z]*)$/.exec(value) ?? [];
          const re = new RegExp(source, flags);
          if (!rows.some((row) => re.test(row))) problems.push(`${where}: ${value} matches no tree row's contextValue`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('activates on events that name commands and views of the table', () => {
    for (const event of manifest.activationEvents ?? []) {
      const [kind, name] = event.split(/:(.*)/s);
      if (kind === 'onCommand') assert.ok(tableCommands.has(name), `${event}: not a command of the table`);
      else if (kind === 'onView') assert.ok(views.has(name), `${event}: not a view of the table`);
      else assert.ok(['onLanguage', 'onStartupFinished', 'workspaceContains', 'onFileSystem', 'onUri', 'onWalkthrough'].includes(kind), `${event}: an activation event this test does not know`);
    }
  });

  it('reads when-clauses as VS Code does (the test of the test)', () => {
    assert.deepEqual(comparisons("view == assetFetch.downloads && viewItem =~ /^batch.*retryable/"), [
      { key: 'view', op: '==', value: 'assetFetch.downloads' },
      { key: 'viewItem', op: '=~', value: '/^batch.*retryable/' },
    ]);
    assert.deepEqual(comparisons('!explorerResourceIsFolder && (resourceExtname == .urls || resourcePath in assetFetch.listPaths)'), [
      { key: 'explorerResourceIsFolder' },
      { key: 'resourceExtname', op: '==', value: '.urls' },
      { key: 'resourcePath', op: 'in', value: 'assetFetch.listPaths' },
      { key: 'assetFetch.listPaths' },
    ]);
    assert.deepEqual(comparisons("resourceFilename =~ /\\.(urls|txt)(\\.lock)?$/i"), [{ key: 'resourceFilename', op: '=~', value: '/\\.(urls|txt)(\\.lock)?$/i' }]);
  });
});

describe('names in the code come from the table', () => {
  it('no source file but ids.ts writes a command, view or context key of the table as a string', () => {
    const names = [...tableCommands, ...views, ...contextKeys];
    const offenders: string[] = [];
    for (const file of sourceFiles('src')) {
      if (file.endsWith('/ids.ts')) continue;
      // Code only: comments may name a command or a key.
      const text = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '');
      for (const name of names) {
        // Quoted as a whole (a view also with ".focus").
        const literal = new RegExp(`['"\`]${name.replace(/\./g, '\\.')}(\\.focus)?['"\`]`);
        if (literal.test(text)) offenders.push(`${file}: ${name}`);
      }
    }
    assert.deepEqual(offenders, []);
  });
});

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(file);
    return entry.name.endsWith('.ts') ? [file] : [];
  });
}
