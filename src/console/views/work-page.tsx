import type { AuditRow } from '../../store/audit-repo.ts';
import type { OutboxListRow, ReviewedValues } from '../../store/console-repo.ts';
import type { StoredEntry } from '../../store/entries-repo.ts';
import type { CorrectionRow, NoteRow, ReviewRow } from '../../store/review-repo.ts';
import { CORRECTABLE_FIELDS } from '../../store/review-repo.ts';
import { localStamp } from '../../domain/contest-calendar.ts';
import { FIELD_LABELS } from '../../review/review-work.ts';
import { CsrfField, Layout, type Viewer } from './layout.tsx';
import { MailView, type MailContent } from './mail-view.tsx';
import { State } from './parts.tsx';

export interface WorkPageData {
  entry: StoredEntry;
  reviewed: ReviewedValues;
  review: ReviewRow | null;
  corrections: CorrectionRow[];
  notes: NoteRow[];
  audit: AuditRow[];
  related: { id: number; title: string | null; status: string; relation: string }[];
  replies: OutboxListRow[];
  mail: MailContent;
  timezone: string;
}

const RELATION: Record<string, string> = {
  supersedes: '替代了旧版本', superseded_by: '被新版本替代', duplicate_of: '与之重复（先收到）', duplicated_by: '被重复报送', same_message: '同一邮件中的其他作品',
};

const ACTIONS: Record<string, string> = {
  checked: '标记已核对', unchecked: '取消已核对', accept: '人工接受', exclude: '排除', undecide: '撤销接受/排除', correct: '更正字段',
  correction_removed: '撤销更正', note: '添加备注', resend: '重新发送回复',
};

function extracted(e: StoredEntry, field: (typeof CORRECTABLE_FIELDS)[number]): string {
  if (field === 'authors') return e.authors.join('、');
  if (field === 'link') return e.links[0] ?? '';
  return e[field] ?? '';
}

function shown(r: ReviewedValues, field: (typeof CORRECTABLE_FIELDS)[number]): string {
  if (field === 'authors') return r.authors.join('、');
  return r[field] ?? '';
}

function Actions(props: { data: WorkPageData; viewer: Viewer }) {
  const { data, viewer } = props;
  const id = data.entry.id;
  const checked = !!data.review?.checkedBy;
  return (
    <div class="actions">
      <form method="post" action={`/works/${id}/check`}>
        <CsrfField viewer={viewer} />
        <input type="hidden" name="checked" value={checked ? '0' : '1'} />
        <p>{checked ? `已由 ${data.review!.checkedBy} 核对` : '核对无误后标记，已核对的作品不再出现在简报的“需要人工处理”中。'}</p>
        <button type="submit" class={checked ? 'secondary' : undefined}>{checked ? '取消已核对' : '标记为已核对'}</button>
      </form>
      <form method="post" action={`/works/${id}/decision`}>
        <CsrfField viewer={viewer} />
        <p>接受（如主办方允许的逾期作品，按有效计）或排除（不计入），须写明理由。</p>
        <label>理由<textarea name="reason" required maxlength={200}></textarea></label>
        <p>
          <button type="submit" name="decision" value="accepted">接受</button>{' '}
          <button type="submit" name="decision" value="excluded" class="danger">排除</button>
        </p>
      </form>
      {data.review?.decision && (
        <form method="post" action={`/works/${id}/decision`} data-confirm="撤销对该作品的接受/排除决定？">
          <CsrfField viewer={viewer} />
          <input type="hidden" name="decision" value="none" />
          <p>当前：{data.review.decision === 'accepted' ? '人工接受' : '已排除'}（{data.review.decisionReason}）</p>
          <button type="submit" class="secondary">撤销决定</button>
        </form>
      )}
      <form method="post" action={`/works/${id}/correct`}>
        <CsrfField viewer={viewer} />
        <p>手工更正一个字段（原提取值保留；留空则撤销更正）。</p>
        <label>字段
          <select name="field">{CORRECTABLE_FIELDS.map((f) => <option value={f}>{FIELD_LABELS[f]}</option>)}</select>
        </label>
        <label>更正为<input type="text" name="value" maxlength={1000} /></label>
        <p><button type="submit">保存更正</button></p>
      </form>
      <form method="post" action={`/works/${id}/note`}>
        <CsrfField viewer={viewer} />
        <label>备注<textarea name="text" required maxlength={1000}></textarea></label>
        <p><button type="submit">添加备注</button></p>
      </form>
    </div>
  );
}

