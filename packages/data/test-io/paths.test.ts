import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globToRegExp, groupBySize, parseS3Url, resolveS3Options } from '../src/io/index.js';

describe('paths', () => {
  it('compiles globs', () => {
    const m = (g: string, p: string) => globToRegExp(g).test(p);
    assert.ok(m('*.csv', 'a.csv'));
    assert.ok(!m('*.csv', 'x/a.csv'));
    assert.ok(m('**/*.csv', 'a.csv'));
    assert.ok(m('**/*.csv', 'x/y/a.csv'));
    assert.ok(m('x/**', 'x/y/z'));
    assert.ok(m('part-?.parquet', 'part-1.parquet'));
    assert.ok(!m('part-?.parquet', 'part-12.parquet'));
    assert.ok(m('[ab].txt', 'b.txt') && !m('[ab].txt', 'c.txt'));
    assert.ok(m('[!ab].txt', 'c.txt'));
    assert.ok(m('a+b(1).txt', 'a+b(1).txt'));
  });

  it('parses s3 URLs', () => {
    assert.deepEqual(parseS3Url('s3://bkt/a/b.csv'), { bucket: 'bkt', key: 'a/b.csv' });
    assert.deepEqual(parseS3Url('s3://bkt'), { bucket: 'bkt', key: '' });
    assert.throws(() => parseS3Url('s3:///x'), /no bucket/);
  });

  it('resolves S3 settings from the environment without copying secrets', () => {
    const o = resolveS3Options({}, { AWS_ENDPOINT_URL: 'http://h:1', AWS_REGION: 'eu-west-1', AWS_SECRET_ACCESS_KEY: 's' });
    assert.deepEqual(o, { region: 'eu-west-1', forcePathStyle: true, endpoint: 'http://h:1' });
    assert.deepEqual(resolveS3Options({ region: 'x' }, {}), { region: 'x', forcePathStyle: false });
  });

  it('groups files into balanced tasks', () => {
    const files = [10, 10, 10, 10, 10, 10].map((size, i) => ({ size, i }));
    assert.deepEqual(groupBySize(files, 3).map((g) => g.map((f) => f.i)), [[0, 1], [2, 3], [4, 5]]);
    assert.equal(groupBySize(files, 100).length, 6);
    assert.equal(groupBySize([{ size: 100 }, { size: 1 }, { size: 1 }], 2).length, 2);
  });
});
