// Go (RE2) regular expressions as InfluxQL carries them, run with JavaScript's RegExp: leading
// flag groups become flags, \A and \z anchors, POSIX classes their ranges. What has no
// equivalent is refused with a clear error rather than matched differently.

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

export function toJsRegExp(source: string): RegExp {
  let flags = '';
  let body = source;
  const lead = /^\(\?([imsU]+)\)/.exec(body);
  if (lead !== null) {
    for (const f of lead[1]) {
      if (f === 'U') throw new Error('the U (ungreedy) flag is not supported by Line Protocol Studio');
      if (!flags.includes(f)) flags += f;
    }
    body = body.slice(lead[0].length);
  }
  if (/\(\?[imsU]+\)/.test(body)) throw new Error('flags other than at the start of the regex are not supported by Line Protocol Studio');
  body = body.replace(/\\A/g, '^').replace(/\\z/g, '(?![\\s\\S])');
  body = body.replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) => {
    const r = POSIX[name];
    if (r === undefined) throw new Error(`invalid character class range: \`${m}\``);
    if (neg !== '') throw new Error('negated POSIX classes are not supported by Line Protocol Studio');
    return r;
  });
  body = body.replace(/\(\?P</g, '(?<');
  return new RegExp(body, flags);
}