export function WorkPage(props: { viewer: Viewer; data: WorkPageData; notice: string | null; error: string | null }) {
  const { data } = props;
  const e = data.entry;
  const corrected = new Map(data.corrections.map((c) => [c.field, c]));
  const canAct = props.viewer.role !== 'viewer';
  // The form's problems that no longer stand: shown so a person sees what the correction or decision answered.
  const standing = new Set(data.reviewed.problems.map((p) => p.message));
  const settled = e.problems.filter((p) => !standing.has(p.message));
  return (
    <Layout title={`作品 #${e.id}：${data.reviewed.title ?? '（无题目）'}`} viewer={props.viewer} active="/works" notice={props.notice} error={props.error}>
      <section class="card">
        <p>
          <State map="entry" value={data.reviewed.status} />
          {data.reviewed.status !== e.status && <span class="muted"> （记录状态：<State map="entry" value={e.status} />）</span>}
          {data.review?.decision && <span> {data.review.decision === 'accepted' ? '人工接受' : '已排除'}：{data.review.decisionReason}（{data.review.decidedBy}）</span>}
          {data.review?.checkedBy && <span class="muted"> · 已核对（{data.review.checkedBy}，{localStamp(data.review.checkedAt!, data.timezone)}）</span>}
        </p>
        <dl class="fields">
          {CORRECTABLE_FIELDS.map((f) => (
            <>
              <dt>{FIELD_LABELS[f]}</dt>
              <dd>
                {shown(data.reviewed, f) || <span class="muted">（空）</span>}
                {corrected.has(f) && <span class="corrected" title="表单中提取的原值">原值：{extracted(e, f) || '（空）'}</span>}
              </dd>
            </>
          ))}
          <dt>新就业群体</dt><dd>{e.newEmployment ? '是' : '否'}</dd>
          <dt>推荐单位</dt><dd>{e.creditedUnit ?? e.recommendedByUnit ?? e.recommenderText ?? '个人报送'}</dd>
          <dt>来源</dt><dd>{e.form === 'summary' ? `推荐汇总表第 ${e.sourceRow ?? '?'} 行` : '参赛登记表'}{e.forwardedFrom && `，转发自 ${e.forwardedFrom}`}</dd>
        </dl>
      </section>
      <h2>问题</h2>
      {data.reviewed.problems.length === 0 ? <p class="muted">没有问题。</p> : <ul>{data.reviewed.problems.map((p) => <li>{p.message}</li>)}</ul>}
      {settled.length > 0 && (
        <p class="muted settled">已由人工更正或决定处理的原有问题：{settled.map((p) => p.message).join('；')}</p>
      )}
      {canAct && <><h2>处理</h2><Actions data={data} viewer={props.viewer} /></>}
      <h2>版本与重复</h2>
      {data.related.length === 0 ? <p class="muted">没有相关条目。</p> : (
        <ul>{data.related.map((r) => <li>{RELATION[r.relation] ?? r.relation}：<a href={`/works/${r.id}`}>#{r.id} {r.title ?? '（无题目）'}</a> <State map="entry" value={r.status} /></li>)}</ul>
      )}
      <h2>备注</h2>
      {data.notes.length === 0 ? <p class="muted">没有备注。</p> : (
        <ul>{data.notes.map((n) => <li>{n.text} <span class="muted">— {n.author}，{localStamp(n.createdAt, data.timezone)}</span></li>)}</ul>
      )}
      <h2>操作记录</h2>
      {data.audit.length === 0 ? <p class="muted">还没有人操作过。</p> : (
        <table class="cards">
          <thead><tr><th>时间</th><th>谁</th><th>做了什么</th><th>之前</th><th>之后</th></tr></thead>
          <tbody>
            {data.audit.map((a) => (
              <tr>
                <td data-label="时间">{localStamp(a.at, data.timezone)}</td>
                <td data-label="谁">{a.userName}</td>
                <td data-label="操作">{ACTIONS[a.action] ?? a.action}{a.field && `：${FIELD_LABELS[a.field as keyof typeof FIELD_LABELS] ?? a.field}`}</td>
                <td data-label="之前">{a.before ?? ''}</td>
                <td data-label="之后">{a.after ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>关于本作品的回复</h2>
      {data.replies.length === 0 ? <p class="muted">没有回复。</p> : (
        <ul>{data.replies.map((r) => <li><a href={`/replies/${r.id}`}>{r.subject}</a> <State map="reply" value={r.status} /> <span class="muted">{r.recipients.join(', ')}</span></li>)}</ul>
      )}
      <h2>来源邮件 <a class="muted" href={`/mail/${data.mail.message.id}`}>#{data.mail.message.id}</a></h2>
      <section class="card"><MailView mail={data.mail} timezone={data.timezone} /></section>
    </Layout>
  );
}
