// A text field with the target's names as suggestions: on focus it lists them all (the current
// value is a choice already made, not a search), and filters only once the user types.
import { Autocomplete, defaultOptionsFilter, type AutocompleteProps } from '@mantine/core';
import { useState } from 'react';

export function SuggestField(props: Omit<AutocompleteProps, 'filter' | 'onChange'> & { onChange: (v: string) => void }) {
  const [typed, setTyped] = useState(false);
  const { onChange, onFocus, ...rest } = props;
  return (
    <Autocomplete
      {...rest}
      filter={(input) => (typed ? (defaultOptionsFilter(input) as typeof input.options) : input.options)}
      onFocus={(e) => {
        setTyped(false);
        onFocus?.(e);
      }}
      onChange={(v) => {
        setTyped(true);
        onChange(v);
      }}
      onOptionSubmit={() => setTyped(false)}
    />
  );
}
