/** A value in libvirt's configuration syntax. */
export type ConfValue = string | number | boolean | readonly string[];

/**
 * Renders libvirt's `key = value` configuration files (libvirtd.conf, qemu.conf) from typed data.
 * Strings that could break the syntax are refused rather than escaped.
 */
export function libvirtConf(values: Readonly<Record<string, ConfValue>>): string {
  const str = (s: string): string => {
    if (/["\\\n\r]/.test(s)) throw new Error(`libvirt conf: refusing value ${JSON.stringify(s)}`);
    return `"${s}"`;
  };
  const lines = Object.entries(values).map(([k, v]) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(k)) throw new Error(`libvirt conf: bad key ${k}`);
    if (typeof v === 'string') return `${k} = ${str(v)}`;
    if (typeof v === 'number') return `${k} = ${Math.trunc(v)}`;
    if (typeof v === 'boolean') return `${k} = ${v ? 1 : 0}`;
    return `${k} = [ ${v.map(str).join(', ')} ]`;
  });
  return `# written by Corral's test lab (test/lab)\n${lines.join('\n')}\n`;
}

/** Renders an sshd_config from keyword/value pairs (repeatable keywords as arrays). */
export function sshdConfig(values: Readonly<Record<string, string | readonly string[]>>): string {
  const lines: string[] = ["# written by Corral's test lab (test/lab)"];
  for (const [k, v] of Object.entries(values)) {
    for (const item of typeof v === 'string' ? [v] : v) {
      if (!/^[A-Za-z]+$/.test(k) || /[\n\r]/.test(item))
        throw new Error(`sshd_config: bad entry ${k}`);
      lines.push(`${k} ${item}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
