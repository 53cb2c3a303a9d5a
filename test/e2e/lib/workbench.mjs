// Driving the VS Code workbench in a page the way a person does: keys, clicks, and reading what
// is on screen (quick input rows, notification toasts, tree rows, hovers, context menus).
import path from 'node:path';
import { log } from './log.mjs';
import { artifactsDir } from './paths.mjs';
import { waitFor } from './wait.mjs';

const QUICK_INPUT = '.quick-input-widget';
const QUICK_ROWS = `${QUICK_INPUT} .monaco-list-row`;
const TOAST = '.notifications-toasts .notification-toast';
const SIDEBAR_ROWS = '.part.sidebar .monaco-list-row';
const CONTEXT_MENU_ITEM = '.context-view .monaco-menu .action-menu-item';
const HOVER = '.workbench-hover, .monaco-hover:not(.hidden)';

// Runs in the page from its first script on: remembers every notification toast and every
// dialog (showWarningMessage with modal: true, ...) ever shown, so one that closed before a check
// ran is still seen.
function recordToasts() {
  window.__e2eToasts = [];
  window.__e2eDialogs = [];
  const record = (selector, seen) => {
    for (const element of document.querySelectorAll(selector)) {
      const text = element.innerText.replace(/\s+/g, ' ').trim();
      if (text && !seen.includes(text)) seen.push(text);
    }
  };
  setInterval(() => {
    record('.notifications-toasts .notification-toast', window.__e2eToasts);
    record('.monaco-dialog-box', window.__e2eDialogs);
  }, 100);
}

export class Workbench {
  constructor(page, scenario) {
    this.page = page;
    this.scenario = scenario;
    this.shots = 0;
  }

  /** Opens the workbench at `url` and waits until it is drawn and `ready` (a locator) is visible. */
  async open(url, ready) {
    await this.page.addInitScript(recordToasts);
    log(`${this.scenario}: opening ${url}`);
    await this.page.goto(url);
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    // The status bar is drawn once the workbench has restored its parts.
    await this.page.waitForSelector('.part.statusbar', { timeout: 60_000 });
    if (ready) await ready.waitFor({ state: 'visible', timeout: 60_000 });
  }

