import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import { BadRequestError, RequestTimeoutError } from '../errors.js';
import { statusOf } from './http-io.js';

test('statusOf: the error a deployment threw decides the status, however many handle hops wrapped it', () => {
  const bad = new BadRequestError('readings[0] must be a number');
  assert.deepEqual(statusOf(bad), { status: 400, message: 'BadRequestError: readings[0] must be a number' });
  const twoHops = new ray.RayTaskError('Ingress.fetch', 2, new ray.RayTaskError('Preprocess.run', 1, bad));
  assert.deepEqual(statusOf(twoHops), { status: 400, message: 'BadRequestError: readings[0] must be a number' });
  assert.equal(statusOf(new ray.RayTaskError('a', 1, new RequestTimeoutError(50, 'Model.predict'))).status, 408);
  const plain = statusOf(new ray.RayTaskError('a', 1, new ray.RayTaskError('b', 2, new TypeError('x is undefined'))));
  assert.deepEqual(plain, { status: 500, message: 'TypeError: x is undefined' });
});
