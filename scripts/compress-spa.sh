#!/usr/bin/env bash
# trunk's post_build hook (Trunk.toml), release builds only:
# 1. shortens the names that tie wasm-bindgen's JS glue to the wasm (each
#    import and each closure export ends in 16 hex digits, noise that brotli
#    cannot compress) and drops wasm-streams' exported classes, which
#    server_fn links for streaming bodies the console never uses (their code
#    stays in the wasm while they are exported): 5.4 KB less brotli;
# 2. runs wasm-opt, here rather than in trunk so that it comes after step 1
#    and removes the dropped exports' code: -O2 rather than -Oz (about 7% more
#    wasm but 2 KB less of it after brotli, which is what a browser
#    downloads), twice (the second finds 0.3 KB more, a third nothing), with
#    functions sorted by name (the copies of one generic function sit side by
#    side, where brotli finds their likeness: 1.3 KB) and the producers and
#    target-features sections stripped (0.7 KB);
# 3. minifies wasm-bindgen's JS glue with terser (trunk's minifier cannot
#    parse its `export default`) and updates the integrity hashes of the glue
#    and the wasm in index.html;
# 4. writes a brotli (-q 11) and a gzip (-9) copy beside every file a browser
#    downloads, so the BFF serves them compressed without compressing on each
#    request.
# 0. (before all the rest) splits the wasm into the main module and the
#    chunks that load when first needed (the pages in app/src/split.rs,
#    `#[lazy]` in release builds): wasm-split-cli (wasm_split_cli_support,
#    as cargo-leptos --split does) on the wasm rustc linked with
#    --emit-relocs (app/build.rs), then wasm-bindgen again on the main
#    module, with --keep-lld-exports (the chunks import the main module's
#    functions, memory and table under those names) and --no-demangle,
#    replacing the glue and wasm trunk made. Its loader, __wasm_split.js
#    (imported by the glue), fetches each chunk beside it. Chunks and loader
#    get a content hash in their names (`name-<16 hex>`, as trunk names its
#    files), so a tab opened before a deploy never mixes chunks of two builds
#    and the BFF caches them as immutable.
# Debug builds are left alone: this would slow every `trunk serve` rebuild.
set -euo pipefail
[ "${TRUNK_PROFILE:-}" = release ] || exit 0
. "$(dirname "$0")/common.sh"
command -v brotli >/dev/null || { echo "brotli is missing: run scripts/setup.sh (apt-get install brotli)" >&2; exit 1; }
[ -x "$TERSER_BIN/terser" ] || { echo "terser is missing: run scripts/setup.sh" >&2; exit 1; }
[ -x "$BINARYEN_BIN/wasm-opt" ] || { echo "wasm-opt is missing: run scripts/setup.sh" >&2; exit 1; }
# Keep in step with scripts/setup.sh.
WASM_SPLIT_VERSION=0.2.4
WASM_SPLIT=$TOOLS_DIR/wasm-split-$WASM_SPLIT_VERSION/bin/wasm-split-cli
[ -x "$WASM_SPLIT" ] || { echo "wasm-split-cli is missing: run scripts/setup.sh" >&2; exit 1; }
command -v wasm-bindgen >/dev/null || { echo "wasm-bindgen is missing: run scripts/setup.sh" >&2; exit 1; }
# The wasm as rustc linked it (before trunk's wasm-bindgen).
RAW_WASM=${CARGO_TARGET_DIR:-$TRUNK_SOURCE_DIR/../target}/wasm32-unknown-unknown/wasm-release/configurator-app.wasm
cd "${TRUNK_STAGING_DIR:?run by trunk}"