  /** Saves artifacts/<scenario>-<NN>-<step>.png. */
  async shot(step) {
    this.shots++;
    const file = path.join(artifactsDir, `${this.scenario}-${String(this.shots).padStart(2, '0')}-${step}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** The activity bar entry of a view container, by its title. */
  activityBarItem(title) {
    return this.page.locator(`.part.activitybar .action-item a[aria-label^="${title}"], .part.activitybar .action-item .action-label[aria-label^="${title}"]`).first();
  }

  // ---- Quick input: command palette and Quick Open ----

  /** F1, type the command's title, and run the row that is exactly that command. */
  async runCommand(title, commandId) {
    log(`${this.scenario}: F1 → ${title}`);
    await this.closeQuickInput();
    await this.page.keyboard.press('F1');
    const row = this.commandRow(title, commandId);
    if (!(await this.typeForRow(title, row, '>', 10_000))) {
      const offered = await this.quickInputRows();
      throw new Error(`command "${title}" is not offered in the palette; rows: ${JSON.stringify(offered)}`);
    }
    await row.click();
    // The palette closes; a command that asks something opens its own input in the same widget,
    // sometimes before the widget was ever seen hidden: either ends the wait.
    await this.page.waitForFunction((selector) => {
      const widget = document.querySelector(selector);
      if (!widget || widget.getClientRects().length === 0) return true;
      const input = widget.querySelector('input');
      return !widget.classList.contains('quick-input-widget-closing') && input !== null && !input.value.startsWith('>');
    }, QUICK_INPUT);
  }

  /**
   * Types `text` into the quick input that is opening and waits up to `timeout` ms for `row`.
   * Typed text can be lost (seen once in CI: the palette then listed every command, unfiltered):
   * then it is put into the input directly, once, after `prefix` ('>' in the command palette).
   * Returns whether the row showed up.
   */
  async typeForRow(text, row, prefix, timeout) {
    const input = this.page.locator(`${QUICK_INPUT} input`);
    await input.waitFor({ state: 'visible' });
    await this.page.keyboard.type(text);
    const offered = (ms) => row.waitFor({ state: 'visible', timeout: ms }).then(() => true, () => false);
    if (await offered(5_000)) return true;
    const value = await input.inputValue().catch(() => '?');
    if (value.endsWith(text)) return offered(timeout);
    log(`${this.scenario}: the quick input reads ${JSON.stringify(value)}, not the typed text; filling it in`);
    await input.fill(`${prefix}${text}`);
    return offered(timeout);
  }

  /** The palette row of a command: its id when given, and exactly its title. */
  commandRow(title, commandId) {
    const rows = commandId
      ? this.page.locator(`${QUICK_ROWS}:has([data-quick-input-id="${commandId}"])`)
      : this.page.locator(QUICK_ROWS);
    return rows.filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) }).first();
  }

  async quickInputRows() {
    return this.page.locator(QUICK_ROWS).evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label')));
  }

  async closeQuickInput() {
    if (await this.page.locator(QUICK_INPUT).isVisible()) {
      await this.page.keyboard.press('Escape');
      await this.page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });
    }
  }

  /** Ctrl+P, the file name, Enter; waits for its editor tab to be the active one. */
  async quickOpen(fileName) {
    log(`${this.scenario}: Ctrl+P → ${fileName}`);
    await this.closeQuickInput();
    await this.page.keyboard.press('Control+P');
    const row = this.page.locator(QUICK_ROWS, { hasText: fileName }).first();
    // Not found after the retry: the plain wait below fails with Playwright's own message.
    if (!(await this.typeForRow(fileName, row, '', 10_000))) await row.waitFor({ state: 'visible' });
    await this.page.keyboard.press('Enter');
    await this.activeTab(fileName).waitFor({ state: 'visible' });
  }

  /** The active editor tab with this label. */
  activeTab(label) {
    return this.page.locator('.tabs-container .tab.active', { hasText: label }).first();
  }

  /** Focuses the text area of the active editor. */
  async focusEditor() {
    await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  }

  // ---- Notifications ----

  /** Texts of the notification toasts on screen now. */
  async toasts() {
    return this.page.locator(TOAST).evaluateAll((els) => els.map((e) => e.innerText.replace(/\s+/g, ' ').trim()));
  }

  /** Texts of every toast shown since the page opened (even ones closed since). */
  async toastsSeen() {
    return this.page.evaluate(() => window.__e2eToasts ?? []);
  }

  /** Texts of every dialog box (a modal message, a confirmation) shown since the page opened. */
  async dialogsSeen() {
    return this.page.evaluate(() => window.__e2eDialogs ?? []);
  }

  /** Waits for a toast on screen whose text matches `pattern`; returns its locator. */
  async waitForToast(pattern, timeout = 30_000) {
    const toast = this.page.locator(TOAST).filter({ hasText: pattern }).first();
    await toast.waitFor({ state: 'visible', timeout }).catch(async () => {
      throw new Error(`no notification matching ${pattern}; on screen: ${JSON.stringify(await this.toasts())}; seen: ${JSON.stringify(await this.toastsSeen())}`);
    });
    return toast;
  }

  /** Waits until some toast ever shown matches `pattern`; returns its text. */
  async waitForToastSeen(pattern, timeout = 30_000) {
    return waitFor(`a notification matching ${pattern} (seen: see artifacts)`, async () => (await this.toastsSeen()).find((t) => pattern.test(t)), { timeout });
  }

  /** The button labelled `label` in a toast. */
  toastButton(toast, label) {
    return toast.locator('.monaco-button', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }).first();
  }

  /** The toast of a cancellable progress (it has a "Cancel" button) whose text matches `pattern`. */
  progressToast(pattern) {
    const cancel = this.page.locator('.monaco-button', { hasText: /^Cancel$/ });
    return this.page.locator(TOAST).filter({ hasText: pattern }).filter({ has: cancel }).first();
  }

  // ---- Side bar views ----

  /** Shows a view container in the side bar (clicking its activity bar entry only when hidden). */
  async showViewContainer(title) {
    const sidebarTitle = this.page.locator('.part.sidebar .composite.title', { hasText: title }).first();
    // Clicking the entry of the active container hides the side bar: after a reload the side bar
    // can be on its way back when we look (a fresh-clone CI run clicked it closed). So look
    // again after each click, and click again if it is still (or now) hidden.
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await sidebarTitle.isVisible()) return;
      await this.activityBarItem(title).click();
      if (await sidebarTitle.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false)) return;
    }
    await sidebarTitle.waitFor({ state: 'visible' });
  }

  /** The side bar's tree rows: { label, description, ariaLabel } for each. */
  async sidebarRows() {
    return this.page.locator(SIDEBAR_ROWS).evaluateAll((rows) =>
      rows.map((r) => ({
        label: r.querySelector('.label-name')?.textContent ?? '',
        description: r.querySelector('.label-description')?.textContent ?? '',
        ariaLabel: r.getAttribute('aria-label') ?? '',
      })),
    );
  }

  /** The side bar tree row whose label is exactly `label`. */
  sidebarRow(label) {
    return this.page
      .locator(SIDEBAR_ROWS)
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) })
      .first();
  }

  /** Moves the mouse onto `locator` and returns the text of the hover that appears. */
  async hoverText(locator) {
    await this.page.mouse.move(0, 0);
    await this.page.locator(HOVER).first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
    await locator.hover();
    const hover = this.page.locator(HOVER).first();
    await hover.waitFor({ state: 'visible', timeout: 10_000 });
    return (await hover.innerText()).trim();
  }

  /** Right-clicks `locator` and chooses the context menu item labelled `item`. */
  async contextMenu(locator, item) {
    await locator.click({ button: 'right' });
    const menu = this.page.locator('.context-view .monaco-menu').first();
    const entry = this.page.locator(CONTEXT_MENU_ITEM).filter({ hasText: new RegExp(`^\\s*${escapeRegExp(item)}\\s*$`) }).first();
    await entry.waitFor({ state: 'visible', timeout: 10_000 }).catch(async () => {
      const items = await this.page.locator(CONTEXT_MENU_ITEM).allInnerTexts();
      throw new Error(`context menu has no "${item}"; items: ${JSON.stringify(items.map((t) => t.trim()))}`);
    });
    // Hover first and let the menu focus the item: a click that lands while the menu is still
    // settling is sometimes ignored.
    await entry.hover();
    await waitFor(`menu item "${item}" to take the focus`, () => entry.evaluate((a) => a.parentElement.classList.contains('focused')), {
      timeout: 2000,
      interval: 50,
    }).catch(() => {});
    await entry.click();
    // Should the click still be ignored, the item has the focus and Enter chooses it.
    if (!(await menu.waitFor({ state: 'hidden', timeout: 2000 }).then(() => true, () => false))) {
      log(`${this.scenario}: context menu still open after clicking "${item}"; pressing Enter on it`);
      await entry.focus();
      await this.page.keyboard.press('Enter');
      await menu.waitFor({ state: 'hidden', timeout: 5000 });
    }
  }

  /** The Explorer row of a file or folder name. */
  explorerRow(name) {
    return this.page
      .locator('.explorer-folders-view .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) })
      .first();
  }
}

export function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
