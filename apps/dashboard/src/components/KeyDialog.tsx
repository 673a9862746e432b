import { FormEvent, useEffect, useRef, useState } from 'react';
import { apiKey, onUnauthorized } from '../api';

/** Asks for the API key when a request was refused (401); the key is kept in this browser's localStorage. */
export function KeyDialog({ onSaved }: { onSaved: () => void }) {
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => onUnauthorized(() => setOpen(true)), []);
  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);
  if (!open) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!value.trim()) return;
    apiKey.set(value.trim());
    setOpen(false);
    setValue('');
    onSaved();
  };
  return (
    <div className="dialog-backdrop">
      <form role="dialog" aria-modal="true" aria-labelledby="key-title" className="dialog" onSubmit={submit}>
        <h2 id="key-title">API key needed</h2>
        <p>The API refused the request without a valid key. It is kept in this browser only.</p>
        <label htmlFor="api-key">API key</label>
        <input id="api-key" ref={input} type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} />
        <div className="row">
          <button type="submit">Save key</button>
          <button type="button" onClick={() => setOpen(false)}>Cancel</button>
        </div>
      </form>
    </div>
  );
}
