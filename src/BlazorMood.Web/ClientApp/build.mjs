// Bundles the browser clients with their npm dependencies (SignalR + MessagePack protocol) into the web root:
// src/live-emotion.js (the Live Emotion tab) and src/kiosk.js (the gym kiosk), which share src/frame-stream.js.
// Each bundle stands alone (one file per page, no shared chunks to keep in step). Run by the MSBuild target in
// BlazorMood.Web.csproj after 'npm ci'; no CDN is involved at run time.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = process.argv[2] ?? path.resolve(here, '../../../wwwroot/js');

await build({
  entryPoints: [path.join(here, 'src/live-emotion.js'), path.join(here, 'src/kiosk.js')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2020'],
  minify: true,
  sourcemap: false,
  legalComments: 'eof',
  outdir,
  logLevel: 'warning',
});
console.log(`bundled live-emotion.js and kiosk.js into ${path.relative(process.cwd(), outdir) || '.'}`);
