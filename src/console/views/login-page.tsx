import { Layout } from './layout.tsx';

export function LoginPage(props: { csrf: string; next: string; error: string | null; name?: string }) {
  return (
    <Layout title="登录" viewer={null}>
      <section class="card login">
        {props.error && <p class="error-box" role="alert">{props.error}</p>}
        <form method="post" action="/login">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <input type="hidden" name="next" value={props.next} />
          <label>用户名<input type="text" name="name" autocomplete="username" required value={props.name ?? ''} /></label>
          <label>密码<input type="password" name="password" autocomplete="current-password" required /></label>
          <button type="submit">登录</button>
        </form>
        <p class="muted">账号由管理员在服务器上用 <code>contest-intake user add</code> 添加。</p>
      </section>
    </Layout>
  );
}
