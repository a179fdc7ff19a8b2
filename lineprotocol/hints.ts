// What to do about each error: InfluxDB only says what went wrong; we also say how to fix it.

const HINTS: Readonly<Record<string, string>> = {
  'missing-measurement': 'A line starts with the measurement name, e.g. cpu,host=a value=1. Remove the leading comma.',
  'missing-fields':
    'After the measurement and tags put one space, then at least one field: cpu,host=a value=1. A tab does not separate them; an escaped space (\\ ) does not either.',
  'missing-tag-key': 'Each comma in the tag set must be followed by key=value. Remove the extra or trailing comma.',
  'missing-tag-value': 'Write tags as key=value with a non-empty value. A tag key or value cannot end with a backslash.',
  'invalid-tag-format':
    'A tag value cannot contain an unescaped "=" or end with a backslash. Escape it as \\= (or drop the trailing backslash).',
  'duplicate-tags': 'A tag key may appear only once per line. Remove or rename the repeated tag.',
  'reserved-tag-key': 'InfluxDB 2.x reserves the tag keys _field, _measurement and time. Rename the tag.',
  'max-key-length': 'The measurement, tags and field key together must stay under 65535 bytes. Shorten them.',
  'missing-field-key': 'Every field needs a name before "=": value=1. Remove the stray "=" or add a name.',
  'missing-field-value': 'Every field needs a value after "=": a number, 1i, true or "a string".',
  'invalid-field-format':
    'Fields are key=value pairs separated by commas with no spaces between them, e.g. a=1,b=2. Quote string values; escape spaces in keys as \\ .',
  'unbalanced-quotes': 'Close the string value with a double quote, or escape a quote inside it as \\".',
  'invalid-field-key': 'A field key cannot end with a backslash. Remove it or escape it differently.',
  'invalid-number':
    'Numbers look like 1.5 (float), 1i (integer) or 1u (unsigned integer). NaN, Inf, hex and thousands separators are not allowed; wrap text in double quotes.',
  'unsigned-unsupported': 'InfluxDB 1.x does not accept unsigned integers (1u). Write an integer (1i) or a float instead.',
  'invalid-float': 'The exponent is malformed or the number is too large for a 64-bit float (about 1.8e308).',
  'invalid-boolean':
    'Unquoted values must be numbers or booleans (true, false, t, f, True, TRUE …). Wrap text in double quotes: "yes".',
  'integer-out-of-range': 'Integers (i) range from -9223372036854775808 to 9223372036854775807. Use a float or unsigned (u) field.',
  'unsigned-out-of-range': 'Unsigned integers (u) range from 0 to 18446744073709551615. Use a float field.',
  'bad-timestamp': 'The timestamp is an integer count of the chosen unit (e.g. 1700000000000000000 in ns). No decimals, letters or dates.',
  'time-out-of-range':
    'After applying the precision the time must fall between 1677-09-21 and 2262-04-11. Check that the precision matches the timestamp.',
  'point-is-invalid': 'Nothing may follow the timestamp except spaces. Comments (#) only work on lines of their own.',
  'record-too-long': 'Split the record: a single line this long cannot be validated in constant memory.',
};

export function hintFor(code: string): string | undefined {
  return HINTS[code];
}
