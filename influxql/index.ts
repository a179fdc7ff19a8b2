// InfluxQL: lexer, parser and syntax tree. Pure TypeScript with no imports from outside this
// folder, so the endpoint's query engine and the app's editor share one grammar.
export type * from './ast.js';
export { formatDuration, parseDuration } from './duration.js';
export { InfluxQLParseError, parseExpr, parseQuery, Parser, quoteIdent } from './parser.js';
export { toJsRegExp } from './regex.js';
export { KEYWORDS, lookupIdent, type Pos, type Tok, type Token } from './scanner.js';
export { RuneReader, Scanner } from './scanner.js';
