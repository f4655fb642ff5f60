import { SeriesBatcher } from '../../../src/receipts/series-batcher';

/** A runner that records its batches and fails any batch holding a job named 'bad'. */
function recorder() {
  const batches: string[][] = [];
  const run = async (jobs: string[]) => {
    batches.push([...jobs]);
    await new Promise((r) => setTimeout(r, 5));
    if (jobs.includes('bad')) throw new Error('bad job');
    return jobs.map((j) => `done:${j}`);
  };
  return { batches, run };
}

describe('SeriesBatcher', () => {
  const nextTurn = () => new Promise((r) => setImmediate(r));

  test('when jobs are submitted in the same turn of the event loop, then they share the first batch, in order', async () => {
    const { batches, run } = recorder();
    const batcher = new SeriesBatcher(run);
    const results = await Promise.all(['a', 'b', 'c'].map((j) => batcher.submit('s1', j)));
    expect(results).toEqual(['done:a', 'done:b', 'done:c']);
    expect(batches).toEqual([['a', 'b', 'c']]);
  });

  test('when jobs arrive while a batch runs, then they are committed together in the next batch, in order', async () => {
    const { batches, run } = recorder();
    const batcher = new SeriesBatcher(run);
    const first = batcher.submit('s1', 'a');
    await nextTurn(); // the batch of 'a' has started
    const results = await Promise.all([first, ...['b', 'c', 'd'].map((j) => batcher.submit('s1', j))]);
    expect(results).toEqual(['done:a', 'done:b', 'done:c', 'done:d']);
    expect(batches).toEqual([['a'], ['b', 'c', 'd']]);
  });

  test('when a batch fails, then its jobs are retried one by one and only the bad one fails', async () => {
    const { batches, run } = recorder();
    const batcher = new SeriesBatcher(run);
    const first = batcher.submit('s1', 'a');
    await nextTurn();
    const settled = await Promise.allSettled([first, ...['b', 'bad', 'c'].map((j) => batcher.submit('s1', j))]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(batches).toEqual([['a'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']]);
  });

  test('when series differ or the batch limit is reached, then batches are split', async () => {
    const { batches, run } = recorder();
    const batcher = new SeriesBatcher(run, { maxBatch: 2 });
    await Promise.all([batcher.submit('s1', 'a'), batcher.submit('s2', 'x'), batcher.submit('s1', 'b'), batcher.submit('s1', 'c'), batcher.submit('s1', 'd')]);
    expect(batches).toEqual([['a', 'b'], ['x'], ['c', 'd']]);
  });
});
