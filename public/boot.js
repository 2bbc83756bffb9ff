// Starts the console. trunk fills in the hashed file names as data attributes
// on this script's tag (see pattern_script in Trunk.toml); keeping the start-up
// code in a file lets the Content-Security-Policy forbid inline scripts.
const tag = document.querySelector('script[data-wasm][data-js]');
const { default: init } = await import(tag.dataset.js);
await init({ module_or_path: tag.dataset.wasm });
