/** A log that follows its source: reads from offset 0, then asks for what was added since. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { LogChunk } from './api-types.js';
import { POLL_MS } from './use-poll.js';

/** Characters kept on screen (the start is dropped past this). */
const KEEP = 2_000_000;

/** Follows a log; `read(offset)` answers the next chunk (null: no such log). Re-reads from 0 when `id` changes. */
export function LogTail(p: { id: string; read: (offset: number, signal: AbortSignal) => Promise<LogChunk | null> }) {
  const [text, setText] = useState('');
  const [note, setNote] = useState('loading…');
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    let offset = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setText('');
    setNote('loading…');
    const tick = async () => {
      try {
        const chunk = await p.read(offset, ctrl.signal);
        if (ctrl.signal.aborted) return;
        if (!chunk) {
          setNote('this log is gone (its node stopped, or the file was removed)');
        } else {
          offset = chunk.offset;
          if (chunk.data) {
            const el = pre.current;
            const atEnd = !el || el.scrollHeight - el.scrollTop - el.clientHeight < 40;
            setText((t) => (t + chunk.data).slice(-KEEP));
            if (atEnd) requestAnimationFrame(() => pre.current && (pre.current.scrollTop = pre.current.scrollHeight));
          }
          setNote(chunk.done ? `complete · ${offset} bytes` : `following · ${offset} bytes`);
          if (chunk.done) return;
        }
      } catch (err) {
        if (ctrl.signal.aborted) return;
        setNote((err as Error).message);
      }
      timer = setTimeout(tick, POLL_MS);
    };
    void tick();
    return () => {
      ctrl.abort();
      clearTimeout(timer);
    };
  }, [p.id]);
  return (
    <div class="log">
      <div class="log-note">{note}</div>
      <pre ref={pre} data-testid="log-text">{text || <span class="muted">(empty)</span>}</pre>
    </div>
  );
}
