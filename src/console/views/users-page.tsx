import type { UserSummary } from '../../accounts/manage-users.ts';
import type { AuditRow } from '../../store/audit-repo.ts';
import { localStamp } from '../../domain/contest-calendar.ts';
import { Layout, type Viewer } from './layout.tsx';

/** 用户 (admins): who has an account, live sessions, locks, and the latest audit rows. Accounts are managed with the CLI. */
export function UsersPage(props: { viewer: Viewer; users: UserSummary[]; audit: AuditRow[]; timezone: string }) {
  return (
    <Layout title="用户" viewer={props.viewer} active="/users">
      <p class="muted">在服务器上用 <code>contest-intake user add/remove/password</code> 管理账号；改密码或删除会立即结束该用户的所有会话。</p>
      <table class="cards">
        <thead><tr><th>用户</th><th>角色</th><th>在线会话</th><th>锁定</th><th>创建</th></tr></thead>
        <tbody>
          {props.users.map((u) => (
            <tr>
              <td data-label="用户">{u.name}</td><td data-label="角色">{u.role}</td><td data-label="会话">{u.sessions}</td>
              <td data-label="锁定">{u.lockedUntil ? `至 ${localStamp(u.lockedUntil, props.timezone)}` : ''}</td>
              <td data-label="创建">{localStamp(u.createdAt, props.timezone)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>最近的操作记录</h2>
      <table class="cards">
        <thead><tr><th>时间</th><th>谁</th><th>操作</th><th>对象</th><th>之前 → 之后</th></tr></thead>
        <tbody>
          {props.audit.map((a) => (
            <tr>
              <td data-label="时间">{localStamp(a.at, props.timezone)}</td><td data-label="谁">{a.userName}</td><td data-label="操作">{a.action}</td>
              <td data-label="对象">{a.entryId !== null ? <a href={`/works/${a.entryId}`}>作品 #{a.entryId}</a> : a.outboxId !== null ? <a href={`/replies/${a.outboxId}`}>回复 #{a.outboxId}</a> : (a.field ?? '')}</td>
              <td data-label="变化">{a.before ?? ''}{(a.before || a.after) && ' → '}{a.after ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
