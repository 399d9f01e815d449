import { ENTRY_STATUS_LABELS, KIND_LABELS, MESSAGE_STATUS_LABELS, REPLY_LABELS, label } from '../../domain/state-labels.ts';

/** Small pieces the pages share. */

export function State(props: { map: 'entry' | 'message' | 'reply' | 'kind'; value: string | null }) {
  const map = { entry: ENTRY_STATUS_LABELS, message: MESSAGE_STATUS_LABELS, reply: REPLY_LABELS, kind: KIND_LABELS }[props.map];
  return <span class={`state ${props.value ?? ''}`}>{label(map, props.value) || '—'}</span>;
}

/** Previous / next links that keep the current query. */
export function Pager(props: { base: string; query: URLSearchParams; offset: number; limit: number; total: number }) {
  const at = (offset: number) => {
    const q = new URLSearchParams(props.query);
    if (offset > 0) q.set('offset', String(offset));
    else q.delete('offset');
    const s = q.toString();
    return s ? `${props.base}?${s}` : props.base;
  };
  const { offset, limit, total } = props;
  return (
    <div class="pager">
      <span>共 {total} 条{total > 0 && `，第 ${offset + 1}–${Math.min(total, offset + limit)} 条`}</span>
      {offset > 0 && <a href={at(Math.max(0, offset - limit))}>上一页</a>}
      {offset + limit < total && <a href={at(offset + limit)}>下一页</a>}
    </div>
  );
}

export function Empty(props: { text: string }) {
  return <p class="muted">{props.text}</p>;
}
