/**
 * The ray-ts dashboard: one page, served by every node next to `/metrics`, that reads the
 * state API (`/api/v0/...`) of the node that served it and polls it while it is open.
 */
import { render } from 'preact';
import { App } from './app.js';

render(<App />, document.getElementById('app')!);
