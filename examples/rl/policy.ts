/**
 * The Serve side: a deployment that loads a saved PPO policy and answers `POST /act` with
 * `{ obs: number[] }` → `{ action }` (the greedy action), and the client that plays one
 * CartPole-v1 episode through it. A deployment is defined at the top level of a module
 * because replica workers import that module to find the class.
 */
import { Algorithm, makeEnv, type Env } from '@ray-ts/rllib';
import { BadRequestError, serve } from '@ray-ts/serve';

/** A replica holds the policy restored from `checkpointDir`. */
class PolicyServer {
  private algo: Algorithm | undefined;
  constructor(readonly checkpointDir: string) {}

  /** Runs after construction, before the replica takes requests. */
  async init(): Promise<void> {
    this.algo = await Algorithm.fromCheckpoint(this.checkpointDir);
  }

  /** `POST /act` with `{ "obs": [4 numbers] }` → `{ "action": 0 | 1 }`. */
  async act(req: serve.Request): Promise<{ action: number }> {
    const { obs } = (await req.json()) as { obs?: unknown };
    if (!Array.isArray(obs) || obs.length !== 4 || !obs.every((v) => typeof v === 'number')) {
      throw new BadRequestError('body must be {"obs": [4 numbers]} (a CartPole-v1 observation)');
    }
    return { action: this.algo!.computeSingleAction(Float32Array.from(obs), { explore: false }) as number };
  }
}

/** The deployment (its replicas are `PolicyServer` instances). */
export const Policy = serve.deployment(PolicyServer, { name: 'Policy' });

/** One episode of CartPole-v1 (reset with `seed`), each action from `act`. */
export async function playEpisode(act: (obs: Float32Array) => Promise<number> | number, seed: number): Promise<{ ret: number; steps: number }> {
  const env: Env = makeEnv('CartPole-v1');
  let { obs } = env.reset({ seed });
  let ret = 0;
  let steps = 0;
  for (;;) {
    const r = env.step(await act(obs as Float32Array));
    ret += r.reward;
    steps++;
    obs = r.obs;
    if (r.terminated || r.truncated) return { ret, steps };
  }
}
