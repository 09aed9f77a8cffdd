// docs/benchmarks.md is written by two commands: `npm run bench` writes the file, `npm run bench:cluster`
// its cluster section. The section sits between markers so that each command keeps the other's part.

const start = (name: string) => `<!-- ${name}: start (written by its own command; kept by the others) -->`;
const end = (name: string) => `<!-- ${name}: end -->`;

/** The section's text with its markers, or null when the document has none. */
export function sectionOf(doc: string, name: string): string | null {
  const from = doc.indexOf(start(name));
  const to = doc.indexOf(end(name));
  return from >= 0 && to > from ? doc.slice(from, to + end(name).length) : null;
}

/** The document with the section's body replaced, or appended when it has none. */
export function withSection(doc: string, name: string, body: string): string {
  const section = `${start(name)}\n${body.trim()}\n${end(name)}`;
  const existing = sectionOf(doc, name);
  return existing === null ? `${doc.trimEnd()}\n\n${section}\n` : doc.replace(existing, section);
}

/** A freshly written document that keeps the section an earlier version of it had. */
export function keepingSection(written: string, previous: string, name: string): string {
  const kept = sectionOf(previous, name);
  return kept === null ? written : `${written.trimEnd()}\n\n${kept}\n`;
}
