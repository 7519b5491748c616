import { describe, expect, it } from 'vitest';
import { createGate, isSubrequest, markSubrequest } from './gate.ts';

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the org gate', () => {
  it('lets an exclusive hold wait for requests in flight and hold new ones back until it ends', async () => {
    const gate = createGate();
    const log: string[] = [];
    const slow = gate.shared(async () => {
      log.push('slow start');
      await tick(20);
      log.push('slow end');
    });
    await tick(1);
    const exclusive = gate.shared(() =>
      gate.exclusive(async () => {
        log.push('exclusive start');
        await tick(20);
        log.push('exclusive end');
      }),
    );
    await tick(1);
    const late = gate.shared(async () => {
      log.push('late');
    });
    await Promise.all([slow, exclusive, late]);
    expect(log).toEqual(['slow start', 'slow end', 'exclusive start', 'exclusive end', 'late']);
  });

  it('runs two exclusive holds one after the other, without deadlock, and shared ones together', async () => {
    const gate = createGate();
    const log: string[] = [];
    const run = (name: string) =>
      gate.shared(() =>
        gate.exclusive(async () => {
          log.push(`${name} in`);
          await tick();
          log.push(`${name} out`);
        }),
      );
    await Promise.all([run('a'), run('b')]);
    expect(log).toEqual(['a in', 'a out', 'b in', 'b out']);
    let together = 0;
    let most = 0;
    const reader = () =>
      gate.shared(async () => {
        most = Math.max(most, ++together);
        await tick();
        together--;
      });
    await Promise.all([reader(), reader(), reader()]);
    expect(most).toBe(3);
  });

  it('marks subrequests by identity only', () => {
    const request = new Request('http://localhost/services/data/v60.0/limits');
    expect(isSubrequest(request)).toBe(false);
    expect(isSubrequest(markSubrequest(request))).toBe(true);
    expect(isSubrequest(new Request(request))).toBe(false);
  });
});
