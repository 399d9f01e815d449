/**
 * What the CLI says to the people who run it, in Chinese (the default). messages-en.ts says the same in English,
 * key for key (its type is this object's). The contest's own wording (its name, the contact, problem sentences)
 * stays in config/contest.json; the replies and the digest are written for Chinese readers only.
 */
import {
  DELIVERY_ERROR_LABELS, KIND_LABELS, MESSAGE_STATUS_LABELS, REPLY_CLASS_LABELS, REPLY_LABELS,
} from '../domain/state-labels.ts';

export const zh = {
  /** Message kinds and statuses as the organizers' other outputs name them. */
  kinds: KIND_LABELS,
  statuses: MESSAGE_STATUS_LABELS,
  /** Outbox rows: their states, the classes of replies, why a send failed. */
  replyStates: REPLY_LABELS,
  replyClasses: REPLY_CLASS_LABELS,
  deliveryErrors: DELIVERY_ERROR_LABELS,
  list: (items: string[]) => items.join('，'),
  aside: (text: string) => `（${text}）`,
  usage: (version: string) => `contest-intake ${version}：“最美 in 温州”抖音大赛征集邮箱

用法：contest-intake <命令> [选项]   （加 --lang en 显示英文）

  run                          常驻运行：立即收信，之后按 POLL_CRON 定时收信、按 DIGEST_CRON 发每日简报
                               （未设置 IMAP_HOST 时：导入自带的演示邮箱一次后退出）
  poll --once                  收一次信后退出
  import <文件.eml|文件夹>       按同样的流程导入 .eml 文件
  status [--json]              运行状态：上次收信、邮箱位置、统计；退出码 0 正常，1 过期或失败，3 登录被拒，4 从未收信
  export [--format json|csv|xlsx] [--out 文件] [--unit 单位]
                               导出邮件、作品和单位进度（json、csv 不加 --out 时输出到屏幕）；
                               --unit 单位 --format xlsx：该单位的作品，按附件2推荐汇总表的格式
  replies [--json] [--status 状态] | replies --resend 编号
                               回复和简报的发件箱；手动重发一封
  digest [--date YYYY-MM-DD] [--send]
                               重新生成某一天的每日简报（DATA_DIR/digests/），加 --send 则发出
  units                        各定向征集单位的任务完成情况；未识别的单位
  units alias add <原文写法> <单位> [--reprocess]
                               把单位的某种写法对应到名单中的单位（另有 alias list、alias remove）
  reconcile                    补收邮箱中位置以下、但记录里没有的邮件（status 显示为“缺漏”）
  reprocess [--id 编号] [--include-quarantined]
                               规则或别名改动后，从存档重新读取、核对；--id 指定已隔离或无法取回的邮件时，从邮箱重新读取
  backup [--out 文件]          运行中也可安全备份数据库（默认 DATA_DIR/backups/contest-intake-<时间>.db）
  migrate                      升级数据库结构后退出
  serve                        只运行组织者管理页面（WEB_HOST:WEB_PORT，默认 127.0.0.1:8080）；
                               设置 WEB_PORT 或加 --serve 时 run 也同时提供（npm start）
  user add 用户名 --role viewer|organizer|admin [--password-file 文件] | user list | user remove 用户名
  user password 用户名 [--password-file 文件]
                               管理页面的账号（不加 --password-file 时提示输入密码，不回显）

配置来自环境变量和 config/contest.json：见 README.md；使用说明见 docs/使用说明.md。`,
  unknownCommand: (name: string) => `未知命令“${name}”`,
  configError: '配置错误：',
  errorPrefix: (code: string) => `contest-intake 出错（${code}）：`,
  errorExplanations: {
    config_invalid: '配置有误，请按提示修改环境变量或 config/contest.json。',
    imap_auth: '邮箱服务器拒绝登录：请在网页邮箱“设置 → POP3/SMTP/IMAP”重新生成授权码，更新 IMAP_PASS 后重启。',
    imap_unavailable: '连不上邮箱服务器（网络、TLS 或服务器问题），稍后会自动重试。',
    imap_refused: '邮箱服务器拒绝了所需的命令。',
    timeout: '操作超时，稍后会自动重试。',
    message_vanished: '邮件在读取前已被删除。',
    db_unknown_migration: '数据库比本程序新：请升级 contest-intake，不要用旧版本打开。',
    db_unavailable: '数据库暂时无法读写（被锁定或磁盘已满），稍后会自动重试。',
    smtp_auth: '发信服务器拒绝登录：请检查 SMTP_USER 和 SMTP_PASS（授权码）。',
    smtp_throttled: '发信过快被限流，稍后会自动重发。',
    smtp_rejected: '收件服务器拒收。',
    smtp_unavailable: '连不上发信服务器。',
    document_unreadable: '文件无法读取。',
    document_unsupported: '文件格式不支持。',
    document_too_large: '文件过大。',
    usage: '命令用法有误。',
  } as Record<string, string>,

  // status
  health: { ok: '正常', never_polled: '从未收信', stale: '已过期（长时间没有成功收信）', failing: '收信失败', auth_failed: '登录被拒' } as Record<string, string>,
  healthAdvice: {
    ok: '',
    never_polled: '等待第一次收信完成；如长时间如此，请查看日志。',
    stale: '请检查 worker 是否在运行、网络是否正常。',
    failing: '程序会自动重试；请查看“上次错误”。',
    auth_failed: '请重新生成授权码，更新 IMAP_PASS 后重启。',
  } as Record<string, string>,
  mode: { imap: '邮箱', demo: '演示' } as Record<string, string>,
  statusTitle: (health: string, mode: string) => `contest-intake 运行状态：${health}（模式：${mode}）`,
  lastPoll: '上次收信：',
  lastGoodPoll: '上次成功：',
  lastError: '上次错误：',
  never: '从未',
  none: '无',
  pollLine: (at: string, ok: boolean, source: string, fetched: number, known: number, failed: number) =>
    `${at} ${ok ? '成功' : '失败'}（${source === 'files' ? '文件导入' : '邮箱'}；新收 ${fetched} 封，此前已收 ${known} 封，失败 ${failed} 封）`,
  pollRunning: (at: string) => `${at} 进行中`,
  position: '邮箱位置：',
  positionLine: (mailbox: string, uidValidity: number, lastUid: number) => `${mailbox}（UIDVALIDITY ${uidValidity}）UID ${lastUid} 及以前的邮件均已记录`,
  gapsLine: (n: number, uids: string) => `；其下有 ${n} 封未记录（${uids}）：请运行 contest-intake reconcile`,
  messagesLine: '邮件：',
  byStatusLine: '按状态：',
  total: (n: number) => `共 ${n} 封`,
  attention: '需要处理：',
  attentionUnfetchable: (n: number) => `${n} 封邮件无法从服务器取回（已按信封记录，每天自动重试；可在网页邮箱查看原信，或运行 reprocess --id 编号）`,
  attentionQuarantined: (n: number) => `${n} 封邮件已隔离（处理时反复导致程序退出；每天自动重试一次，或运行 reprocess --id 编号）`,
  attentionError: (n: number) => `${n} 封邮件处理失败（见日志；可运行 reprocess --id 编号）`,
  attentionGaps: (n: number) => `${n} 封邮件在邮箱位置以下但未记录：请运行 contest-intake reconcile`,

  // units
  unitState: { met: '已达标', behind: '未达标', silent: '未报送' } as Record<string, string>,
  newEmployment: '新就业',
  unknownUnitsHeading: '未识别的单位（用 units alias add 对应到名单中的单位）：',
  works: (n: number) => `${n} 件`,
  unitsUsage: `units                              各定向征集单位的任务完成情况，以及未识别的单位
units alias list
units alias add <原文写法> <单位> [--reprocess]
                                   把单位的某种写法（如“中共鹿城区委网信办”）对应到名单中的单位
units alias remove <原文写法>`,
  notAUnit: (unit: string, units: string) => `“${unit}”不在单位名单中；名单中的单位有：${units}`,
  aliasAdded: (alias: string, unit: string) => `已添加别名：${alias} → ${unit}`,
  aliasRemoved: (alias: string) => `已删除别名：${alias}`,
  noSuchAlias: (alias: string) => `没有这个别名：${alias}`,
  reprocessHint: '请运行 contest-intake reprocess（或加 --reprocess），让已收到的汇总表重新匹配单位',
  reprocessedAfterAlias: (n: number, changed: number) => `已重新处理 ${n} 封邮件，其中 ${changed} 封有变化`,

  // replies
  outboxEmpty: '发件箱为空',
  outboxKinds: { reply: '回复', receipt: '回执', digest: '简报' } as Record<string, string>,
  writtenToFile: '已写入文件',
  sentAt: (at: string) => `发送于 ${at}`,
  writtenAt: (at: string) => `写入于 ${at}`,
  nextAt: (at: string) => `下次尝试 ${at}`,
  createdAt: (at: string) => `生成于 ${at}`,
  unknownHint: (n: number) => `${n} 封邮件“发送状态不明”，可能已送达：请核实后用 replies --resend 编号 手动重发。`,
  resendWantsId: (v: string) => `--resend 需要发件箱编号，而不是“${v}”`,
  resent: (id: number, state: string, at: string) => `发件箱 #${id}：${state}${at ? `（${at}）` : ''}`,
  noOutboxRow: (id: number) => `发件箱中没有 #${id}`,

  // digest
  digestWantsDate: (v: string) => `--date 需要 YYYY-MM-DD 格式的日期，而不是“${v}”`,
  digestWritten: (date: string, html: string, xlsx: string) => `${date} 的每日简报：${html}，${xlsx}`,
  digestQueued: { new: '已排队发送', existing: '当天已发送过（补发请用 replies --resend 编号）', no_recipients: '未设置收件人（DIGEST_TO），未发送', not_requested: '' } as Record<string, string>,

  // export
  exportFormat: (f: string) => `export：不支持的格式“${f}”（可用 json、csv、xlsx）`,
  xlsxNeedsOut: 'export --format xlsx 需要 --out 文件',
  unitNeedsXlsx: 'export --unit 只能导出 xlsx（加 --format xlsx --out 文件）',
  unknownUnit: (unit: string, units: string) => `“${unit}”不在单位名单中，也不是已添加的别名；名单中的单位有：${units}`,
  wrote: (file: string) => `已写入 ${file}`,
  wroteUnit: (file: string, unit: string, n: number) => `已写入 ${file}（${unit}，${n} 件作品）`,

  // poll, import, demo, reconcile, reprocess, backup, migrate
  poll: (s: { fetched: number; known: number; failed: number; quarantined: number; unfetchable: number; vanished: number; reconnects: number; retried: number; recovered: number; uidValidityChanged: boolean; gaps: number }) =>
    `收信：新收 ${s.fetched} 封，此前已收 ${s.known} 封，失败 ${s.failed} 封，隔离 ${s.quarantined} 封，无法取回 ${s.unfetchable} 封，已删除 ${s.vanished} 封`
    + `${s.reconnects ? `，重连 ${s.reconnects} 次` : ''}${s.retried ? `，重试 ${s.retried} 封（${s.recovered} 封已完整读取）` : ''}`
    + `${s.uidValidityChanged ? '（UIDVALIDITY 已变化：已重新扫描）' : ''}${s.gaps ? `；位置以下有 ${s.gaps} 封未记录：请运行 contest-intake reconcile` : ''}`,
  delivered: (sent: number, retrying: number, failed: number, deferred: number, dropped: number, toFile: boolean) =>
    `回复：${toFile ? '已写入文件' : '已发送'} ${sent} 封，待重试 ${retrying} 封，失败 ${failed} 封`
    + `${deferred ? `，超出今日发送上限、顺延 ${deferred} 封` : ''}${dropped ? `，回执逾期放弃 ${dropped} 封` : ''}`,
  importLine: (target: string, imported: number, known: number, failed: number, files: number) =>
    `${target}：新收 ${imported} 封，此前已收 ${known} 封，失败 ${failed} 封，共 ${files} 个文件`,
  importFailed: (file: string, error: string) => `  失败：${file}：${error}`,
  importNeedsFile: 'import 需要 .eml 文件或文件夹',
  demoIntro: (mailbox: string, dataDir: string) => `未设置 IMAP_HOST：导入自带的演示邮箱（${mailbox}）到 ${dataDir}/。\n设置 IMAP_HOST、IMAP_USER 和 IMAP_PASS 即可读取真实邮箱。`,
  demoImported: (imported: number, known: number, failed: number, files: number) => `演示：新收 ${imported} 封，此前已收 ${known} 封，失败 ${failed} 封，共 ${files} 个文件。`,
  demoReplies: (n: number, dir: string) => `回复：${n} 封已写入文件（${dir}/，未配置 SMTP，不会真的发出）`,
  demoDigest: (html: string, xlsx: string) => `每日简报：${html} 和 ${xlsx}`,
  reconcileNeedsImap: 'reconcile 需要读取邮箱：请设置 IMAP_HOST、IMAP_USER 和 IMAP_PASS',
  reconciled: (missing: number, poll: string) => `补收：位置以下缺 ${missing} 封；${poll}`,
  idWanted: (v: string) => `--id 需要邮件编号，而不是“${v}”`,
  needsMailbox: (ids: string) => `邮件 ${ids} 从未完整读取：重新读取需要邮箱（请设置 IMAP_HOST）`,
  readAgain: (retried: number, recovered: number, unfetchable: number) => `从邮箱重新读取：${retried} 封，其中 ${recovered} 封已完整记录，${unfetchable} 封仍无法取回`,
  reprocessed: (n: number, changed: number, skipped: number, failed: number) => `重新处理：${n} 封，有变化 ${changed} 封，跳过 ${skipped} 封，失败 ${failed} 封`,
  reprocessFailed: (id: number, error: string) => `  邮件 ${id}：${error}`,
  backupWritten: (out: string, archive: string) => `已备份到 ${out}（存档文件按内容命名，请用 rsync 复制 ${archive}）`,
  migrated: (file: string) => `数据库 ${file} 已是最新`,
  consoleAt: (url: string, publicUrl: string | null) => `管理页面：${url}${publicUrl ? `（对外地址 ${publicUrl}）` : ''}`,
  demoAccount: (user: string, password: string) => `演示账号：${user} / ${password}   （每次启动都换新密码；按 Ctrl-C 停止）`,
};

export type Messages = typeof zh;
