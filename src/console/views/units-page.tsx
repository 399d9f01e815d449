import type { UnitProgressReport } from '../../validate/unit-progress.ts';
import type { StoredUnitAlias } from '../../store/units-repo.ts';
import { UnitBar } from './overview-page.tsx';
import { CsrfField, Layout, type Viewer } from './layout.tsx';

/** 单位: each directed unit's works and progress (as `units` prints it), and the unknown spellings to map. */
export function UnitsPage(props: { viewer: Viewer; report: UnitProgressReport; aliases: StoredUnitAlias[]; unitNames: string[]; notice: string | null; error: string | null }) {
  const { report } = props;
  const canAct = props.viewer.role !== 'viewer';
  return (
    <Layout title="单位" viewer={props.viewer} active="/units" notice={props.notice} error={props.error}>
      <h2>未识别的推荐单位（{report.unknown.length}）</h2>
      {report.unknown.length === 0 ? <p class="muted">所有推荐单位都已识别。</p> : (
        <table class="cards">
          <thead><tr><th>写法</th><th>收到</th><th>作品</th>{canAct && <th>归入已配置单位（并重新处理）</th>}</tr></thead>
          <tbody>
            {report.unknown.map((u) => (
              <tr>
                <td data-label="写法">{u.spellings.join(' / ')}</td>
                <td data-label="收到">{u.received}</td>
                <td data-label="作品">{u.entryIds.slice(0, 10).map((id) => <><a href={`/works/${id}`}>#{id}</a>{' '}</>)}{u.entryIds.length > 10 && '…'}</td>
                {canAct && (
                  <td data-label="归入">
                    <form method="post" action="/units/alias">
                      <CsrfField viewer={props.viewer} />
                      <input type="hidden" name="alias" value={u.name} />
                      <select name="unit" required>
                        <option value="">选择单位…</option>
                        {props.unitNames.map((n) => <option value={n}>{n}</option>)}
                      </select>{' '}
                      <button type="submit">归入</button>
                    </form>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>定向征集单位</h2>
      <table class="cards">
        <thead><tr><th>单位</th><th>类别</th><th>进度</th><th>收到</th><th>新就业群体</th><th>联系人</th></tr></thead>
        <tbody>
          {report.units.map((u) => (
            <tr>
              <td data-label="单位"><a href={`/works?unit=${encodeURIComponent(u.name)}`}>{u.name}</a></td>
              <td data-label="类别">{u.categoryLabel}</td>
              <td data-label="进度"><UnitBar unit={u} /></td>
              <td data-label="收到">{u.received}</td>
              <td data-label="新就业">{u.newEmployment ? `${u.newEmployment.counted}/${u.newEmployment.quota}` : ''}</td>
              <td data-label="联系人"><span class="muted">{u.mayBelong.length ? `另有 ${u.mayBelong.length} 件个人作品写了本单位` : ''}</span></td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.aliases.length > 0 && (
        <>
          <h2>已添加的单位别名</h2>
          <ul>{props.aliases.map((a) => <li>{a.alias} → {a.unitName}</li>)}</ul>
        </>
      )}
    </Layout>
  );
}
