/**
 * Silences the one-time "Hi, looks like you are running TensorFlow.js in Node.js" banner
 * of tfjs's cpu backend, and nothing else: tfjs prints it on the first tensor write when
 * the backend's `firstUse` flag is still set, so we clear that flag on the cpu backend
 * instance (or on the instance its factory will create, if it is not created yet).
 */
import * as tf from '@tensorflow/tfjs';

/** Registry entry of tfjs's engine (not public API; read only to keep the cpu priority). */
interface FactoryEntry {
  readonly priority?: number;
}

/** The cpu backend's priority in tfjs 4.x, used if the engine's registry cannot be read. */
const CPU_PRIORITY = 1;

let wrapped = false;

function markUsed(backend: unknown): void {
  if (backend !== null && typeof backend === 'object' && 'firstUse' in backend) {
    (backend as { firstUse: boolean }).firstUse = false;
  }
}

/**
 * Stops tfjs's cpu backend from printing its "install tfjs-node" banner. Idempotent; a
 * no-op when the cpu backend is not registered.
 */
export function silenceNodeBanner(): void {
  const engine = tf.engine() as unknown as {
    registry: Record<string, unknown>;
    registryFactory: Record<string, FactoryEntry | undefined>;
  };
  const instance = engine.registry['cpu'];
  if (instance !== undefined) {
    markUsed(instance);
    return;
  }
  if (wrapped) return;
  const factory = tf.findBackendFactory('cpu');
  if (factory == null) return;
  const priority = engine.registryFactory['cpu']?.priority ?? CPU_PRIORITY;
  tf.removeBackend('cpu');
  tf.registerBackend(
    'cpu',
    () => {
      const backend = factory();
      if (backend instanceof Promise) return backend.then((b) => (markUsed(b), b));
      markUsed(backend);
      return backend;
    },
    priority,
  );
  wrapped = true;
}
