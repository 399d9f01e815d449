/**
 * Finds the links in what people paste into 链接地址: a bare URL, a URL without scheme, or a whole Douyin share
 * text (`7.89 复制打开抖音，看看【…的作品】… https://v.douyin.com/iRNBxYkq/ Mxm:/ 01/23 a@a.Go`), and
 * canonicalizes Douyin work links so the same work compares equal however it was copied.
 */

export type LinkPlatform =
  | 'douyin' | 'kuaishou' | 'bilibili' | 'weixin_channels' | 'weixin' | 'xiaohongshu' | 'ixigua' | 'toutiao'
  | 'weibo' | 'large_attachment' | 'other';

export interface FoundLink {
  /** The URL as it stood in the text (after width folding), trailing punctuation removed. */
  raw: string;
  platform: LinkPlatform;
  /** Canonical form of a Douyin work link; null for other platforms and for Douyin pages that are not a work. */
  canonical: string | null;
}

/** Names people know the platforms by, for the sentence that tells them the link is not Douyin. */
export const PLATFORM_NAMES: Record<LinkPlatform, string> = {
  douyin: '抖音',
  kuaishou: '快手',
  bilibili: '哔哩哔哩（B站）',
  weixin_channels: '微信视频号',
  weixin: '微信',
  xiaohongshu: '小红书',
  ixigua: '西瓜视频',
  toutiao: '今日头条',
  weibo: '微博',
  large_attachment: '邮箱超大附件',
  other: '其他网站',
};

// Hosts of the platforms people confuse with Douyin. Matching is by domain suffix.
const OTHER_PLATFORMS: [LinkPlatform, string[]][] = [
  ['kuaishou', ['kuaishou.com', 'kuaishouapp.com', 'chenzhongtech.com', 'gifshow.com', 'kwai.com']],
  ['bilibili', ['bilibili.com', 'b23.tv']],
  ['weixin_channels', ['channels.weixin.qq.com']],
  ['weixin', ['weixin.qq.com', 'wx.qq.com']],
  ['xiaohongshu', ['xiaohongshu.com', 'xhslink.com']],
  ['ixigua', ['ixigua.com']],
  ['toutiao', ['toutiao.com']],
  ['weibo', ['weibo.com', 'weibo.cn']],
  // NetEase/QQ "超大附件": a download page for a file, never the published work.
  ['large_attachment', ['mail.126.com', 'mail.163.com', 'mail.yeah.net', 'dashi.163.com', 'mail.qq.com', 'wx.mail.qq.com']],
];

