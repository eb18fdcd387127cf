// Bundles the widget into src/Kefu/wwwroot/widget/ and reports its gzipped size (budget: 60 KB).
import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { readFileSync, mkdirSync, copyFileSync } from "node:fs";

const out = "../Kefu/wwwroot/widget";
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ["src/index.ts"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  outfile: `${out}/kefu-widget.js`,
  legalComments: "none",
});
copyFileSync("demo.html", `${out}/demo.html`);
const gz = gzipSync(readFileSync(`${out}/kefu-widget.js`)).length;
console.log(`kefu-widget.js: ${(gz / 1024).toFixed(1)} KB gzipped`);
if (gz > 60 * 1024) { console.error("widget over the 60 KB gzipped budget"); process.exit(1); }
