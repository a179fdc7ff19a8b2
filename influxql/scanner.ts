// InfluxQL's lexer, character for character as InfluxDB 1.x scans (so that every error names the
// same token at the same line and char): a rune reader with a three-rune push-back, a scanner,
// and a three-token push-back the parser unscans into.

export type Tok =
  | 'ILLEGAL' | 'EOF' | 'WS' | 'COMMENT'
  | 'IDENT' | 'BOUNDPARAM' | 'NUMBER' | 'INTEGER' | 'DURATIONVAL' | 'STRING' | 'BADSTRING' | 'BADESCAPE' | 'TRUE' | 'FALSE' | 'REGEX' | 'BADREGEX'
  | '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | 'AND' | 'OR'
  | '=' | '!=' | '=~' | '!~' | '<' | '<=' | '>' | '>='
  | '(' | ')' | ',' | ':' | '::' | ';' | '.'
  | Keyword;

/** Keywords in InfluxDB 1.6's order (it matters: a few error messages list them). */
export const KEYWORDS = [
  'ALL', 'ALTER', 'ANALYZE', 'ANY', 'AS', 'ASC', 'BEGIN', 'BY', 'CARDINALITY', 'CREATE', 'CONTINUOUS', 'DATABASE', 'DATABASES', 'DEFAULT', 'DELETE', 'DESC',
  'DESTINATIONS', 'DIAGNOSTICS', 'DISTINCT', 'DROP', 'DURATION', 'END', 'EVERY', 'EXACT', 'EXPLAIN', 'FIELD', 'FOR', 'FROM', 'GRANT', 'GRANTS', 'GROUP',
  'GROUPS', 'IN', 'INF', 'INSERT', 'INTO', 'KEY', 'KEYS', 'KILL', 'LIMIT', 'MEASUREMENT', 'MEASUREMENTS', 'NAME', 'OFFSET', 'ON', 'ORDER', 'PASSWORD',
  'POLICY', 'POLICIES', 'PRIVILEGES', 'QUERIES', 'QUERY', 'READ', 'REPLICATION', 'RESAMPLE', 'RETENTION', 'REVOKE', 'SELECT', 'SERIES', 'SET', 'SHOW',
  'SHARD', 'SHARDS', 'SLIMIT', 'SOFFSET', 'STATS', 'SUBSCRIPTION', 'SUBSCRIPTIONS', 'TAG', 'TO', 'USER', 'USERS', 'VALUES', 'WHERE', 'WITH', 'WRITE',
] as const;
export type Keyword = (typeof KEYWORDS)[number];

const LOOKUP = new Map<string, Tok>([...KEYWORDS.map((k) => [k.toLowerCase(), k] as [string, Tok]), ['and', 'AND'], ['or', 'OR'], ['true', 'TRUE'], ['false', 'FALSE']]);

export function lookupIdent(ident: string): Tok {
  return LOOKUP.get(ident.toLowerCase()) ?? 'IDENT';
}

export const OPERATORS: ReadonlySet<Tok> = new Set<Tok>(['+', '-', '*', '/', '%', '&', '|', '^', 'AND', 'OR', '=', '!=', '=~', '!~', '<', '<=', '>', '>=']);

export function precedence(t: Tok): number {
  switch (t) {
    case 'OR': return 1;
    case 'AND': return 2;
    case '=': case '!=': case '=~': case '!~': case '<': case '<=': case '>': case '>=': return 3;
    case '+': case '-': case '|': case '^': return 4;
    case '*': case '/': case '%': case '&': return 5;
    default: return 0;
  }
}

/** 0-based line and char, as InfluxDB counts them (errors print both + 1). */
export interface Pos {
  line: number;
  char: number;
}

export interface Token {
  tok: Tok;
  pos: Pos;
  lit: string;
}

/** The text InfluxDB names a token by in "found X": its literal, else its name. */
export function tokstr(t: Token): string {
  return t.lit !== '' ? t.lit : t.tok;
}

const EOF_CH = '';

/** Reads code points with positions; unread() pushes back up to three. \r and \r\n read as \n. */
export class RuneReader {
  private i = 0;
  private n = 0;
  private pos: Pos = { line: 0, char: 0 };
  private readonly buf: { ch: string; pos: Pos }[] = [{ ch: EOF_CH, pos: { line: 0, char: 0 } }, { ch: EOF_CH, pos: { line: 0, char: 0 } }, { ch: EOF_CH, pos: { line: 0, char: 0 } }];
  private seenEof = false;
  private offset = 0;

  constructor(private readonly text: string) {}