# Step 0 for one glue file (its stem: trunk's `configurator-app-<hash>`).
# Leaves the chunks as split_*.wasm / chunk_*.wasm and the loader as
# __wasm_split.js in the staging dir.
split_wasm() {
  local stem=$1 work
  [ -f "$RAW_WASM" ] || { echo "$RAW_WASM is missing: cannot split the wasm" >&2; exit 1; }
  if ! grep -q __wasm_split_placeholder__ "$RAW_WASM"; then
    echo "compress-spa: the wasm has no split points (app/src/split.rs): not split" >&2
    return
  fi
  work=$(mktemp -d)
  "$WASM_SPLIT" "$RAW_WASM" "$work" --target web --out-name "$stem" >/dev/null
  wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
    --out-name "$stem" --out-dir "$work/bindgen" "$work/$stem.wasm"
  mv "$work/bindgen/$stem.js" "$stem.js"
  mv "$work/bindgen/${stem}_bg.wasm" "${stem}_bg.wasm"
  rm -f "$work/$stem.wasm"
  mv "$work"/*.wasm "$work/__wasm_split.js" .
  rm -rf "$work"
}

# Step 0's last part, after wasm-opt: content hashes into the names of the
# chunks and the loader, and into the references to them.
hash_chunks() {
  local glue=$1 chunk name hash
  [ -f __wasm_split.js ] || return 0
  for chunk in split_*.wasm chunk_*.wasm; do
    [ -f "$chunk" ] || continue
    name=${chunk%.wasm}
    hash=$(sha256sum "$chunk" | cut -c1-16)
    mv "$chunk" "$name-$hash.wasm"
    sed -i "s|\"\./$name\.wasm\"|\"./$name-$hash.wasm\"|" __wasm_split.js
    grep -q "$name-$hash.wasm" __wasm_split.js || { echo "$chunk is not in __wasm_split.js" >&2; exit 1; }
  done
  "$TERSER_BIN/terser" __wasm_split.js --module --compress --mangle --output __wasm_split.js.min
  hash=$(sha256sum __wasm_split.js.min | cut -c1-16)
  mv __wasm_split.js.min "__wasm_split-$hash.js"
  rm __wasm_split.js
  # Only the import statements: the imports object handed to the wasm keeps
  # the module name the wasm imports from.
  grep -q "from ['\"]\./__wasm_split\.js['\"]" "$glue" || { echo "$glue does not import __wasm_split.js" >&2; exit 1; }
  sed -i "s|from \(['\"]\)\./__wasm_split\.js\(['\"]\)|from \1./__wasm_split-$hash.js\2|g" "$glue"
}

# Step 1 for one glue file and its wasm, both edited in place.
shorten_names() {
  node --input-type=module - "$1" "$2" <<'JS'
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const [gluePath, wasmPath] = process.argv.slice(2);
let js = readFileSync(gluePath, 'utf8');
const wasm = readFileSync(wasmPath);
// The main module's exports that the split loader hands to the chunks keep
// their names (the chunks import them by name).
const splitJs = existsSync('__wasm_split.js') ? readFileSync('__wasm_split.js', 'utf8') : '';
const shared = (name) => new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(splitJs);

// Just enough of the wasm binary format for the import and export sections.
function leb(buf, pos) {
  let n = 0, shift = 0, b;
  do { b = buf[pos++]; n += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return [n, pos];
}
function uleb(n) {
  const out = [];
  do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; out.push(b); } while (n);
  return Buffer.from(out);
}
const encodeName = (s) => { const b = Buffer.from(s, 'utf8'); return Buffer.concat([uleb(b.length), b]); };
function readName(buf, pos) {
  const [len, p] = leb(buf, pos);
  return [buf.toString('utf8', p, p + len), p + len];
}
function skipLimits(buf, pos) {
  const flags = buf[pos++];
  let [, p] = leb(buf, pos);
  if (flags & 1) [, p] = leb(buf, p);
  return p;
}
const sections = [];
for (let pos = 8; pos < wasm.length;) {
  const [size, start] = leb(wasm, pos + 1);
  sections.push({ id: wasm[pos], body: wasm.subarray(start, start + size) });
  pos = start + size;
}

// wasm-streams' classes, unless the wasm can make one (it then imports the
// class's constructor wrapper).
const unused = [...js.matchAll(/^export class (IntoUnderlying\w+) \{$/gm)].map((m) => m[1])
  .filter((c) => !new RegExp(`__wbg_${c.toLowerCase()}_(new|wrap)`).test(js));
for (const c of unused) {
  js = js.replace(new RegExp(`^export class ${c} \\{\\n[\\s\\S]*?^\\}\\n(if \\(Symbol\\.dispose\\) ${c}\\.prototype.*\\n)?`, 'm'), '')
    .replace(new RegExp(`^const ${c}Finalization = [\\s\\S]*?;\\n`, 'm'), '');
}
const dropped = (name) =>
  unused.some((c) => name.startsWith(`${c.toLowerCase()}_`) || name === `__wbg_${c.toLowerCase()}_free`);

const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const short = (i) => { let s = ''; do { s = letters[i % 52] + s; i = Math.floor(i / 52) - 1; } while (i >= 0); return s; };
const renames = new Map();
for (const s of sections) {
  const b = s.body;
  if (s.id === 2) { // imports from the glue: a, b, c, …
    let [count, pos] = leb(b, 0);
    const parts = [uleb(count)];
    for (let k = 0; k < count; k++) {
      let module, name;
      [module, pos] = readName(b, pos);
      [name, pos] = readName(b, pos);
      const desc = pos, kind = b[pos++];
      if (kind === 0) [, pos] = leb(b, pos);
      else if (kind === 1) pos = skipLimits(b, pos + 1);
      else if (kind === 2) pos = skipLimits(b, pos);
      else if (kind === 3) pos += 2;
      else if (kind === 4) [, pos] = leb(b, pos + 1);
      else throw new Error(`unknown import kind ${kind}`);
      if (module.endsWith('_bg.js')) {
        if (!renames.has(name)) renames.set(name, short(renames.size));
        name = renames.get(name);
      }
      parts.push(encodeName(module), encodeName(name), b.subarray(desc, pos));
    }
    s.body = Buffer.concat(parts);
  } else if (s.id === 7) { // exports: the hashed ones become $a, $b, …
    let [count, pos] = leb(b, 0);
    const kept = [];
    for (let k = 0; k < count; k++) {
      let name;
      [name, pos] = readName(b, pos);
      const desc = pos;
      [, pos] = leb(b, pos + 1);
      if (dropped(name)) continue;
      if (/_h[0-9a-f]{16}(_\d+)?$/.test(name) && !shared(name)) {
        renames.set(name, `$${short(renames.size)}`);
        name = renames.get(name);
      }
      kept.push(Buffer.concat([encodeName(name), b.subarray(desc, pos)]));
    }
    s.body = Buffer.concat([uleb(kept.length), ...kept]);
  }
}
for (const [name, to] of renames) {
  const re = new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
  if (!re.test(js)) throw new Error(`${name} is not in the JS glue`);
  js = js.replace(re, to);
}
for (const c of unused) {
  if (js.includes(c) || js.includes(c.toLowerCase())) throw new Error(`the JS glue still uses ${c}`);
}
writeFileSync(gluePath, js);
writeFileSync(wasmPath, Buffer.concat([wasm.subarray(0, 8),
  ...sections.flatMap((s) => [Buffer.from([s.id]), uleb(s.body.length), s.body])]));
JS
}

sri() { printf 'sha384-%s' "$(openssl dgst -sha384 -binary "$1" | base64 -w0)"; }
for glue in configurator-app-*.js; do
  wasm=${glue%.js}_bg.wasm
  js_before=$(sri "$glue") wasm_before=$(sri "$wasm")
  split_wasm "${glue%.js}"
  shorten_names "$glue" "$wasm"
  for w in "$wasm" split_*.wasm chunk_*.wasm; do
    [ -f "$w" ] || continue
    "$BINARYEN_BIN/wasm-opt" -O2 -O2 --reorder-functions-by-name --strip-producers --strip-target-features \
      "$w" --output "$w"
  done
  hash_chunks "$glue"
  "$TERSER_BIN/terser" "$glue" --module --compress --mangle --output "$glue.min"
  mv "$glue.min" "$glue"
  sed -i -e "s|$js_before|$(sri "$glue")|g" -e "s|$wasm_before|$(sri "$wasm")|g" index.html
done

for file in *.wasm *.js *.css *.html *.svg; do
  [ -f "$file" ] || continue
  brotli --force --quality=11 --output="$file.br" "$file"
  gzip -9 --force --keep --no-name "$file"
done
