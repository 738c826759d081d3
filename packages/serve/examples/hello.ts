// Run: node --conditions=development --import tsx packages/serve/examples/hello.ts
import * as ray from '@ray-ts/core';
import { serve, type DeploymentHandle } from '@ray-ts/serve';

export const Greeter = serve.deployment(class Greeter {
  greet(name: string) { return `Hello, ${name}!`; }
}, { numReplicas: 2 });

export const Ingress = serve.deployment(class Ingress {
  constructor(readonly greeter: DeploymentHandle<{ greet(name: string): string }>) {}
  async __call__(req: serve.Request) {
    return { message: await this.greeter.greet.remote(req.query.name ?? 'world') };
  }
});

if (ray.isMain(import.meta)) {
  await ray.init({ numCpus: 2 });
  await serve.run(Ingress.bind(Greeter.bind()), { routePrefix: '/hello', port: 0 });
  const { port } = (await serve.status()).proxy!;
  console.log(await (await fetch(`http://127.0.0.1:${port}/hello?name=ray`)).json()); // { message: 'Hello, ray!' }
  await serve.shutdown();
  ray.shutdown();
}
