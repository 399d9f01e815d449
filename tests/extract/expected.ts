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
  { row: 4, fields: { title: '五马街的清晨', name: '陈晓东', unit: '摄影记者/温州日报社', link: 'https://v.douyin.com/iRNBxYkq/', phone: '13857712345' } },
  { row: 5, fields: { title: '江心屿的日落', name: '周敏、吴磊', unit: '记者/温州日报社', link: '3.05 复制打开抖音，看看【张伟的作品】楠溪江上的竹筏 # 最美in温州 # 永嘉 https://v.douyin.com/iRTs9kLm/ 11/08 u@F.vS kPx:/', phone: '13957798765' } },
  { row: 7, fields: { title: '南塘风貌', name: '郑一鸣', unit: '编辑/温州日报社', link: 'https://v.douyin.com/iRAbC123/', phone: '13706665432' } },
];
