// A compact library list (favorites, album, trash, search, similar): one row per track with a small player,
// and checkboxes for batch actions that go to the server through callAction("batch").
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';

export default function TrackList() {
  // Ticks live in props, not React state: the element remounts on every new message.
  const picked = props.picked || [];
  const [album, setAlbum] = useState('');
  const [status, setStatus] = useState(props.status || '');
  const tracks = props.tracks || [];

  const setPicked = (next) => updateElement({ ...props, picked: next });
  const toggle = (id) => setPicked(picked.includes(id) ? picked.filter((x) => x !== id) : [...picked, id]);

  async function batch(op) {
    setStatus(`${op}…`);
    const res = await callAction({ name: 'batch', payload: { op, tracks: picked, album, view: props.view, arg: props.arg } });
    const out = (res && res.response) || {};
    setStatus(out.message || 'done');
    updateElement({ ...props, ...(out.props || {}), picked: [], status: out.message || 'done' });
  }

  return (
    <div className="track-list flex flex-col gap-1 rounded-lg border p-2 w-full text-sm">
      <div className="font-semibold">{props.title}</div>
      {tracks.length === 0 ? <div className="text-muted-foreground">nothing here yet</div> : null}
      {tracks.map((t) => (
        <div key={t.id} className="track-row flex items-center gap-2" data-track={t.id}>
          <input type="checkbox" checked={picked.includes(t.id)} onChange={() => toggle(t.id)} aria-label={`select #${t.id}`} />
          <span className="w-56 truncate">#{t.id} {t.title}{t.favorite ? ' ★' : ''}</span>
          <span className="text-xs text-muted-foreground w-40">
            {t.studio} · {t.duration}s{t.bpm ? ` · ${t.bpm} BPM` : ''}{t.key ? ` · ${t.key}` : ''}
            {t.score != null ? ` · match ${t.score}` : ''}
          </span>
          <audio src={t.url} controls preload="none" className="h-8 flex-1" />
        </div>
      ))}
      {tracks.length ? (
        <div className="flex flex-wrap items-center gap-1 pt-1">
          <span className="text-xs">{picked.length} selected</span>
          <Input className="h-8 w-40 batch-album" placeholder="album name" value={album} list="album-names"
            onChange={(e) => setAlbum(e.target.value)} />
          <datalist id="album-names">{(props.albums || []).map((a) => <option key={a} value={a} />)}</datalist>
          <Button size="sm" variant="outline" data-op="batch-album" disabled={!picked.length || !album}
            onClick={() => batch('album')}>Add to album</Button>
          {props.view === 'trash'
            ? <Button size="sm" variant="outline" data-op="batch-restore" disabled={!picked.length} onClick={() => batch('restore')}>Restore</Button>
            : <Button size="sm" variant="outline" data-op="batch-trash" disabled={!picked.length} onClick={() => batch('trash')}>Trash</Button>}
        </div>
      ) : null}
      <div className="text-xs batch-status" aria-live="polite">{status}</div>
    </div>
  );
}
