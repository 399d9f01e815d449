import type { MessageView } from '../../store/console-repo.ts';
import { KIND_LABELS, MESSAGE_STATUS_LABELS } from '../../domain/state-labels.ts';
import { localStamp } from '../../domain/contest-calendar.ts';
import { Layout, type Viewer } from './layout.tsx';
import { MailView, type MailContent } from './mail-view.tsx';
import { Empty, Pager, State } from './parts.tsx';

export function MailListPage(props: { viewer: Viewer; rows: MessageView[]; total: number; offset: number; limit: number; query: URLSearchParams; timezone: string }) {
  const q = (k: string) => props.query.get(k) ?? '';
  return (
    <Layout title="邮件" viewer={props.viewer} active="/mail">
      <p class="muted">收到的每一封邮件，包括自动回复、退信和与大赛无关的邮件，供核查。</p>
      <form class="filters" method="get" action="/mail">
        <label>搜索（主题、发件人）<input type="search" name="q" value={q('q')} /></label>
        <label>类别<select name="kind"><option value="">全部</option>{Object.entries(KIND_LABELS).map(([v, l]) => <option value={v} selected={q('kind') === v}>{l}</option>)}</select></label>
        <label>状态<select name="status"><option value="">全部</option>{Object.entries(MESSAGE_STATUS_LABELS).map(([v, l]) => <option value={v} selected={q('status') === v}>{l}</option>)}</select></label>
        <button type="submit">筛选</button>
      </form>
      {props.rows.length === 0 ? <Empty text="没有邮件。" /> : (
        <table class="cards">
          <thead><tr><th>编号</th><th>收到时间</th><th>发件人</th><th>主题</th><th>类别</th><th>状态</th></tr></thead>
          <tbody>
            {props.rows.map((m) => (
              <tr>
                <td data-label="编号">#{m.id}</td>
                <td data-label="收到">{localStamp(m.receivedAt, props.timezone)}</td>
                <td data-label="发件人">{m.from ?? ''}</td>
                <td data-label="主题"><a href={`/mail/${m.id}`}>{m.subject || '（无主题）'}</a></td>
                <td data-label="类别"><State map="kind" value={m.kind} /></td>
                <td data-label="状态"><State map="message" value={m.status} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager base="/mail" query={props.query} offset={props.offset} limit={props.limit} total={props.total} />
    </Layout>
  );
}

export function MailPage(props: { viewer: Viewer; mail: MailContent; entries: { id: number; title: string | null; status: string }[]; timezone: string }) {
  return (
    <Layout title={`邮件 #${props.mail.message.id}`} viewer={props.viewer} active="/mail">
      {props.entries.length > 0 && (
        <section class="card">
          <b>本邮件中的作品：</b>
          <ul>{props.entries.map((e) => <li><a href={`/works/${e.id}`}>#{e.id} {e.title ?? '（无题目）'}</a> <State map="entry" value={e.status} /></li>)}</ul>
        </section>
      )}
      <section class="card"><MailView mail={props.mail} timezone={props.timezone} /></section>
    </Layout>
  );
}
