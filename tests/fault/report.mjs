// Turns the SCENARIO lines of a fault suite run into the Markdown table of
// docs/fault-tolerance.md:  (cd build && ctest -L fault -V) | node tests/fault/report.mjs
import readline from 'node:readline';

const columns = ['scenario', 'sent', 'resent', 'saved', 'failed', 'lost', 'duplicates', 'maxAnswerMs'];
const rows = [];
for await (const line of readline.createInterface({ input: process.stdin })) {
  const at = line.indexOf('SCENARIO {');
  if (at >= 0) rows.push(JSON.parse(line.slice(at + 'SCENARIO '.length)));
}
console.log(`| ${columns.join(' | ')} | other figures |`);
console.log(`|${columns.map(() => '---').join('|')}|---|`);
for (const row of rows) {
  const other = Object.entries(row).filter(([k]) => !columns.includes(k)).map(([k, v]) => `${k} ${v}`);
  console.log(`| ${columns.map(c => row[c]).join(' | ')} | ${other.join(', ')} |`);
}
