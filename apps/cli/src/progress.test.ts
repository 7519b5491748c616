import { describe, expect, it } from 'vitest';
import { createProgressBar } from './progress.ts';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, columns: 100, writes, write: (text: string) => writes.push(text) };
}

describe('createProgressBar', () => {
  it('redraws one line in place on a terminal: the job, then records done of the total', () => {
    const out = stream(true);
    let clock = 0;
    const bar = createProgressBar(out, 'Contacts', () => clock);
    bar.update({ state: 'UploadComplete', done: 0, total: null });
    bar.update({ state: 'UploadComplete', done: 0, total: null });
    bar.update({ state: 'InProgress', done: 0, total: null });
    bar.update({ state: 'JobComplete', done: 0, total: 40_000 });
    clock = 2_000;
    bar.update({ state: 'JobComplete', done: 10_000, total: 40_000 });
    bar.finish(40_000);
    expect(out.writes).toHaveLength(6);
    expect(out.writes.slice(0, 4).every((w) => w.startsWith('\r\x1b[K'))).toBe(true);
    expect(out.writes[1]).toContain('query job InProgress');
    expect(out.writes[3]).toMatch(/Contacts \[#+-+\] 25% 10,000\/40,000 records \(5,000\/s\)$/);
    expect(out.writes.slice(4)).toEqual(['\n', 'Contacts: 40,000 records exported in 2.0 s\n']);
  });

  it('prints a few lines otherwise: each state, each quarter, the end', () => {
    const out = stream(false);
    const bar = createProgressBar(out, 'Cases', () => 0);
    bar.update({ state: 'InProgress', done: 0, total: null });
    for (let done = 0; done <= 1_000; done += 100) bar.update({ state: 'JobComplete', done, total: 1_000 });
    bar.finish(1_000);
    expect(out.writes).toEqual([
      'Cases: query job InProgress\n',
      'Cases: 0% 0/1,000 records\n',
      'Cases: 30% 300/1,000 records\n',
      'Cases: 50% 500/1,000 records\n',
      'Cases: 80% 800/1,000 records\n',
      'Cases: 100% 1,000/1,000 records\n',
      'Cases: 1,000 records exported in 0.0 s\n',
    ]);
  });

  it('ends its line before anything else is written, on a terminal only', () => {
    const tty = stream(true);
    const bar = createProgressBar(tty, 'Contacts', () => 0);
    bar.interrupt();
    bar.update({ state: 'JobComplete', done: 0, total: 10 });
    bar.interrupt();
    bar.interrupt();
    expect(tty.writes.slice(1)).toEqual(['\n']);
    const pipe = stream(false);
    const quiet = createProgressBar(pipe, 'Contacts', () => 0);
    quiet.update({ state: 'JobComplete', done: 0, total: 10 });
    quiet.interrupt();
    expect(pipe.writes).toEqual(['Contacts: 0% 0/10 records\n']);
  });

  it('counts an empty export as done', () => {
    const out = stream(false);
    const bar = createProgressBar(out, 'Leads', () => 0);
    bar.update({ state: 'JobComplete', done: 0, total: 0 });
    expect(out.writes).toEqual(['Leads: 100% 0/0 records\n']);
  });
});
