import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ActorRow } from './api-types.js';
import { serveView } from './serve-apps.js';

const actor = (name: string, state: ActorRow['state'] = 'ALIVE', namespace = 'serve'): ActorRow => ({
  actorId: name, className: 'X', name, namespace, state, numRestarts: 0, nodeId: 'n1',
});

test('Serve actors group into applications and deployments', () => {
  const v = serveView([
    actor('SERVE_CONTROLLER_ACTOR'), actor('SERVE_PROXY_ACTOR'),
    actor('SERVE_REPLICA::app#Ingress#r1'), actor('SERVE_REPLICA::app#Model#r1'), actor('SERVE_REPLICA::app#Model#r2', 'PENDING'),
    actor('SERVE_REPLICA::other#D#r1', 'DEAD'), actor('SERVE_REPLICA::x#y#z', 'ALIVE', 'elsewhere'), actor('plain', 'ALIVE', 'serve'),
  ]);
  assert.equal(v.controller?.name, 'SERVE_CONTROLLER_ACTOR');
  assert.equal(v.proxy?.state, 'ALIVE');
  assert.deepEqual(v.apps.map((a) => [a.name, a.deployments.map((d) => [d.name, d.stateCounts])]), [
    ['app', [['Ingress', { ALIVE: 1 }], ['Model', { ALIVE: 1, PENDING: 1 }]]],
    ['other', [['D', { DEAD: 1 }]]],
  ]);
});

test('no live controller, no applications', () => {
  assert.deepEqual(serveView([actor('SERVE_REPLICA::app#D#r1')]).apps, []);
  const v = serveView([actor('SERVE_CONTROLLER_ACTOR', 'DEAD'), actor('SERVE_REPLICA::app#D#r1', 'DEAD')]);
  assert.equal(v.controller?.state, 'DEAD');
  assert.deepEqual(v.apps, []);
});
