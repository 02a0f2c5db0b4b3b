// Composes the committed subgraph SDL files into supergraph.graphql.
//
//   node compose.mjs          write supergraph.graphql
//   node compose.mjs --check  exit 1 if composition fails or supergraph.graphql is stale
//
// Subgraphs are the files subgraphs/<name>.graphql; each name must appear in
// subgraphs.json, which gives the URL written into the supergraph. The
// gateway can point a subgraph elsewhere at start (KOMMUNTAL_URL, ...), so
// the URLs here are only development defaults.
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const subgraphDir = join(here, 'subgraphs');
const urlsFile = join(here, 'subgraphs.json');
const supergraphFile = join(here, 'supergraph.graphql');

function fail(message) {
  console.error(message);
  process.exit(1);
}

function loadServices() {
  const urls = JSON.parse(readFileSync(urlsFile, 'utf8'));
  const files = readdirSync(subgraphDir)
    .filter((file) => file.endsWith('.graphql'))
    .sort();
  if (files.length === 0) {
    fail(`no subgraph SDL files in ${subgraphDir}`);
  }
  return files.map((file) => {
    const name = basename(file, '.graphql');
    if (typeof urls[name] !== 'string') {
      fail(`subgraphs/${file} has no URL in subgraphs.json`);
    }
    const path = join(subgraphDir, file);
    let typeDefs;
    try {
      typeDefs = parse(readFileSync(path, 'utf8'));
    } catch (error) {
      fail(`subgraphs/${file}: ${error.message}`);
    }
    return { name, url: urls[name], typeDefs };
  });
}

function compose() {
  const services = loadServices();
  const result = composeServices(services);
  if (result.errors) {
    const lines = result.errors.map((error) => {
      const code = error.extensions?.code ? `[${error.extensions.code}] ` : '';
      return `  - ${code}${error.message}`;
    });
    fail(`composition failed (${services.map((s) => s.name).join(', ')}):\n${lines.join('\n')}`);
  }
  return { names: services.map((s) => s.name), sdl: `${result.supergraphSdl.trimEnd()}\n` };
}

const check = process.argv.includes('--check');
const { names, sdl } = compose();
if (check) {
  const committed = existsSync(supergraphFile) ? readFileSync(supergraphFile, 'utf8') : null;
  if (committed !== sdl) {
    fail(
      committed === null
        ? 'supergraph.graphql is missing: run `node compose.mjs` in gateway/'
        : 'supergraph.graphql is stale: run `node compose.mjs` in gateway/ and commit the result',
    );
  }
  console.log(`supergraph.graphql is up to date (${names.join(', ')})`);
} else {
  writeFileSync(supergraphFile, sdl);
  console.log(`wrote supergraph.graphql (${names.join(', ')})`);
}
