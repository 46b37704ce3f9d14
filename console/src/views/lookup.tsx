/** "Open by id" forms: work without the listings, e.g. with an id from a support ticket. */
import { useState } from 'preact/hooks';
import { href } from '../ui.js';

export function OpenById({ kind }: { kind: 'customer' | 'install' }) {
  const [id, setId] = useState('');
  const label = kind === 'customer' ? 'Customer id' : 'Install id';
  return (
    <form
      class="inline-form"
      role="search"
      aria-label={`Open a ${kind} by id`}
      onSubmit={(e) => {
        e.preventDefault();
        if (id.trim()) location.hash = kind === 'customer' ? href.customer(id.trim()) : href.install(id.trim());
      }}
    >
      <label for={`open-${kind}`}>{label}</label>
      <input id={`open-${kind}`} value={id} onInput={(e) => setId((e.target as HTMLInputElement).value)} placeholder={kind === 'customer' ? 'e.g. acme-corp' : 'e.g. ins_…'} spellcheck={false} />
      <button type="submit" class="button secondary">
        Open
      </button>
    </form>
  );
}
