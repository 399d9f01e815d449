import type { AuditRow } from '../../store/audit-repo.ts';
import type { OutboxListRow } from '../../store/console-repo.ts';
import { DELIVERY_ERROR_LABELS, REPLY_LABELS, label } from '../../domain/state-labels.ts';
import { localStamp } from '../../domain/contest-calendar.ts';
import { CsrfField, Layout, type Viewer } from './layout.tsx';
import { Empty, Pager, State } from './parts.tsx';

const KINDS: Record<string, string> = { reply: '回复', receipt: '回执', digest: '每日简报' };

export function RepliesPage(props: { viewer: Viewer; rows: OutboxListRow[]; total: number; offset: number; limit: number; query: URLSearchParams; timezone: string }) {
  const status = props.query.get('status') ?? '';
  return (
    <Layout title="回复" viewer={props.viewer} active="/replies">
      <p class="muted">发件箱：给投稿人的回复、回执和每日简报。“发送状态不明”的邮件可能已经送达，请确认后再手动重发。</p>
      <form class="filters" method="get" action="/replies">
        <label>状态<select name="status"><option value="">全部</option>{Object.entries(REPLY_LABELS).map(([v, l]) => <option value={v} selected={status === v}>{l}</option>)}</select></label>
        <button type="submit">筛选</button>
      </form>
      {props.rows.length === 0 ? <Empty text="发件箱是空的。" /> : (
        <table class="cards">
          <thead><tr><th>编号</th><th>类型</th><th>收件人</th><th>主题</th><th>状态</th><th>时间</th></tr></thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                <td data-label="编号">#{r.id}</td>
                <td data-label="类型">{KINDS[r.kind] ?? r.kind}</td>
                <td data-label="收件人">{r.recipients.join(', ')}</td>
                <td data-label="主题"><a href={`/replies/${r.id}`}>{r.subject}</a></td>
                <td data-label="状态"><State map="reply" value={r.status} /></td>
                <td data-label="时间">{localStamp(r.sentAt ?? r.createdAt, props.timezone)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager base="/replies" query={props.query} offset={props.offset} limit={props.limit} total={props.total} />
    </Layout>
  );
}

export function ReplyPage(props: { viewer: Viewer; row: OutboxListRow; text: string | null; audit: AuditRow[]; timezone: string; notice: string | null; error: string | null }) {
  const r = props.row;
  return (
    <Layout title={`回复 #${r.id}`} viewer={props.viewer} active="/replies" notice={props.notice} error={props.error}>
      <section class="card">
        <dl class="fields">
          <dt>类型</dt><dd>{KINDS[r.kind] ?? r.kind}</dd>
          <dt>收件人</dt><dd>{r.recipients.join(', ')}</dd>
          <dt>主题</dt><dd>{r.subject}</dd>
          <dt>状态</dt><dd><State map="reply" value={r.status} />{r.reason && <span class="muted"> {r.reason}</span>}</dd>
          {r.lastErrorCode && <><dt>发送问题</dt><dd>{label(DELIVERY_ERROR_LABELS, r.lastErrorCode)}：{r.lastError}</dd></>}
          <dt>尝试次数</dt><dd>{r.attempts}</dd>
          <dt>创建 / 发出</dt><dd>{localStamp(r.createdAt, props.timezone)}{r.sentAt && ` / ${localStamp(r.sentAt, props.timezone)}`}</dd>
          {r.messageId !== null && <><dt>回复的邮件</dt><dd><a href={`/mail/${r.messageId}`}>#{r.messageId}</a></dd></>}
        </dl>
      </section>
      {r.status === 'unknown' && props.viewer.role !== 'viewer' && (
        <form method="post" action={`/replies/${r.id}/resend`} data-confirm="这封邮件可能已经送达。确定要原样重新发送吗？">
          <CsrfField viewer={props.viewer} />
          <p>发送过程中断，服务器可能已收到。确认对方没有收到后，可原样重发（同一 Message-ID）。</p>
          <button type="submit">重新发送</button>
        </form>
      )}
      <h2>内容</h2>
      {props.text ? <pre>{props.text}</pre> : <p class="muted">尚未生成邮件内容（待发送时生成）。</p>}
      {props.audit.length > 0 && (
        <>
          <h2>操作记录</h2>
          <ul>{props.audit.map((a) => <li>{localStamp(a.at, props.timezone)} {a.userName}：{a.action === 'resend' ? '重新发送' : a.action}（{a.before} → {a.after}）</li>)}</ul>
        </>
      )}
    </Layout>
  );
}
