// Amazon's APL linter (the npm package apl-suggester) on APL documents, for
// tests/integration/test_apl_lint.py.
//
//   node tests/apl_lint.js MODULE_DIR DOCUMENT.json [DOCUMENT.json ...]
//
// MODULE_DIR is the installed apl-suggester (BACKCOACH_TEST_APL_SUGGESTER, set by .ci/apl.sh).
// stdout is one JSON object: each document's path -> its findings ({path, errorMessage, level}),
// an empty list when it is clean. The package's own chatter goes to stderr.
'use strict';

const fs = require('fs');
const path = require('path');

// The package logs with console.log; stdout carries only the JSON the test reads.
console.log = console.error;

const [moduleDir, ...documents] = process.argv.slice(2);
if (!moduleDir || documents.length === 0) {
    console.error('usage: node apl_lint.js MODULE_DIR DOCUMENT.json [DOCUMENT.json ...]');
    process.exit(2);
}
const suggester = require(path.resolve(moduleDir));

// Structural problems (an unknown component type, item with items, an import it cannot
// fetch) are reported through the package's error controller, not validate()'s result:
// collect them too, as the authoring tool shows both.
const reported = [];
const names = Object.fromEntries(
    Object.entries(suggester.ErrorDefinitions).map(([name, error]) => [error.code, name]),
);
const errors = suggester.ErrorController.getInstance();
errors.registerErrors();
errors.setErrorInterface({
    sendError(error) {
        const where = (error.placeholders || {}).path || '/';
        const errorMessage = `${names[error.code] || 'error'} (${error.code})`;
        reported.push({path: where, errorMessage, level: error.level});
    },
});

async function lint(file) {
    const document = JSON.parse(fs.readFileSync(file, 'utf8'));
    reported.length = 0;
    const found = await new suggester.StaticAplTemplateValidator().validate(document);
    return [...found, ...reported].map(({path: where, errorMessage, level}) => ({
        path: where,
        errorMessage,
        level,
    }));
}

async function main() {
    const out = {};
    for (const file of documents) {
        out[file] = await lint(file);
    }
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

main().catch((error) => {
    console.error(error && error.stack ? error.stack : error);
    process.exit(1);
});
