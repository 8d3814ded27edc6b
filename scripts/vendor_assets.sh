#!/usr/bin/env bash
# Copy the built files of the pinned front-end packages (package.json) into static/vendor/ with licences.
# Run `make assets` after changing package.json; the result is committed so no Node is needed to run.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --ignore-scripts
V=static/vendor
rm -rf "$V" && mkdir -p "$V"/{bootstrap,htmx,echarts,axe-core}
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/LICENSE "$V/bootstrap/"
cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE "$V/htmx/"
cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE "$V/echarts/"
cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE "$V/axe-core/"
for p in bootstrap htmx.org echarts axe-core; do
  node -e "console.log(require('./node_modules/$p/package.json').name + ' ' + require('./node_modules/$p/package.json').version)"
done > "$V/VERSIONS.txt"
echo "vendored into $V:"; cat "$V/VERSIONS.txt"