// Scheme optional; a host of dotted labels ending in letters; then ASCII URL characters. Chinese text right after
// a URL ends it, which is how share texts glue them.
const URL_CANDIDATE = /(?<![\w@.\-/])((?:https?:\/\/)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?::\d{1,5})?(?:[/?#][\x21-\x7e]*)?)/gi;
const TRAILING = /[.,;:!?'")\]}>*]+$/;

function hostMatches(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

// Numbering people put before the pieces of a group work: ①…⑳, ⑴…⒇, ⒈…⒛, ❶…➓, ㉑…㊿. NFKC would fold them into
// digits glued to the next link (①https://… → 1https://…), so they become spaces first.
const ENCLOSED_NUMBER = /[\u2460-\u249b\u24ea-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]/g;

/**
 * Full-width characters folded; an ideographic full stop between ASCII letters (v。douyin。com) is a dot; and the
 * links of a group work pulled apart. This reads a 链接地址 cell, where ; , brackets and the Chinese separators only
 * ever stand between links (no Douyin link holds one), and a link glued to the one before it starts a new one —
 * unless it sits in that link's query (`?url=https://…`).
 */
function foldForLinks(text: string): string {
  return text.replace(ENCLOSED_NUMBER, ' ').replace(/[；，、（）【】《》「」]/g, ' ').normalize('NFKC')
    .replace(/(?<=[a-z0-9])。(?=[a-z0-9])/gi, '.')
    .replace(/[;,()]/g, ' ')
    // 2.v.douyin.com/… : a piece's number glued to a link written without its scheme.
    .replace(/(?<![\w.\/-])\d{1,2}[.、](?=[a-z][a-z0-9-]*\.[a-z])/gi, ' ')
    .replace(/(?<=[^\s=])(?=https?:\/\/)/gi, ' ');
}

function parseUrl(candidate: string): URL | null {
  try {
    return new URL(/^https?:\/\//i.test(candidate) ? candidate : `https://${candidate}`);
  } catch {
    return null;
  }
}

/**
 * Canonical form of a Douyin work link, or null when the URL is not on a configured Douyin host or is not a work
 * (a profile, the home page). Long links become https://www.douyin.com/video/<id> (or /note/<id> for image
 * posts); short links https://v.douyin.com/<code>/. A short link cannot be resolved offline, so a short and a
 * long link of the same work stay different.
 */
export function canonicalDouyinLink(url: string, douyinHosts: string[]): string | null {
  const parsed = parseUrl(url);
  if (!parsed) return null;
  const host = parsed.hostname.toLowerCase();
  if (!douyinHosts.some((h) => h.toLowerCase() === host)) return null;
  const segments = parsed.pathname.split('/').filter(Boolean);
  if (host.startsWith('v.')) {
    const code = segments[0];
    return code && /^[A-Za-z0-9_-]+$/.test(code) ? `https://${host}/${code}/` : null;
  }
  const id = /^\d{6,}$/;
  const [a, b, c] = segments;
  if ((a === 'video' || a === 'note') && b && id.test(b)) return `https://www.douyin.com/${a}/${b}`;
  if (a === 'share' && c && id.test(c)) {
    if (b === 'video') return `https://www.douyin.com/video/${c}`;
    if (b === 'note' || b === 'slides') return `https://www.douyin.com/note/${c}`;
  }
  // Links copied from the web player of a profile or a feed: …/user/MS4w…?modal_id=<id>.
  for (const param of ['modal_id', 'vid', 'aweme_id']) {
    const value = parsed.searchParams.get(param);
    if (value && id.test(value)) return `https://www.douyin.com/video/${value}`;
  }
  return null;
}

function platformOf(host: string, douyinHosts: string[]): LinkPlatform | null {
  if (douyinHosts.some((h) => h.toLowerCase() === host)) return 'douyin';
  for (const [platform, domains] of OTHER_PLATFORMS) {
    if (domains.some((d) => hostMatches(host, d))) return platform;
  }
  return null;
}

/** Every link in the text, in order of appearance, each once. */
export function findLinks(text: string, douyinHosts: string[]): FoundLink[] {
  const folded = foldForLinks(text);
  const out: FoundLink[] = [];
  const seen = new Set<string>();
  for (const match of folded.matchAll(URL_CANDIDATE)) {
    let raw = match[1]!;
    while (TRAILING.test(raw)) raw = raw.replace(TRAILING, '');
    const hasScheme = /^https?:\/\//i.test(raw);
    const parsed = parseUrl(raw);
    if (!parsed) continue;
    const host = parsed.hostname.toLowerCase();
    const platform = platformOf(host, douyinHosts);
    // Without a scheme, "a.Go" in a share text is not a link: only known hosts or www.* count.
    if (!hasScheme && !platform && !host.startsWith('www.')) continue;
    const canonical = platform === 'douyin' ? canonicalDouyinLink(raw, douyinHosts) : null;
    const key = canonical ?? raw.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ raw, platform: platform ?? 'other', canonical });
  }
  return out;
}

export interface LinkFieldReading {
  /** Distinct canonical Douyin work links, in the order written: the pieces of the work (a group holds several). */
  works: string[];
  /** Links that are not Douyin works: other platforms, Douyin profiles, mail download pages. */
  rejected: FoundLink[];
}

export function readLinkField(text: string, douyinHosts: string[]): LinkFieldReading {
  const found = findLinks(text, douyinHosts);
  return {
    works: found.flatMap((l) => (l.canonical ? [l.canonical] : [])),
    rejected: found.filter((l) => !l.canonical),
  };
}
