/**
 * The body of a signing worker thread (started by signing-workers.ts): it holds its own stamp kit
 * (fonts subset once per thread, images prepared once per thread) and runs {@link runSignWork}
 * for the jobs it is given. It never sees a private key: its KeyHandle sends the data to sign back
 * to the parent thread, which holds the PKCS#12 KeyObject or the PKCS#11 session, and waits for
 * the signature value.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { HashAlgorithm, KeyHandle } from '../keys/key-handle';
import { createStampKit, type StampFonts } from '../stamp';
import { runSignWork, type SignWork } from './sign-work';
import { fromWireError, toWireError, type FromWorker, type PublicKeyInfo, type ToWorker } from './signing-worker-messages';

const port = parentPort;
if (!port) throw new Error('signing-worker-thread.ts runs only as a worker thread');
// the parent's font bytes: the worker reads nothing from disk
const stamp = createStampKit((workerData as { fonts: StampFonts }).fonts);
const pendingSignatures = new Map<number, { resolve: (b: Buffer) => void; reject: (e: unknown) => void }>();
let nextSignature = 0;

function post(message: FromWorker): void {
  port!.postMessage(message);
}

/**
 * One handle per parent key, kept: what is derived from a key (its parsed certificate, its CMS
 * size estimate) is cached per handle, and parsing a certificate costs more than an RSA signature.
 */
const handles = new Map<number, KeyHandle>();

function handleOf(info: PublicKeyInfo): KeyHandle {
  let handle = handles.get(info.id);
  if (!handle) handles.set(info.id, (handle = remoteKey(info)));
  return handle;
}

/** A KeyHandle whose private-key operation happens in the parent thread. */
function remoteKey(info: PublicKeyInfo): KeyHandle {
  return {
    alias: info.alias,
    certificate: Buffer.from(info.certificate),
    chain: info.chain.map((c) => Buffer.from(c)),
    key: info.key,
    scheme: info.scheme,
    sign(data: Uint8Array, hash: HashAlgorithm): Promise<Buffer> {
      const id = nextSignature++;
      return new Promise<Buffer>((resolve, reject) => {
        pendingSignatures.set(id, { resolve, reject });
        post({ type: 'sign', key: info.id, id, data: new Uint8Array(data), hash }); // exact bytes, not a pooled buffer
      });
    },
    close: async () => undefined,
  };
}

async function runJob(job: number, work: SignWork, key: PublicKeyInfo): Promise<void> {
  try {
    const result = await runSignWork(await stamp, handleOf(key), work);
    post({ type: 'done', job, result });
  } catch (e) {
    post({ type: 'failed', job, error: toWireError(e) });
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'job') {
    void runJob(m.job, m.work, m.key);
    return;
  }
  const pending = pendingSignatures.get(m.id);
  if (!pending) return;
  pendingSignatures.delete(m.id);
  if (m.type === 'signed') pending.resolve(Buffer.from(m.signature.buffer, m.signature.byteOffset, m.signature.byteLength));
  else pending.reject(fromWireError(m.error));
});

stamp.then(
  () => post({ type: 'ready' }),
  (e: unknown) => post({ type: 'broken', message: (e as Error)?.message ?? String(e) }),
);
