/** What the fixtures made by fixtures/scripts/make-documents.ts hold, stated once for the files that share it. */

/** reg-word-4col.docx and its .doc, .wps, LibreOffice .docx and forwarded copies. */
export const CHEN = {
  name: '陈晓东',
  occupation: '摄影记者',
  unit: '温州日报社',
  title: '五马街的清晨',
  link: '7.89 复制打开抖音，看看【陈晓东的作品】五马街的清晨 # 最美in温州 https://v.douyin.com/iRNBxYkq/ Mxm:/ 01/23 a@a.Go',
  phone: '13857712345',
  address: '温州市鹿城区五马街88号',
  intro: '清晨六点的五马街，老字号陆续开门，早点摊升起第一缕热气。\n镜头记录下温州人一天的开始。',
};

/** reg-word-2col.docx, its .rtf copy and reg-really-docx.pdf. */
export const LIN = {
  name: '林巧巧',
  occupation: '外卖骑手',
  unit: '美团温州瓯海站',
  title: '骑行温州的一天',
  link: 'https://v.douyin.com/iRPq3cLd/',
  phone: '139 0577 1234',
  address: '温州市瓯海区娄桥街道古岸头村',
  intro: '一单接一单，穿过大街小巷。\n骑手眼中的温州，是热气腾腾的烟火气。',
};

/** sum-merged-header.xlsx and its .xls and .et copies. */
export const WZRB_ROWS = [
  { row: 4, index: '1', fields: { title: '五马街的清晨', name: '陈晓东', unit: '摄影记者/温州日报社', link: 'https://v.douyin.com/iRNBxYkq/', phone: '13857712345' } },
  { row: 5, index: '2', fields: { title: '江心屿的日落', name: '周敏、吴磊', unit: '记者/温州日报社', link: '3.05 复制打开抖音，看看【张伟的作品】楠溪江上的竹筏 # 最美in温州 # 永嘉 https://v.douyin.com/iRTs9kLm/ 11/08 u@F.vS kPx:/', phone: '13957798765' } },
  { row: 7, index: '3', fields: { title: '南塘风貌', name: '郑一鸣', unit: '编辑/温州日报社', link: 'https://v.douyin.com/iRAbC123/', phone: '13706665432' } },
];

/** reg-wps-style.docx and its LibreOffice .odt copy. */
export const WANG = {
  name: '王海燕',
  occupation: '教师',
  unit: '瑞安市实验中学',
  title: '塘河夜色',
  link: 'https://v.douyin.com/iRkM2nB4/',
  phone: '0577-65812345',
  address: '瑞安市安阳街道 万松路1号',
  intro: '温瑞塘河的夜，灯影桨声。',
};

/** sum-header-one-cell.xlsx and its LibreOffice .ods copy. */
export const LUCHENG_ROWS = [
  { row: 4, index: '1', fields: { title: '外卖小哥的一天', name: '王强', unit: '外卖骑手/饿了么鹿城站', link: 'https://v.douyin.com/iRmE4tYu/', phone: '13811112222' }, newEmployment: '是' },
  { row: 5, index: '2', fields: { title: '江滨路的晨跑', name: '陈雪', unit: '公务员/鹿城区委网信办', link: 'https://v.douyin.com/iRqW2eRt/', phone: '13833334444' }, newEmployment: '否' },
  { row: 6, index: '3', fields: { title: '网约车里的温州话', name: '李国庆', unit: '网约车司机', link: 'https://v.douyin.com/iRzX7cVb/', phone: '13855556666' }, newEmployment: '是' },
];

/** reg-web-page.doc and reg-single-file-page.doc: Word's HTML, as a page and as a single-file page (.mht). */
export const JI = {
  name: '季文杰',
  occupation: '网约车司机',
  unit: '滴滴出行温州分公司',
  title: '夜色中的瓯江路',
  link: 'https://v.douyin.com/iRjW5kTq/',
  phone: '15057712345',
  address: '温州市龙湾区永中街道',
  intro: '夜班路上，瓯江路的灯一盏盏亮起。',
};

/** sum-header-spread.xlsx and its x:-prefixed copy (sum-prefixed-xml.xlsx). */
export const RUIAN_ROWS = [
  { row: 3, index: '1', fields: { title: '塘河夜色', name: '王海燕', unit: '教师/瑞安市实验中学', link: '点击观看 https://v.douyin.com/iRkM2nB4/', phone: '13906661234' } },
  { row: 4, index: '2', fields: { title: '瑞安古城四季（组合）', name: '孙伟', unit: '自由摄影师', link: 'https://v.douyin.com/iRa1Bc2D/\nhttps://v.douyin.com/iRe3Fg4H/', phone: '13906665678' } },
];
