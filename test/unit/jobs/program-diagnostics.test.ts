import { describe, expect, it } from 'vitest';
import { MAX_DIAGNOSTICS, parseDiagnostics } from '../../../core/jobs/program/build-diagnostics';

// Recorded from gcc 12, gfortran 12, ld and GNU make 4.3 on Debian 12.
const GCC = `bad.c: In function ‘main’:
bad.c:4:3: error: expected ‘,’ or ‘;’ before ‘return’
    4 |   return x;
      |   ^~~~~~
bad.c:2:7: warning: unused variable ‘y’ [-Wunused-variable]
bad.c:1:1: note: declared here
`;
const GFORTRAN = `bad.f90:3:8:

    3 |   i = = 2
      |        1
Error: Invalid character in name at (1)
`;
const LINKER = `/usr/bin/ld: /tmp/cclhdeqQ.o: in function \`main':
link.c:(.text+0xa): undefined reference to \`undefined_fn'
collect2: error: ld returned 1 exit status
`;
const INCLUDE = `In file included from main.c:2:
inc.h:1:10: fatal error: nope.h: No such file or directory
    1 | #include "nope.h"
compilation terminated.
`;

describe('compiler diagnostics from build output', () => {
  it('reads gcc messages with file, line, column and severity', () => {
    expect(parseDiagnostics(GCC)).toEqual([
      {
        file: 'bad.c',
        line: 4,
        column: 3,
        severity: 'error',
        message: 'expected ‘,’ or ‘;’ before ‘return’',
      },
      {
        file: 'bad.c',
        line: 2,
        column: 7,
        severity: 'warning',
        message: 'unused variable ‘y’ [-Wunused-variable]',
      },
      { file: 'bad.c', line: 1, column: 1, severity: 'note', message: 'declared here' },
    ]);
  });

  it('reads gfortran messages whose location and text are on separate lines', () => {
    expect(parseDiagnostics(GFORTRAN)).toEqual([
      {
        file: 'bad.f90',
        line: 3,
        column: 8,
        severity: 'error',
        message: 'Invalid character in name at (1)',
      },
    ]);
  });

  it('reads the forms without a column, fatal errors, and make stops', () => {
    expect(parseDiagnostics('old.c:12: error: parse error\n')).toEqual([
      { file: 'old.c', line: 12, severity: 'error', message: 'parse error' },
    ]);
    expect(parseDiagnostics(INCLUDE)).toEqual([
      {
        file: 'inc.h',
        line: 1,
        column: 10,
        severity: 'error',
        message: 'nope.h: No such file or directory',
      },
    ]);
    expect(parseDiagnostics('Makefile:3: *** missing separator.  Stop.\n')).toEqual([
      { file: 'Makefile', line: 3, severity: 'error', message: 'missing separator.  Stop.' },
    ]);
  });

  it('reports undefined references with the source the linker names', () => {
    expect(parseDiagnostics(LINKER)).toEqual([
      {
        file: 'link.c',
        line: 0,
        severity: 'error',
        message: "undefined reference to `undefined_fn'",
      },
    ]);
  });

  it('ignores colour escapes, CRLF and lines that are not messages', () => {
    const coloured =
      '\x1b[01m\x1b[Kx.c:5:1:\x1b[m\x1b[K \x1b[01;31m\x1b[Kerror: \x1b[m\x1b[Kboom\r\n';
    expect(parseDiagnostics(coloured)).toEqual([
      { file: 'x.c', line: 5, column: 1, severity: 'error', message: 'boom' },
    ]);
    expect(parseDiagnostics("make: Nothing to be done for 'all'.\nhello world\n")).toEqual([]);
  });

  it('stops at a bounded number of messages', () => {
    const flood = 'w.c:1:1: warning: again\n'.repeat(MAX_DIAGNOSTICS + 50);
    expect(parseDiagnostics(flood)).toHaveLength(MAX_DIAGNOSTICS);
  });
});
