/**
 * Quotes one argument for a POSIX shell: single quotes, with embedded single quotes closed,
 * escaped and reopened. The only way Corral puts input on a remote command line (docs/architecture.md).
 */
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new TypeError('a shell argument cannot contain NUL');
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
