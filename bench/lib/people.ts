import { Rng } from '../../fixtures/scripts/eml/mime.ts';
import type { RegistrationForm, SummaryForm } from '../../fixtures/scripts/eml/office.ts';

/**
 * Invented but plausible submitters for the synthetic mailbox: every message gets its own name, title, Douyin link
 * and phone number, so no two entries collide as duplicates and every message has its own content hash.
 */

const SURNAMES = '陈林王张李黄吴周徐郑胡潘叶朱金杨何洪蔡谢季余叶郭卢'.split('');
const GIVEN = ['晓东', '巧巧', '海燕', '志明', '婷', '立新', '晓峰', '文杰', '敏', '亦凡', '宇航', '帆', '建平', '国强', '丽娜', '一鸣',
  '静', '磊', '雨', '思远', '佳怡', '子涵', '浩然', '欣妍', '俊杰', '梦琪', '伟', '芳', '晨', '悦'];
const OCCUPATIONS = ['摄影记者', '教师', '大学生', '外卖骑手', '快递员', '护士', '公务员', '导游', '设计师', '个体户', '社区工作者',
  '网约车司机', '退休职工', '工程师', '无人机飞手'];
const WORKPLACES = ['温州日报社', '温州大学', '瑞安市实验中学', '美团温州瓯海站', '顺丰速运温州分公司', '温州医科大学附属第一医院',
  '鹿城区五马街道', '泰顺县文旅集团', '乐清市雁荡镇', '永嘉县岩头镇中心小学', '龙湾区永中街道', '洞头区东屏街道'];
const PLACES = ['五马街', '江心屿', '楠溪江', '雁荡山', '南塘街', '塘河', '三垟湿地', '洞头渔港', '泰顺廊桥', '瓯江', '松台山',
  '朔门古港', '百岛洞头', '大罗山', '寨寮溪', '文成百丈漈'];
const MOMENTS = ['的清晨', '的日落', '夜色', '的四季', '烟火气', '的一天', '灯会', '人家', '的云', '晨曦', '的桥', '印象'];
const ROADS = ['五马街', '府东路', '望江东路', '大学路', '塘河北路', '万松路', '江滨路', '人民路'];
const DISTRICTS = ['鹿城区', '瓯海区', '龙湾区', '洞头区', '瑞安市', '乐清市', '永嘉县', '文成县', '平阳县', '泰顺县'];
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function base62(n: number, width: number): string {
  let s = '';
  for (let i = 0; i < width; i++) { s = B62[n % 62]! + s; n = Math.floor(n / 62); }
  return s;
}

const pick = <T>(r: Rng, list: readonly T[]): T => list[r.int(0, list.length - 1)]!;

/** The i-th submitter: deterministic, unique title, link and phone for every i. */
export function personForm(i: number): RegistrationForm {
  const r = new Rng(`bench-person:${i}`);
  const place = pick(r, PLACES);
  const title = `${place}${pick(r, MOMENTS)}之${i + 1}`;
  const name = `${pick(r, SURNAMES)}${pick(r, GIVEN)}`;
  const district = pick(r, DISTRICTS);
  return {
    name,
    occupation: pick(r, OCCUPATIONS),
    unit: pick(r, WORKPLACES),
    title,
    link: `https://v.douyin.com/iB${base62(i, 6)}/`,
    phone: `1${pick(r, ['38', '39', '58', '59', '87', '88', '77', '57'])}${String(10_000_000 + ((i * 7919) % 89_999_999)).slice(0, 8)}`,
    address: `浙江省温州市${district}${pick(r, ROADS)}${r.int(1, 300)}号`,
    intro: `${place}的${pick(r, ['清晨', '黄昏', '雨后', '夜晚'])}，${name}用手机记录下${district}的街巷与人群。${pick(r, ['镜头跟着老街的节奏慢慢走。', '延时与航拍交替，看尽一天的光影。', '一座城市的温度，藏在这些日常里。'])}`,
  };
}

export interface UnitPick {
  name: string;
  category: string;
}

/** A directed unit's summary (附件2) with `rows` works, all with their own links. */
export function summaryForm(i: number, unit: UnitPick, rows: number): SummaryForm {
  const r = new Rng(`bench-summary:${i}`);
  const contact = `${pick(r, SURNAMES)}${pick(r, GIVEN)}`;
  return {
    unit: unit.name,
    contact,
    contactPhone: `0577-88${String(100_000 + i).slice(-6)}`,
    rows: Array.from({ length: rows }, (_, k) => {
      const p = personForm(1_000_000 + i * 100 + k);
      return { title: p.title, author: p.name, occupationUnit: `${p.occupation}/${unit.name}`, link: p.link, phone: p.phone };
    }),
  };
}
