// Bundles src/live-emotion.js with its npm dependencies (SignalR + MessagePack protocol) into the web root.
// Run by the MSBuild target in BlazorMood.Web.csproj after 'npm ci'; no CDN is involved at run time.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const outfile = process.argv[2] ?? path.resolve(here, '../../../wwwroot/js/live-emotion.js');

await build({
  entryPoints: [path.join(here, 'src/live-emotion.js')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2020'],
  minify: true,
  sourcemap: false,
  legalComments: 'eof',
  outfile,
  logLevel: 'warning',
});
console.log(`bundled ${path.relative(process.cwd(), outfile)}`);
