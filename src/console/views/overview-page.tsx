import type { DigestData } from '../../digest/digest-data.ts';
import type { UnitRow } from '../../exports/export-data.ts';
import { unitState } from '../../digest/digest-model.ts';
import { localStamp } from '../../domain/contest-calendar.ts';
import { Layout, type Viewer } from './layout.tsx';

/** 总览: the digest's figures for today and yesterday, read by the same use case that makes the digest. */

export interface OverviewData {
  today: DigestData;
  yesterday: DigestData;
  daysLeft: number;
  deadline: string;
}

const STATE: Record<string, string> = { met: '已达标', behind: '未达标', silent: '未报送' };

export function UnitBar(props: { unit: Pick<UnitRow, 'counted' | 'quota' | 'silent'> }) {
  const u = props.unit;
  return (
    <>
      <meter min={0} max={u.quota} low={u.quota * 0.5} high={u.quota - 0.5} optimum={u.quota} value={Math.min(u.counted, u.quota)} title={`${u.counted}/${u.quota}`}></meter>
      {' '}{u.counted}/{u.quota} <span class={`state ${unitState(u)}`}>{STATE[unitState(u)]}</span>
    </>
  );
}

export function OverviewPage(props: { viewer: Viewer; data: OverviewData }) {
  const { today, yesterday } = props.data;
  const t = today.totals;
  const order = { behind: 0, met: 1, silent: 2 } as const;
  const units = [...today.units].sort((a, b) => order[unitState(a)] - order[unitState(b)]);
  return (
    <Layout title="总览" viewer={props.viewer} active="/">
      <div class="figures">
        <div class="figure"><span class="muted">今日新作品</span><b>{today.day.entries}</b><span class="muted">新邮件 {today.day.messages} 封</span></div>
        <div class="figure"><span class="muted">昨日新作品</span><b>{yesterday.day.entries}</b><span class="muted">新邮件 {yesterday.day.messages} 封</span></div>
        <div class="figure"><span class="muted">已登记作品累计</span><b>{t.byState.registered}</b><span class="muted">作品记录 {t.entries} 条</span></div>
        <div class="figure"><span class="muted">距征集截止</span><b>{props.data.daysLeft >= 0 ? `${props.data.daysLeft} 天` : '已截止'}</b><span class="muted">截止 {props.data.deadline}</span></div>
      </div>
      <h2>各状态合计（与每日简报同一口径）</h2>
      <table>
        <tbody>
          <tr><td>已登记</td><td class="num"><a href="/works?state=valid">{t.byState.registered}</a></td></tr>
          <tr><td>已合并（同一作品的另一渠道）</td><td class="num">{t.byState.merged}</td></tr>
          <tr><td>未登记，需补充</td><td class="num">{t.byState.needs_fix}</td></tr>
          <tr><td>无法参赛</td><td class="num">{t.byState.ineligible}</td></tr>
          <tr><td>转人工核对</td><td class="num">{t.byState.with_organizers}</td></tr>
          <tr><td>重复报送</td><td class="num"><a href="/works?state=duplicate">{t.byState.duplicate}</a></td></tr>
          <tr><td>组织者已排除</td><td class="num"><a href="/works?state=excluded">{t.byState.excluded}</a></td></tr>
          <tr><td>已被新版本替代</td><td class="num">{t.byState.superseded}</td></tr>
          <tr><td>需人工处理的邮件</td><td class="num">{t.needsPerson}</td></tr>
          <tr><td>邮件总数</td><td class="num"><a href="/mail">{t.messages}</a></td></tr>
        </tbody>
      </table>
      <h2>需要人工处理（{today.needsPerson.length}）</h2>
      {today.needsPerson.length === 0 ? <p class="muted">没有待处理事项。</p> : (
        <table class="cards">
          <thead><tr><th>收到</th><th>邮件 / 作品</th><th>原因</th></tr></thead>
          <tbody>
            {today.needsPerson.map((p) => (
              <tr>
                <td data-label="收到">{localStamp(p.receivedAt, today.timezone)}</td>
                <td data-label="对象">{p.entryId !== null ? <a href={`/works/${p.entryId}`}>作品 #{p.entryId} {p.title ?? ''}</a> : <a href={`/mail/${p.messageId}`}>邮件 #{p.messageId} {p.subject}</a>}</td>
                <td data-label="原因">{p.reasons.map((r) => (r.todo ? `${r.text}（处理：${r.todo}）` : r.text)).join('；')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>定向征集单位进度</h2>
      <table class="cards">
        <thead><tr><th>单位</th><th>类别</th><th>进度</th><th>收到</th><th>新就业群体</th></tr></thead>
        <tbody>
          {units.map((u) => (
            <tr>
              <td data-label="单位"><a href={`/works?unit=${encodeURIComponent(u.name)}`}>{u.name}</a></td>
              <td data-label="类别">{u.categoryLabel}</td>
              <td data-label="进度"><UnitBar unit={u} /></td>
              <td data-label="收到">{u.received}</td>
              <td data-label="新就业">{u.newEmployment ? `${u.newEmployment.counted}/${u.newEmployment.quota}（${u.newEmployment.before} 前）` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