  read(): { ch: string; pos: Pos } {
    if (this.n > 0) {
      this.n--;
      return this.curr();
    }
    let ch: string;
    if (this.offset >= this.text.length) ch = EOF_CH;
    else {
      const cp = this.text.codePointAt(this.offset)!;
      ch = String.fromCodePoint(cp);
      this.offset += ch.length;
      if (ch === '\r') {
        if (this.text[this.offset] === '\n') this.offset++;
        ch = '\n';
      }
    }
    this.i = (this.i + 1) % 3;
    this.buf[this.i] = { ch, pos: { ...this.pos } };
    if (ch === '\n') {
      this.pos.line++;
      this.pos.char = 0;
    } else if (!this.seenEof) this.pos.char++;
    if (ch === EOF_CH) this.seenEof = true;
    return this.curr();
  }

  unread(): void {
    this.n++;
  }

  curr(): { ch: string; pos: Pos } {
    return this.buf[(this.i - this.n + 3) % 3];
  }
}

const isWhitespace = (c: string) => c === ' ' || c === '\t' || c === '\n';
const isLetter = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isDigit = (c: string) => c >= '0' && c <= '9';
const isIdentChar = (c: string) => isLetter(c) || isDigit(c) || c === '_';
export const isIdentFirstChar = (c: string) => isLetter(c) || c === '_';
export const isIdentCharacter = isIdentChar;

class BadText extends Error {
  constructor(
    readonly kind: 'string' | 'escape' | 'eof' | 'newline',
    readonly text: string,
  ) {
    super(kind);
  }
}

export class Scanner {
  constructor(readonly r: RuneReader) {}

  scan(): Token {
    const { ch: ch0, pos } = this.r.read();
    if (isWhitespace(ch0)) return this.scanWhitespace();
    if (isLetter(ch0) || ch0 === '_') {
      this.r.unread();
      return this.scanIdent(true);
    }
    if (isDigit(ch0)) return this.scanNumber();
    const t = (tok: Tok, lit = ''): Token => ({ tok, pos, lit });
    switch (ch0) {
      case EOF_CH: return t('EOF');
      case '"': this.r.unread(); return this.scanIdent(true);
      case "'": return this.scanString();
      case '.': {
        const ch1 = this.r.read().ch;
        this.r.unread();
        if (isDigit(ch1)) return this.scanNumber();
        return t('.');
      }
      case '$': {
        const id = this.scanIdent(false);
        if (id.tok !== 'IDENT') return { tok: id.tok, pos, lit: '$' + id.lit };
        return t('BOUNDPARAM', '$' + id.lit);
      }
      case '+': return t('+');
      case '-': {
        if (this.r.read().ch === '-') {
          this.skipUntilNewline();
          return t('COMMENT');
        }
        this.r.unread();
        return t('-');
      }
      case '*': return t('*');
      case '/': {
        if (this.r.read().ch === '*') return this.skipUntilEndComment() ? t('COMMENT') : t('ILLEGAL');
        this.r.unread();
        return t('/');
      }
      case '%': return t('%');
      case '&': return t('&');
      case '|': return t('|');
      case '^': return t('^');
      case '=':
        if (this.r.read().ch === '~') return t('=~');
        this.r.unread();
        return t('=');
      case '!': {
        const ch1 = this.r.read().ch;
        if (ch1 === '=') return t('!=');
        if (ch1 === '~') return t('!~');
        this.r.unread();
        break;
      }
      case '>':
        if (this.r.read().ch === '=') return t('>=');
        this.r.unread();
        return t('>');
      case '<': {
        const ch1 = this.r.read().ch;
        if (ch1 === '=') return t('<=');
        if (ch1 === '>') return t('!=');
        this.r.unread();
        return t('<');
      }
      case '(': return t('(');
      case ')': return t(')');
      case ',': return t(',');
      case ';': return t(';');
      case ':':
        if (this.r.read().ch === ':') return t('::');
        this.r.unread();
        return t(':');
    }
    return t('ILLEGAL', ch0);
  }

  private scanWhitespace(): Token {
    const { ch, pos } = this.r.curr();
    let lit = ch;
    for (;;) {
      const c = this.r.read().ch;
      if (c === EOF_CH) break;
      if (!isWhitespace(c)) {
        this.r.unread();
        break;
      }
      lit += c;
    }
    return { tok: 'WS', pos, lit };
  }

  private skipUntilNewline(): void {
    for (;;) {
      const c = this.r.read().ch;
      if (c === '\n' || c === EOF_CH) return;
    }
  }

  private skipUntilEndComment(): boolean {
    for (;;) {
      const c1 = this.r.read().ch;
      if (c1 === '*') {
        for (;;) {
          const c2 = this.r.read().ch;
          if (c2 === '/') return true;
          if (c2 === '*') continue;
          if (c2 === EOF_CH) return false;
          break;
        }
      } else if (c1 === EOF_CH) return false;
    }
  }

