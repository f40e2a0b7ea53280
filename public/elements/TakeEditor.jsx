// One take in the chat: player, waveform region editor and the take's actions.
// Every action goes to the server through callAction("take"); this file only draws and forwards.
// The element remounts on every new message and on updateElement, so the selection lives in props
// and the region is re-created on wavesurfer's 'ready' (earlier it would come out 0-0).
import { useEffect, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';

const importUrl = new Function('u', 'return import(u)'); // the JSX compiler rewrites literal import()
const REGION_COLOR = 'rgba(99, 102, 241, 0.25)';

function fmt(s) {
  if (s == null || isNaN(s)) return '–';
  const m = Math.floor(s / 60);
  return `${m}:${(s - m * 60).toFixed(1).padStart(4, '0')}`;
}

function useWaveform(container, audio, selectionRef, onSelect) {
  const [ready, setReady] = useState(false);
  const regionsRef = useRef(null);
  const wsRef = useRef(null);
  useEffect(() => {
    let ws = null;
    let cancelled = false;
    Promise.all([importUrl('/public/vendor/wavesurfer.esm.js'), importUrl('/public/vendor/regions.esm.js')])
      .then(([W, R]) => {
        if (cancelled || !container.current) return;
        const regions = R.default.create();
        ws = W.default.create({
          container: container.current, media: audio.current, peaks: [props.peaks], duration: props.duration,
          height: 72, waveColor: '#94a3b8', progressColor: '#6366f1', cursorColor: '#f43f5e', plugins: [regions],
        });
        wsRef.current = ws;
        regionsRef.current = regions;
        regions.enableDragSelection({ color: REGION_COLOR });
        regions.on('region-created', (r) => {
          regions.getRegions().forEach((o) => o !== r && o.remove());
          onSelect(r);
        });
        regions.on('region-updated', onSelect);
        regions.on('region-out', (r) => {
          if (selectionRef.current.loop) { ws.setTime(r.start); ws.play(); }
        });
        ws.on('ready', () => {
          const sel = props.selection;
          if (sel && sel.end > sel.start) {
            regions.clearRegions();
            regions.addRegion({ start: sel.start, end: sel.end, color: REGION_COLOR });
          }
          setReady(true);
        });
      })
      .catch((e) => console.error('waveform editor could not load wavesurfer', e));
    return () => { cancelled = true; if (ws) ws.destroy(); };
  }, []);
  return { ready, regionsRef, wsRef };
}

export default function TakeEditor() {
  const container = useRef(null);
  const audio = useRef(null);
  const [status, setStatus] = useState(props.status || '');
  const [busy, setBusy] = useState(false);
  const [text, setText] = useState('');
  const selectionRef = useRef({ loop: false, ...(props.selection || {}) });

  const onSelect = (r) => {
    selectionRef.current = { ...selectionRef.current, start: r.start, end: r.end };
    const next = { start: +r.start.toFixed(3), end: +r.end.toFixed(3) };
    const prev = props.selection || {};
    // The region re-created on 'ready' reports itself too: only a real change goes back (no remount loop).
    if (Math.abs((prev.start ?? -1) - next.start) < 0.01 && Math.abs((prev.end ?? -1) - next.end) < 0.01) return;
    // Keep it in props: survives the remount that follows every message.
    updateElement({ ...props, selection: next });
  };
  const { ready, regionsRef, wsRef } = useWaveform(container, audio, selectionRef, onSelect);
  const sel = props.selection;

  async function act(op, extra = {}) {
    setBusy(true);
    setStatus(`${op}…`);
    try {
      const res = await callAction({ name: 'take', payload: { op, track: props.id, ...sel, ...extra } });
      const out = (res && res.response) || {};
      setStatus(out.message || 'done');
      if (out.props) updateElement({ ...props, ...out.props, status: out.message });
    } catch (e) {
      setStatus(`failed: ${e}`);
    } finally {
      setBusy(false);
    }
  }

  function loop() {
    const r = regionsRef.current && regionsRef.current.getRegions()[0];
    if (!r) { setStatus('drag on the waveform to select a part first'); return; }
    selectionRef.current.loop = true;
    wsRef.current.setTime(r.start);
    wsRef.current.play();
    setStatus(`looping ${fmt(r.start)}–${fmt(r.end)}`);
  }

  function stop() {
    selectionRef.current.loop = false;
    if (wsRef.current) wsRef.current.pause();
  }

  const cap = props.capabilities || {};
  const tool = (op, label, title) => (
    <Button key={op} size="sm" variant="outline" disabled={busy || cap[op] === false} data-op={op}
      title={cap[op] === false ? (props.coming || {})[op] || 'coming soon' : title} onClick={() => act(op)}>{label}</Button>
  );
  const lineage = props.lineage || [];
  return (
    <div className="take-editor flex flex-col gap-2 rounded-lg border p-3 w-full" data-track={props.id}>
      <div className="flex flex-wrap items-baseline gap-2 text-sm">
        <span className="font-semibold">#{props.id} {props.title}</span>
        <span className="text-muted-foreground take-meta">
          {props.studio || 'imported'} · {fmt(props.duration)} · {props.bpm ? `${props.bpm} BPM` : ''} {props.key || ''}
          {props.time_signature ? ` · ${props.time_signature}` : ''}
        </span>
        {props.favorite ? <span className="take-flag">★ favorite</span> : null}
        {props.disliked ? <span className="take-flag">disliked</span> : null}
        {props.trashed ? <span className="take-flag">in trash</span> : null}
      </div>
      {props.remix ? <div className="text-xs text-muted-foreground take-remix">{props.remix}</div> : null}
      {lineage.length > 1 ? (
        <div className="text-xs take-lineage">lineage: {lineage.map((l) => `#${l.id} ${l.operation}`).join(' → ')}</div>
      ) : null}
      <div ref={container} className="take-wave w-full" data-ready={ready ? 'yes' : 'no'} />
      <audio ref={audio} src={props.url} controls preload="metadata" className="w-full" />
      <div className="text-xs take-selection">
        {sel && sel.end > sel.start ? `selected ${fmt(sel.start)}–${fmt(sel.end)}` : 'drag on the waveform to select a part'}
      </div>
      <div className="flex flex-wrap gap-1">
        <Button size="sm" variant="outline" onClick={loop} data-op="loop">Loop</Button>
        <Button size="sm" variant="outline" onClick={stop} data-op="stop">Stop</Button>
        {tool('regenerate', 'Regenerate', 'recompose the selected part')}
        {tool('extend', 'Extend', 'continue the take')}
        {tool('favorite', props.favorite ? 'Unfavorite' : 'Favorite', 'keep it')}
        {tool('dislike', props.disliked ? 'Undislike' : 'Dislike', 'hide from suggestions')}
        {tool(props.trashed ? 'restore' : 'trash', props.trashed ? 'Restore' : 'Trash', '')}
        {tool('stems', 'Stems', 'separate stems')}
        {tool('upscale', 'Upscale', 'enhance the audio')}
        {tool('midi', 'MIDI', 'download the score')}
        {tool('export', 'Export', 'export for a DAW')}
        {tool('similar', 'Similar', 'list tracks that sound alike')}
      </div>
      <div className="flex gap-1">
        <Input className="h-8 take-text" placeholder="album name or comment" value={text}
          onChange={(e) => setText(e.target.value)} />
        <Button size="sm" variant="outline" disabled={busy || !text} data-op="album"
          onClick={() => act('album', { album: text })}>Add to album</Button>
        <Button size="sm" variant="outline" disabled={busy || !text} data-op="comment"
          onClick={() => act('comment', { text, at: audio.current ? audio.current.currentTime : 0 })}>Comment</Button>
      </div>
      {props.links && props.links.length ? (
        <div className="flex flex-wrap gap-2 text-xs">
          {props.links.map((l) => <a key={l.url} href={l.url} download className="underline">{l.label}</a>)}
        </div>
      ) : null}
      <div className="text-xs take-status" aria-live="polite">{status}</div>
    </div>
  );
}
