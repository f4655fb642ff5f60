/** Group commit: calls made together are written as one batch, answered in order, failures isolated. */
import { groupCommit } from '../../../src/exchange/group-commit';

describe('groupCommit', () => {
  test('when calls arrive in the same turn, then they are written as one batch and each gets its own answer', async () => {
    const batches: number[][] = [];
    const double = groupCommit(async (xs: number[]) => {
      batches.push(xs);
      return xs.map((x) => x * 2);
    });
    const out = await Promise.all([1, 2, 3, 4].map(double));
    expect(out).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });

  test('when more calls arrive than maxBatch, then batches hold at most maxBatch items and every call is answered', async () => {
    const sizes: number[] = [];
    const id = groupCommit(async (xs: number[]) => {
      sizes.push(xs.length);
      return xs;
    }, { maxBatch: 3, maxInFlight: 1 });
    const out = await Promise.all(Array.from({ length: 10 }, (_, i) => id(i)));
    expect(out).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
  });

  test('when a batch fails because of one item, then only that caller fails (the others are retried alone)', async () => {
    const write = groupCommit(async (xs: number[]) => {
      if (xs.includes(13)) throw new Error('bad item 13');
      return xs.map((x) => x + 1);
    });
    const out = await Promise.allSettled([1, 13, 2].map(write));
    expect(out[0]).toEqual({ status: 'fulfilled', value: 2 });
    expect(out[1]).toMatchObject({ status: 'rejected', reason: new Error('bad item 13') });
    expect(out[2]).toEqual({ status: 'fulfilled', value: 3 });
  });

  test('when a call arrives while a batch is being written, then it is answered only after its own batch', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const write = groupCommit(async (xs: string[]) => {
      if (xs.includes('a')) await gate;
      order.push(xs.join(','));
      return xs;
    }, { maxInFlight: 1 });
    const a = write('a');
    await new Promise((r) => setImmediate(r));
    const b = write('b');
    const c = write('c');
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]);
    release();
    expect(await Promise.all([a, b, c])).toEqual(['a', 'b', 'c']);
    expect(order).toEqual(['a', 'b,c']);
  });
});
