/**
 * Ray's local shuffle buffer for `iterBatches({ localShuffleBufferSize })`: rows collect
 * in a buffer; each batch is drawn from a random permutation of at least
 * `bufferRows + batchSize` buffered rows (fewer only when the input runs out, at the end).
 * The buffer is shuffled again whenever new rows have doubled it, so every row is copied
 * about twice. Deterministic with a seed.
 */
import type { Block } from '../block.js';
import { concatBlocks, takeRows } from '../block/block-accessor.js';
import { seededRandom } from './all-to-all/sort-key.js';

/** The rows of a block in a random order. */
function shuffleBlock(block: Block, rand: () => number): Block {
  const idx = new Uint32Array(block.numRows);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return takeRows(block, idx);
}

/**
 * Batches of `batchSize` rows (the last may be smaller) drawn at random from a buffer of
 * at least `bufferRows` rows, from a stream of blocks.
 */
export async function* shuffledBatches(input: AsyncIterable<Block>, batchSize: number, bufferRows: number, seed?: number): AsyncGenerator<Block> {
  const rand = seededRandom(seed ?? Math.floor(Math.random() * 2 ** 31));
  let buf: Block | undefined;
  let fresh: Block[] = [];
  let freshRows = 0;
  const compact = (): Block => {
    const all = concatBlocks(buf ? [buf, ...fresh] : fresh);
    fresh = [];
    freshRows = 0;
    return shuffleBlock(all, rand);
  };
  for await (const block of input) {
    if (block.numRows === 0) continue;
    fresh.push(block);
    freshRows += block.numRows;
    const have = (buf?.numRows ?? 0) + freshRows;
    if (have < bufferRows + batchSize || freshRows < Math.max(batchSize, bufferRows)) continue;
    buf = compact();
    while (buf.numRows - batchSize >= bufferRows) {
      yield buf.slice(0, batchSize);
      buf = buf.slice(batchSize);
    }
  }
  if (!buf && fresh.length === 0) return;
  buf = compact();
  for (let at = 0; at < buf.numRows; at += batchSize) yield buf.slice(at, Math.min(buf.numRows, at + batchSize));
}