  private scanIdent(lookup: boolean): Token {
    const pos = this.r.read().pos;
    this.r.unread();
    let lit = '';
    for (;;) {
      const c = this.r.read().ch;
      if (c === EOF_CH) break;
      if (c === '"') {
        const s = this.scanString();
        if (s.tok === 'BADSTRING' || s.tok === 'BADESCAPE') return s;
        return { tok: 'IDENT', pos, lit: s.lit };
      }
      if (isIdentChar(c)) {
        this.r.unread();
        lit += this.scanBareIdent();
      } else {
        this.r.unread();
        break;
      }
    }
    if (lookup) {
      const tok = lookupIdent(lit);
      if (tok !== 'IDENT') return { tok, pos, lit: '' };
    }
    return { tok: 'IDENT', pos, lit };
  }

  private scanBareIdent(): string {
    let s = '';
    for (;;) {
      const c = this.r.read().ch;
      if (c === EOF_CH) break;
      if (!isIdentChar(c)) {
        this.r.unread();
        break;
      }
      s += c;
    }
    return s;
  }

  /** A quoted string (the quote already read): its ending is the quote it started with. */
  private scanString(): Token {
    this.r.unread();
    let pos = this.r.curr().pos;
    const ending = this.r.read().ch;
    let lit = '';
    for (;;) {
      const c0 = this.r.read().ch;
      if (c0 === ending) return { tok: 'STRING', pos, lit };
      if (c0 === EOF_CH || c0 === '\n') return { tok: 'BADSTRING', pos, lit };
      if (c0 === '\\') {
        const c1 = this.r.read().ch;
        if (c1 === 'n') lit += '\n';
        else if (c1 === '\\' || c1 === '"' || c1 === "'") lit += c1;
        else {
          pos = this.r.curr().pos;
          return { tok: 'BADESCAPE', pos, lit: c0 + c1 };
        }
      } else lit += c0;
    }
  }

  /** A /regex/ (the parser calls this where one may stand); only `\/` is unescaped. */
  scanRegex(): Token {
    const pos = this.r.curr().pos;
    const start = this.r.read().ch;
    if (start !== '/') return { tok: 'BADREGEX', pos, lit: '' };
    let lit = '';
    for (;;) {
      const c0 = this.r.read().ch;
      if (c0 === '/') return { tok: 'REGEX', pos, lit };
      if (c0 === EOF_CH || c0 === '\n') return { tok: 'BADREGEX', pos, lit: '' };
      if (c0 === '\\') {
        const c1 = this.r.read().ch;
        if (c1 === EOF_CH) return { tok: 'BADREGEX', pos, lit: '' };
        if (c1 === '/') lit += '/';
        else {
          this.r.unread();
          lit += c0;
        }
      } else lit += c0;
    }
  }

  private scanNumber(): Token {
    const { ch, pos } = this.r.curr();
    if (ch === '.') {
      const c1 = this.r.read().ch;
      this.r.unread();
      if (!isDigit(c1)) return { tok: 'ILLEGAL', pos, lit: '.' };
      this.r.unread();
    } else this.r.unread();
    let lit = this.scanDigits();
    let isDecimal = false;
    const c0 = this.r.read().ch;
    if (c0 === '.') {
      isDecimal = true;
      const c1 = this.r.read().ch;
      if (isDigit(c1)) lit += c0 + c1 + this.scanDigits();
      else this.r.unread();
    } else this.r.unread();
    if (!isDecimal) {
      const d0 = this.r.read().ch;
      if (isLetter(d0) || d0 === 'µ') {
        lit += d0;
        for (;;) {
          const c = this.r.read().ch;
          if (!isLetter(c) && c !== 'µ') {
            this.r.unread();
            break;
          }
          lit += c;
        }
        for (;;) {
          const c = this.r.read().ch;
          if (isLetter(c) || c === 'µ' || isDigit(c)) lit += c;
          else {
            this.r.unread();
            break;
          }
        }
        return { tok: 'DURATIONVAL', pos, lit };
      }
      this.r.unread();
      return { tok: 'INTEGER', pos, lit };
    }
    return { tok: 'NUMBER', pos, lit };
  }

  private scanDigits(): string {
    let s = '';
    for (;;) {
      const c = this.r.read().ch;
      if (!isDigit(c)) {
        this.r.unread();
        break;
      }
      s += c;
    }
    return s;
  }
}

/** The scanner with a three-token push-back. */
export class BufScanner {
  private i = 0;
  private n = 0;
  private readonly buf: Token[] = [];
  readonly s: Scanner;

  constructor(text: string) {
    this.s = new Scanner(new RuneReader(text));
  }

  scan(): Token {
    return this.scanWith(() => this.s.scan());
  }

  scanRegex(): Token {
    return this.scanWith(() => this.s.scanRegex());
  }

  private scanWith(fn: () => Token): Token {
    if (this.n > 0) {
      this.n--;
      return this.curr();
    }
    this.i = (this.i + 1) % 3;
    this.buf[this.i] = fn();
    return this.curr();
  }

  unscan(): void {
    this.n++;
  }

  private curr(): Token {
    return this.buf[(this.i - this.n + 3) % 3];
  }
}
