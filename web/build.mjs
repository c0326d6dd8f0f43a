// Bundles the web client (src/) into dist/ with content-hashed asset names, and puts Swagger UI
// (npm swagger-ui-dist) at dist/swagger-ui/ reading chatd's /api/v1/openapi.json. chatd serves
// dist/ as it is; nothing is loaded from elsewhere at run time.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(path.join(dist, 'swagger-ui'), { recursive: true });

const result = await esbuild.build({
  entryPoints: { app: path.join(here, 'src/main.js') },
  bundle: true,
  format: 'esm',
  target: 'es2020',
  minify: true,
  sourcemap: true,
  entryNames: 'assets/[name]-[hash]',
  outdir: dist,
  metafile: true,
  logLevel: 'warning',
});
const outputs = Object.keys(result.metafile.outputs).map(file => '/' + path.relative(dist, file));
const script = outputs.find(file => file.endsWith('.js'));
const style = outputs.find(file => file.endsWith('.css'));
const page = fs.readFileSync(path.join(here, 'src/index.html'), 'utf8')
  .replace('%SCRIPT%', script).replace('%STYLE%', style);
fs.writeFileSync(path.join(dist, 'index.html'), page);
fs.copyFileSync(path.join(here, 'src/favicon.svg'), path.join(dist, 'favicon.svg'));

const swagger = path.dirname(fileURLToPath(import.meta.resolve('swagger-ui-dist/package.json')));
for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png'])
  fs.copyFileSync(path.join(swagger, file), path.join(dist, 'swagger-ui', file));
for (const file of ['index.html', 'init.js'])
  fs.copyFileSync(path.join(here, 'swagger', file), path.join(dist, 'swagger-ui', file));
console.log(`web: ${script}, ${style} and swagger-ui/ in ${path.relative(process.cwd(), dist) || '.'}`);
