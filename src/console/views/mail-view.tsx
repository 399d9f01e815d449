import type { MessageView } from '../../store/console-repo.ts';
import type { StoredAttachment } from '../../store/messages-repo.ts';
import { localStamp } from '../../domain/contest-calendar.ts';
import { kindReasonLabel } from '../../domain/state-labels.ts';
import { State } from './parts.tsx';

/** A source mail as recorded: its headers, the text body as text, the HTML body only in a sandboxed frame, attachments. */

export interface MailContent {
  message: MessageView;
  headers: string;
  text: string | null;
  hasHtml: boolean;
  attachments: (StoredAttachment & { index: number })[];
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export function MailView(props: { mail: MailContent; timezone: string }) {
  const { message: m, attachments } = props.mail;
  return (
    <div>
      <dl class="fields">
        <dt>主题</dt><dd>{m.subject}</dd>
        <dt>发件人</dt><dd>{m.fromName ? `${m.fromName} ` : ''}&lt;{m.from ?? '未知'}&gt;</dd>
        {m.replyTo && <><dt>回复地址</dt><dd>{m.replyTo}</dd></>}
        <dt>收到时间</dt><dd>{localStamp(m.receivedAt, props.timezone)}</dd>
        <dt>类别 / 状态</dt><dd><State map="kind" value={m.kind} /> <State map="message" value={m.status} />{m.kindReason && <span class="muted"> {kindReasonLabel(m.kindReason)}</span>}</dd>
        {m.problems.length > 0 && <><dt>问题</dt><dd><ul>{m.problems.map((p) => <li>{p.message}</li>)}</ul></dd></>}
        {m.error && <><dt>处理错误</dt><dd>{m.error}</dd></>}
      </dl>
      <h2>附件</h2>
      {attachments.length === 0 ? <p class="muted">无附件</p> : (
        <ul>
          {attachments.map((a) => (
            <li>
              {a.downloaded && a.sha256
                ? <a href={`/mail/${m.id}/attachments/${a.index}`}>{a.filename ?? `附件 ${a.index + 1}`}</a>
                : <span>{a.filename ?? `附件 ${a.index + 1}`}</span>}
              <span class="muted"> {a.contentType}，{size(a.size)}{!a.downloaded && `（未下载${a.skipped ? `：${a.skipped}` : ''}）`}{a.forwardedFrom && `，转发自 ${a.forwardedFrom}`}</span>
            </li>
          ))}
        </ul>
      )}
      <h2>正文（纯文本）</h2>
      {props.mail.text ? <pre>{props.mail.text}</pre> : <p class="muted">无纯文本正文</p>}
      {props.mail.hasHtml && (
        <>
          <h2>正文（HTML，隔离显示，不加载外部内容）</h2>
          <iframe class="mail-html" sandbox="" referrerpolicy="no-referrer" src={`/mail/${m.id}/body`} title="邮件 HTML 正文"></iframe>
        </>
      )}
      <details>
        <summary>邮件头</summary>
        <pre>{props.mail.headers}</pre>
      </details>
    </div>
  );
}
