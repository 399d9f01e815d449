import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { App } from '../app.ts';
import { addUser, changePassword, isRole, removeUser, ROLES, userSummaries } from '../accounts/manage-users.ts';
import { AppError } from '../errors.ts';
import { localStamp } from '../domain/contest-calendar.ts';

const USAGE = `user add NAME --role viewer|organizer|admin [--password-file FILE]
user list
user remove NAME
user password NAME [--password-file FILE]
(without --password-file the password is asked for, and not shown as it is typed)`;

const ROLE_LABEL = { viewer: '只读', organizer: '组织者', admin: '管理员' } as const;

/** Reads a password from the terminal without echo; from a pipe, the first line. */
async function promptPassword(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = '';
      const onData = (buf: Buffer): void => {
        for (const ch of buf.toString('utf8')) {
          if (ch === '\r' || ch === '\n') { stdin.off('data', onData); process.stderr.write('\n'); resolve(typed); return; }
          if (ch === '\u0003') { stdin.off('data', onData); process.stderr.write('\n'); reject(new AppError('usage', '已取消')); return; }
          if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
          else typed += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}

async function passwordFrom(file: string | undefined): Promise<string> {
  if (file) {
    try {
      return readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '';
    } catch (err) {
      throw new AppError('usage', `--password-file: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const first = await promptPassword('密码: ');
  if (!process.stdin.isTTY) return first;
  const again = await promptPassword('再输一次: ');
  if (first !== again) throw new AppError('usage', '两次输入的密码不一致');
  return first;
}

/** `contest-intake user …`: the console's accounts. Whoever runs it on the server acts as the admin `cli`. */
export async function userCommand(app: App, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { positionals, values } = parseArgs({ args: rest, allowPositionals: true, options: {
    role: { type: 'string' }, 'password-file': { type: 'string' },
  } });
  const now = app.clock();
  const by = 'cli';
  const [name] = positionals;
  if (sub === 'list') {
    const users = userSummaries(app.db, now);
    if (!users.length) console.log('还没有用户：contest-intake user add NAME --role organizer');
    for (const u of users) {
      const lock = u.lockedUntil ? `  已锁定至 ${localStamp(u.lockedUntil, app.config.contest.timezone)}` : '';
      console.log(`${u.name}\t${u.role} (${ROLE_LABEL[u.role]})\t${u.sessions} 个会话${lock}`);
    }
    return 0;
  }
  if (!name) throw new AppError('usage', USAGE);
  if (sub === 'add') {
    if (!isRole(values.role)) throw new AppError('usage', `--role 必须是 ${ROLES.join('、')} 之一\n${USAGE}`);
    await addUser(app.db, { name, role: values.role, password: await passwordFrom(values['password-file']), by }, now);
    console.log(`已添加用户 ${name}（${values.role}）`);
    return 0;
  }
  if (sub === 'password') {
    await changePassword(app.db, { name, password: await passwordFrom(values['password-file']), by }, now);
    console.log(`已修改 ${name} 的密码，其所有会话已退出`);
    return 0;
  }
  if (sub === 'remove') {
    if (!removeUser(app.db, { name, by }, now)) throw new AppError('usage', `没有用户 ${name}`);
    console.log(`已删除用户 ${name}，其所有会话已退出`);
    return 0;
  }
  throw new AppError('usage', USAGE);
}
