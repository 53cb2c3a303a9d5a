import assert from 'node:assert/strict';
import { NameAllocator } from '../../src/core/nameAllocator';

describe('NameAllocator', () => {
  it('numbers colliding names per owner and keeps an owner\'s name stable', () => {
    const names = new NameAllocator();
    assert.equal(names.reserve('report.pdf', 1), 'report.pdf');
    assert.equal(names.reserve('report.pdf', 2), 'report (1).pdf');
    assert.equal(names.reserve('report.pdf', 3), 'report (2).pdf');
    assert.equal(names.reserve('report.pdf', 1), 'report.pdf');
    assert.equal(names.reserve('docs/report.pdf', 4), 'docs/report.pdf');
    assert.equal(names.reserve('docs/report.pdf', 5), 'docs/report (1).pdf');
  });

  it('treats names differing only in case or normalisation as the same file', () => {
    const names = new NameAllocator();
    assert.equal(names.reserve('Logo.PNG', 1), 'Logo.PNG');
    assert.equal(names.reserve('logo.png', 2), 'logo (1).png');
    assert.equal(names.reserve('LOGO.png', 3), 'LOGO (2).png');
    assert.equal(names.reserve('Caf\u00e9.txt', 4), 'Caf\u00e9.txt');
    assert.equal(names.reserve('cafe\u0301.txt', 5), 'cafe\u0301 (1).txt');
    assert.equal(names.isFree('logo.PNG', 9), false);
    assert.equal(names.isFree('logo.PNG', 1), true);
  });

  it('steps over a name that is already numbered by someone else', () => {
    const names = new NameAllocator();
    assert.equal(names.reserve('a (1).png', 1), 'a (1).png');
    assert.equal(names.reserve('a.png', 2), 'a.png');
    assert.equal(names.reserve('a.png', 3), 'a (2).png');
  });

  it('release frees a name for another owner, but only when released by its owner', () => {
    const names = new NameAllocator();
    names.reserve('a.png', 1);
    names.release('a.png', 2);
    assert.equal(names.isFree('a.png', 2), false);
    names.release('A.PNG', 1);
    assert.equal(names.isFree('a.png', 2), true);
    assert.equal(names.reserve('a.png', 2), 'a.png');
  });

  it('reserve skips candidates isTaken reports', () => {
    const names = new NameAllocator();
    const taken = new Set(['x.bin', 'x (1).bin']);
    assert.equal(names.reserve('x.bin', 1, (c) => taken.has(c)), 'x (2).bin');
  });

  it('reserveNotOnDisk steps over files that exist', async () => {
    const names = new NameAllocator();
    const onDisk = new Set(['img/a.png', 'img/a (1).png']);
    const checked: string[] = [];
    const exists = async (candidate: string) => {
      checked.push(candidate);
      await new Promise((r) => setImmediate(r));
      return onDisk.has(candidate);
    };
    assert.equal(await names.reserveNotOnDisk('img/a.png', 1, exists), 'img/a (2).png');
    assert.deepEqual(checked, ['img/a.png', 'img/a (1).png', 'img/a (2).png']);
    // The names found on disk were released; the chosen one is held.
    assert.equal(names.isFree('img/a.png', 2), true);
    assert.equal(names.isFree('img/a (1).png', 2), true);
    assert.equal(names.isFree('img/a (2).png', 2), false);
  });

  it('concurrent reserveNotOnDisk calls never hand out the same name', async () => {
    const names = new NameAllocator();
    const onDisk = new Set(['f.txt', 'f (1).txt', 'f (3).txt']);
    const exists = async (candidate: string) => {
      await new Promise((r) => setTimeout(r, 1));
      return onDisk.has(candidate);
    };
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => names.reserveNotOnDisk('f.txt', i, exists)));
    assert.equal(new Set(results.map((r) => r.toLowerCase())).size, 20);
    for (const r of results) assert.ok(!onDisk.has(r), r);
  });

  it('10,000 equal names are all distinct', () => {
    const names = new NameAllocator();
    const results = new Set<string>();
    for (let i = 0; i < 10_000; i++) results.add(names.reserve('index.html', i));
    assert.equal(results.size, 10_000);
    assert.ok(results.has('index.html'));
    assert.ok(results.has('index (9999).html'));
    assert.ok(!results.has('index (10000).html'));
  });
});
