import type { BuildDiagnostic } from '../../../api/jobs-api';

/** A build that prints thousands of warnings still gives a list a person can read. */
export const MAX_DIAGNOSTICS = 500;

// gcc / g++ / gfortran (one line) and make: "file:line:col: severity: message", or without the
// column ("file:line: error: ...", older tools and make's own "Makefile:3: *** ...").
const ONE_LINE =
  /^(?<file>[^\s:][^:]*):(?<line>\d+):(?:(?<col>\d+):)?\s*(?<sev>fatal error|error|warning|note|Error|Warning|Fatal Error):\s*(?<msg>.*)$/;
const MAKE_STOP = /^(?<file>[^\s:][^:]*):(?<line>\d+): \*\*\* (?<msg>.*)$/;
// gfortran puts the location on a line of its own, then the source excerpt, then "Error: ...".
const LOCATION_ONLY = /^(?<file>[^\s:][^:]*):(?<line>\d+):(?:(?<col>\d+):)?\s*$/;
const FORTRAN_MESSAGE = /^(?<sev>Fatal Error|Error|Warning|Note):\s*(?<msg>.*)$/;
// The linker: "/usr/bin/ld: main.o: in function `main':" then "main.c:(.text+0x1e): undefined …".
const LINKER = /^(?:\S*ld(?:\.\w+)?: )?(?<file>[^\s:][^:]*):\(\.[^)]*\): (?<msg>.*)$/;
const INCLUDED_FROM = /^\s*(?:In file included from|from) /;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

function severity(word: string): BuildDiagnostic['severity'] {
  const w = word.toLowerCase();
  if (w.startsWith('warning')) return 'warning';
  if (w.startsWith('note')) return 'note';
  return 'error';
}

/**
 * Finds compiler and make messages in a build's merged output: gcc, g++ and gfortran in both of
 * their layouts, linker "undefined reference" lines, and make's "*** ... Stop." with its
 * Makefile line. Colour escapes are ignored. Pure, so it is tested on recorded outputs.
 */
export function parseDiagnostics(output: string): BuildDiagnostic[] {
  const out: BuildDiagnostic[] = [];
  let pending: { file: string; line: number; column?: number } | undefined;
  for (const raw of output.replace(ANSI, '').split(/\r?\n/)) {
    if (out.length >= MAX_DIAGNOSTICS) break;
    const text = raw.trimEnd();
    // Context lines gcc prints before a message carry a location but are not one themselves.
    if (INCLUDED_FROM.test(text)) continue;
    let m = ONE_LINE.exec(text);
    if (m?.groups) {
      const g = m.groups;
      const d: BuildDiagnostic = {
        file: g.file!,
        line: Number(g.line),
        severity: severity(g.sev!),
        message: g.msg!,
      };
      if (g.col) d.column = Number(g.col);
      out.push(d);
      pending = undefined;
      continue;
    }
    m = MAKE_STOP.exec(text);
    if (m?.groups) {
      out.push({
        file: m.groups.file!,
        line: Number(m.groups.line),
        severity: 'error',
        message: m.groups.msg!,
      });
      pending = undefined;
      continue;
    }
    m = LOCATION_ONLY.exec(text);
    if (m?.groups) {
      pending = { file: m.groups.file!, line: Number(m.groups.line) };
      if (m.groups.col) pending.column = Number(m.groups.col);
      continue;
    }
    m = FORTRAN_MESSAGE.exec(text);
    if (m?.groups && pending) {
      out.push({ ...pending, severity: severity(m.groups.sev!), message: m.groups.msg! });
      pending = undefined;
      continue;
    }
    m = LINKER.exec(text);
    if (m?.groups) {
      out.push({ file: m.groups.file!, line: 0, severity: 'error', message: m.groups.msg! });
    }
  }
  return out;
}
