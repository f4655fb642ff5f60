import { SeriesBatcher } from '../../../src/receipts/series-batcher';

/**
 * A runner that records its batches (with the batch each was told to follow) and fails any batch
 * holding a job named 'bad'; a batch's handoff is its own name, its first job.
 */
function recorder() {
  const batches: string[][] = [];
  const followed: (string | undefined)[] = [];
  const run = (jobs: string[], before: string | undefined) => {
    batches.push([...jobs]);
    followed.push(before);
    const results = (async () => {
      await new Promise((r) => setTimeout(r, 5));
      if (jobs.includes('bad')) throw new Error('bad job');
      return jobs.map((j) => `done:${j}`);
    })();
    return { results, handoff: jobs[0] };
  };
  return { batches, followed, run };
}

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('SeriesBatcher', () => {
  test('when jobs are submitted in the same turn of the event loop, then they are spread over the two places of the pipeline, in order', async () => {
    const { batches, followed, run } = recorder();
    const batcher = new SeriesBatcher(run);
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((j) => batcher.submit('s1', j)));
    expect(results).toEqual(['done:a', 'done:b', 'done:c', 'done:d', 'done:e']);
    expect(batches).toEqual([['a', 'b', 'c'], ['d', 'e']]);
    expect(followed).toEqual([undefined, 'a']); // the second batch numbers after the first
  });

  test('when jobs arrive while batches run, then they wait for a free place and are committed together', async () => {
    const { batches, followed, run } = recorder();
    const batcher = new SeriesBatcher(run, { depth: 1 });
    const first = batcher.submit('s1', 'a');
    await nextTurn(); // the batch of 'a' has started
    const results = await Promise.all([first, ...['b', 'c', 'd'].map((j) => batcher.submit('s1', j))]);
    expect(results).toEqual(['done:a', 'done:b', 'done:c', 'done:d']);
    expect(batches).toEqual([['a'], ['b', 'c', 'd']]);
    expect(followed).toEqual([undefined, undefined]); // 'a' was done when the second batch started
  });

  test('when a batch fails, then its jobs are retried one by one and only the bad one fails', async () => {
    const { batches, followed, run } = recorder();
    const batcher = new SeriesBatcher(run, { depth: 1 });
    const first = batcher.submit('s1', 'a');
    await nextTurn();
    const settled = await Promise.allSettled([first, ...['b', 'bad', 'c'].map((j) => batcher.submit('s1', j))]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(batches).toEqual([['a'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']]);
    expect(followed.slice(2)).toEqual([undefined, undefined, undefined]); // retries follow nothing
  });

  test('when series differ or the batch limit is reached, then batches are split', async () => {
    const { batches, run } = recorder();
    const batcher = new SeriesBatcher(run, { maxBatch: 2 });
    await Promise.all(['a', 'x', 'b', 'c', 'd', 'e'].map((j) => batcher.submit(j === 'x' ? 's2' : 's1', j)));
    expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['x'], ['e']]);
  });
});
